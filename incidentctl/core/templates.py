"""Fill ``{{name}}`` placeholders in the templates kept in a records repo."""

from __future__ import annotations

import re

from incidentctl.core.errors import RecordError

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def render_template(text: str, data: dict[str, str], source: str) -> str:
    """Fill ``{{name}}`` placeholders; an unknown name is an error naming the line."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in data:
            line = text.count("\n", 0, match.start()) + 1
            raise RecordError(
                f"unknown placeholder {{{{{name}}}}} (known: {', '.join(sorted(data))})",
                path=source,
                line=line,
            )
        return data[name]

    return PLACEHOLDER.sub(fill, text)
