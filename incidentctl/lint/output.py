"""Lint results as text (grouped by file), JSON, GitHub annotations, SARIF 2.1.0 or a GitLab
Code Quality report."""

from __future__ import annotations

import json
from itertools import groupby

from incidentctl import __version__
from incidentctl.lint.rules import RULES
from incidentctl.models.findings import LintResult

FORMATS = ("text", "json", "github", "sarif", "gitlab")


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


def github(result: LintResult, prefix: str = "") -> str:
    """GitHub Actions workflow commands: one annotation per finding; ``prefix`` is the
    records folder's path from the git top level, to which GitHub resolves ``file=``."""
    lines = []
    for f in result.findings:
        level = "error" if f.severity == "error" else "warning"
        props = f"file={_escape_prop(prefix + f.path)}"
        if f.line is not None:
            props += f",line={f.line}"
        props += f",title={_escape_prop(f.rule)}"
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{level} {props}::{_escape_data(message)}")
    s = result.summary
    lines.append(f"lint: {s.errors} error(s), {s.warnings} warning(s)")
    return "\n".join(lines) + "\n"


DOCS = "https://github.com/incidentctl/incidentctl/blob/main/docs/lint.md"


def _rule(rule: str) -> dict[str, object]:
    known = RULES[rule]
    level = "error" if known.severity == "error" else "warning"
    full = f"{known.summary}. Default level: {known.severity}."
    if known.deadline:
        full += " A warning until the deadline passes."
    return {
        "id": rule,
        "name": rule.replace("/", "-"),
        "shortDescription": {"text": known.summary},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} See {DOCS}#rules for what it checks and how to fix it.",
            "markdown": f"{full} See [docs/lint.md]({DOCS}#rules) for what it checks and "
            "how to fix it.",
        },
        "helpUri": f"{DOCS}#rules",
        "defaultConfiguration": {"level": level},
    }


def sarif(result: LintResult, root_uri: str | None = None, prefix: str = "") -> str:
    """SARIF 2.1.0 for code-scanning UIs.

    ``prefix`` is the records folder's path from the git top level (``root_uri``): URIs
    are relative to the top level, as code scanning resolves them, and percent-encoded.
    A finding about a whole file points at its first line, as code scanning requires a
    region.
    """
    from urllib.parse import quote

    used = sorted({f.rule for f in result.findings} | set(RULES))
    index = {rule: i for i, rule in enumerate(used)}
    results = []
    for f in result.findings:
        location = {
            "artifactLocation": {"uri": quote(prefix + f.path, safe="/"), "uriBaseId": "SRCROOT"},
            "region": {"startLine": f.line if f.line is not None else 1},
        }
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
                "semanticVersion": __version__,
                "informationUri": "https://github.com/incidentctl/incidentctl",
                "rules": [_rule(rule) for rule in used],
            }
        },
        "results": results,
    }
    if root_uri:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": root_uri}}
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, indent=2) + "\n"


def gitlab(result: LintResult, prefix: str = "") -> str:
    """GitLab's Code Quality report (a Code Climate JSON array), paths from the git top
    level; each finding's fingerprint is stable across runs."""
    import hashlib

    issues = []
    for f in result.findings:
        path = prefix + f.path
        identity = f"{f.rule}|{path}|{f.line or 0}|{f.message}"
        issues.append(
            {
                "description": f.message + (f" (hint: {f.hint})" if f.hint else ""),
                "check_name": f.rule,
                "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
                "severity": "major" if f.severity == "error" else "minor",
                "location": {"path": path, "lines": {"begin": f.line or 1}},
            }
        )
    return json.dumps(issues, indent=2) + "\n"


def render(result: LintResult, fmt: str, root_uri: str | None = None, prefix: str = "") -> str:
    """The result in ``fmt``; CI formats name files from the git top level
    (``root_uri``, with the records folder at ``prefix`` in it)."""
    if fmt == "json":
        return json.dumps(result.model_dump(mode="json"), indent=2) + "\n"
    if fmt == "github":
        return github(result, prefix)
    if fmt == "sarif":
        return sarif(result, root_uri, prefix)
    if fmt == "gitlab":
        return gitlab(result, prefix)
    return text(result)
