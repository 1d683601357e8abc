"""Lint results as text (grouped by file), JSON, GitHub annotations or SARIF 2.1.0."""

from __future__ import annotations

import json
from itertools import groupby

from incidentctl import __version__
from incidentctl.lint.findings import LintResult
from incidentctl.lint.rules import RULES

FORMATS = ("text", "json", "github", "sarif")


def text(result: LintResult) -> str:
    """Findings grouped by file, then a summary line."""
    lines: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        lines.append(path)
        for f in group:
            where = f"{f.line}" if f.line is not None else "-"
            lines.append(f"  {where:>5}  {f.severity:<7}  {f.rule:<34}  {f.message}")
            if f.hint:
                lines.append(f"  {'':>5}  {'':<7}  {'':<34}  hint: {f.hint}")
    s = result.summary
    verdict = "failed" if s.failed else "passed"
    lines.append(
        f"lint {verdict}: {s.errors} error(s), {s.warnings} warning(s) in "
        f"{s.files_checked} file(s) checked"
    )
    return "\n".join(lines) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: LintResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in result.findings:
        level = "error" if f.severity == "error" else "warning"
        props = f"file={_escape_prop(f.path)}"
        if f.line is not None:
            props += f",line={f.line}"
        props += f",title={_escape_prop(f.rule)}"
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{level} {props}::{_escape_data(message)}")
    s = result.summary
    lines.append(f"lint: {s.errors} error(s), {s.warnings} warning(s)")
    return "\n".join(lines) + "\n"


def sarif(result: LintResult, root_uri: str | None = None) -> str:
    """SARIF 2.1.0 for code-scanning UIs."""
    used = sorted({f.rule for f in result.findings} | set(RULES))
    index = {rule: i for i, rule in enumerate(used)}
    rules = [
        {
            "id": rule,
            "name": rule.replace("/", "-"),
            "shortDescription": {"text": RULES[rule].summary},
            "defaultConfiguration": {"level": RULES[rule].severity},
            "helpUri": "https://github.com/incidentctl/incidentctl/blob/main/docs/lint.md",
        }
        for rule in used
    ]
    results = []
    for f in result.findings:
        region = {"startLine": f.line} if f.line is not None else {}
        location: dict[str, object] = {"artifactLocation": {"uri": f.path, "uriBaseId": "RECORDS"}}
        if region:
            location["region"] = region
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.severity == "error" else "warning",
                "message": {"text": f.message + (f" Hint: {f.hint}" if f.hint else "")},
                "locations": [{"physicalLocation": location}],
            }
        )
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "incidentctl",
                "version": __version__,
                "informationUri": "https://github.com/incidentctl/incidentctl",
                "rules": rules,
            }
        },
        "results": results,
    }
    if root_uri:
        run["originalUriBaseIds"] = {"RECORDS": {"uri": root_uri}}
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, indent=2) + "\n"


def render(result: LintResult, fmt: str, root_uri: str | None = None) -> str:
    """The result in ``fmt``."""
    if fmt == "json":
        return json.dumps(result.model_dump(mode="json"), indent=2) + "\n"
    if fmt == "github":
        return github(result)
    if fmt == "sarif":
        return sarif(result, root_uri)
    return text(result)
