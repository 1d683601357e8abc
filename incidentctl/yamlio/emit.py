"""Deterministic YAML for files the tool writes: fixed key order, strings quoted when ambiguous.

The output is read back identically by the strict reader and by YAML 1.1 readers, because
any string that a YAML 1.1 or 1.2 reader could take for something else is double-quoted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_SAFE_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./@()+-]*")
_AMBIGUOUS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _escape_char(ch: str) -> str:
    known = _ESCAPES.get(ch)
    if known is not None:
        return known
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return ch


def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text``."""
    return '"' + "".join(_escape_char(ch) for ch in text) + '"'


def scalar(value: Any) -> str:
    """One scalar value as YAML text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return quote(format_timestamp(value))
    if isinstance(value, date):
        return quote(value.isoformat())
    if isinstance(value, str):
        if (
            _SAFE_PLAIN.fullmatch(value)
            and not value.endswith(" ")
            and value.lower() not in _AMBIGUOUS
        ):
            return value
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def format_timestamp(value: datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix; seconds always, microseconds only when present."""
    from datetime import UTC

    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def _lines(mapping: dict[str, Any], indent: str) -> list[str]:
    out: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            if not value:
                out.append(f"{indent}{key}: {{}}")
            else:
                out.append(f"{indent}{key}:")
                out.extend(_lines(value, indent + "  "))
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                out.append(f"{indent}{key}: [" + ", ".join(scalar(v) for v in value) + "]")
            else:
                out.append(f"{indent}{key}:")
                for item in value:
                    if isinstance(item, dict):
                        sub = _lines(item, indent + "    ")
                        out.append(f"{indent}  - " + sub[0].lstrip())
                        out.extend(sub[1:])
                    else:
                        out.append(f"{indent}  - {scalar(item)}")
        else:
            out.append(f"{indent}{key}: {scalar(value)}")
    return out


def dump_mapping(mapping: dict[str, Any]) -> str:
    """A YAML block mapping, one key per line, in the order given."""
    return "\n".join(_lines(mapping, "")) + "\n"


# A body line that git could take for a conflict marker gets one more leading backslash
# (read back by :func:`incidentctl.yamlio.frontmatter.unescape_body`; Markdown shows the
# line the same). See docs/file-format.md.
_MARKER_LINE = re.compile(r"^(\\*)(<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|)", re.MULTILINE)


def escape_body(body: str) -> str:
    """``body`` with every line that starts like a git conflict marker escaped."""
    if (
        "<<<<<<<" not in body
        and "=======" not in body
        and ">>>>>>>" not in body
        and ("|||||||" not in body)
    ):
        return body
    return _MARKER_LINE.sub(lambda m: "\\" + m.group(1) + m.group(2), body)


def render_record(meta: dict[str, Any], body: str) -> str:
    """A whole record file: frontmatter between ``---`` lines, then the Markdown body."""
    text = "---\n" + dump_mapping(meta) + "---\n"
    if body:
        body = escape_body(body)
        text += body if body.endswith("\n") else body + "\n"
    return text
