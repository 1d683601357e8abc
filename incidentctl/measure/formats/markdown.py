"""A report as a Markdown page for a quarterly review."""

from __future__ import annotations

from incidentctl.measure.formats.sections import Section


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(sections: list[Section]) -> str:
    """Markdown with one table per section."""
    out: list[str] = []
    for i, section in enumerate(sections):
        out.append(("# " if i == 0 else "## ") + section.title)
        out.append("")
        if section.rows:
            out.append("| " + " | ".join(_cell(h) for h in section.headers) + " |")
            out.append("|" + "---|" * len(section.headers))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
        else:
            out.append("_none_")
        if section.note:
            out += ["", section.note]
        out.append("")
    return "\n".join(out)
