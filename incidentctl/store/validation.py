"""Turn pydantic validation errors into ``path:line: field: message`` findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from incidentctl.yamlio.frontmatter import Document

_FRIENDLY = {
    "extra_forbidden": "unknown key (not part of the record format)",
    "missing": "required key is missing",
}


@dataclass(frozen=True)
class Problem:
    """One validation problem in one file."""

    field: str
    message: str
    line: int | None


def problems(exc: ValidationError, doc: Document | None, tag: str | None = None) -> list[Problem]:
    """Every error in ``exc`` with the field path and the line it came from."""
    found: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: tuple[Any, ...] = tuple(error["loc"])
        if tag is not None and loc and loc[0] == tag:
            loc = loc[1:]
        loc = tuple(part for part in loc if not str(part).startswith("function-"))
        kind = error["type"]
        message = _FRIENDLY.get(kind) or str(error["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if kind == "union_tag_invalid":
            ctx = error.get("ctx", {})
            expected = ctx.get("expected_tags")
            message = f"unknown type {ctx.get('tag')!r} (expected one of {expected})"
            loc = ("type",)
        elif kind == "string_pattern_mismatch":
            message = f"{error.get('input')!r} does not have the required form"
        field = ".".join(str(part) for part in loc) or "(record)"
        line = doc.line_of(loc) if doc is not None else None
        found.append(Problem(field=field, message=message, line=line))
    return found
