"""A report as rich tables for a terminal (plain text when piped)."""

from __future__ import annotations

from typing import TextIO

from incidentctl.measure.formats.sections import Section


def render(sections: list[Section], stream: TextIO) -> None:
    """Print every section as a table."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from incidentctl.core.text import one_line

    console = Console(file=stream, highlight=False, soft_wrap=False)
    for section in sections:
        table = Table(
            title=section.title,
            title_justify="left",
            caption=section.note or None,
            caption_justify="left",
        )
        for header in section.headers:
            table.add_column(header, overflow="fold")
        for row in section.rows:
            table.add_row(*(escape(one_line(cell)) for cell in row))
        if not section.rows:
            table.add_row(*(["(none)"] + [""] * (len(section.headers) - 1)))
        console.print(table)
        console.print()
