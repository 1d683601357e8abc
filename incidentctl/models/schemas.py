"""JSON Schemas for every record kind and every ``--json`` output (written to ``schemas/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter


def _adapters() -> dict[str, TypeAdapter[Any]]:
    from incidentctl.models import outputs
    from incidentctl.models.config import Config
    from incidentctl.models.event import Event
    from incidentctl.models.findings import LintResult
    from incidentctl.models.incident import IncidentRecord
    from incidentctl.models.org import CatalogFile, CatalogView, PeopleFile
    from incidentctl.models.report import Report
    from incidentctl.models.review import ActionView
    from incidentctl.models.views import DeclareResult, IncidentSummary, IncidentView

    return {
        "config": TypeAdapter(Config),
        "incident": TypeAdapter(IncidentRecord),
        "event": TypeAdapter(Event),
        "show": TypeAdapter(IncidentView),
        "list": TypeAdapter(list[IncidentSummary]),
        "declare": TypeAdapter(DeclareResult),
        "report": TypeAdapter(Report),
        "lint": TypeAdapter(LintResult),
        "catalog-file": TypeAdapter(CatalogFile),
        "people-file": TypeAdapter(PeopleFile),
        "catalog": TypeAdapter(CatalogView),
        "event-result": TypeAdapter(outputs.EventResult),
        "roles": TypeAdapter(list[outputs.RoleView]),
        "policy": TypeAdapter(outputs.PolicyView),
        "classify": TypeAdapter(outputs.ClassifyResult),
        "postmortem-list": TypeAdapter(list[outputs.ReviewDueView]),
        "similar": TypeAdapter(list[outputs.SimilarView]),
        "action-list": TypeAdapter(list[ActionView]),
        "runbook-list": TypeAdapter(list[outputs.RunbookRow]),
        "runbook-suggest": TypeAdapter(list[outputs.RunbookSuggestion]),
        "runbook-stale": TypeAdapter(list[outputs.StaleRunbook]),
    }


def _yaml_scalars(node: Any, records: bool) -> None:
    """Widen the marked text and name fields to what a YAML 1.2 reader makes of a plain
    scalar there (see incidentctl.models.fields); drop the marks from output schemas."""
    from incidentctl.models.fields import SCALAR_KEY

    if isinstance(node, list):
        for item in node:
            _yaml_scalars(item, records)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _yaml_scalars(value, records)
    kind = node.pop(SCALAR_KEY, None)
    if "patternProperties" in node:  # keys that match no pattern are errors, as in lint
        node.setdefault("additionalProperties", False)
        if node.get("propertyNames") == {}:
            del node["propertyNames"]
    if not records or node.get("type") != "string":
        return
    if kind == "text":  # `title: 404`, `when: {data_loss: true}`
        node["type"] = ["string", "number", "boolean"]
    elif kind == "name":  # `services: [2024]`; other numbers never match the pattern
        string = {"type": "string", "pattern": node.pop("pattern")}
        del node["type"]
        node["anyOf"] = [string, {"type": "integer", "minimum": 0}]


RECORDS = ("config", "incident", "event", "catalog-file", "people-file")
"""Schemas of files people write (the rest describe ``--json`` output)."""


def generate() -> dict[str, str]:
    """File name → schema text, deterministic."""
    out: dict[str, str] = {}
    for name, adapter in _adapters().items():
        records = name in RECORDS
        schema = adapter.json_schema(
            mode="validation" if records else "serialization", by_alias=True
        )
        _yaml_scalars(schema, records)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://incidentctl.dev/schemas/{name}.schema.json",
            **schema,
        }
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def export(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
