"""JSON Schemas for every record kind and every ``--json`` output (written to ``schemas/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter


def _adapters() -> dict[str, TypeAdapter[Any]]:
    from incidentctl.lint.findings import LintResult
    from incidentctl.models.config import Config
    from incidentctl.models.event import Event
    from incidentctl.models.incident import IncidentRecord
    from incidentctl.models.report import Report
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
    }


def generate() -> dict[str, str]:
    """File name → schema text, deterministic."""
    out: dict[str, str] = {}
    for name, adapter in _adapters().items():
        records = name in ("config", "incident", "event")
        schema = adapter.json_schema(
            mode="validation" if records else "serialization", by_alias=True
        )
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
