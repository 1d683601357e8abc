"""Split a record file into YAML frontmatter and a Markdown body, refusing every malformed shape.

Unlike permissive frontmatter readers, nothing here returns empty metadata silently: a
byte-order mark, a missing closing ``---``, conflict markers, NUL bytes, invalid UTF-8 and
non-mapping frontmatter are all explicit errors with a line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from incidentctl.yamlio.strict import Path, YamlProblem, load

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONTMATTER_BYTES = 64 * 1024
_CONFLICT_PREFIXES = ("<<<<<<< ", ">>>>>>> ", "=======", "|||||||")


@dataclass
class Document:
    """A parsed record file: frontmatter mapping, body text and value lines (file-relative).

    Lines are recorded only when asked for, or computed on first use (error messages), so
    bulk reads do not pay for them.
    """

    meta: dict[str, Any]
    body: str
    lines: dict[Path, int] | None
    front: str = ""

    def line_of(self, path: Path) -> int | None:
        """The file line of a value, or of its closest enclosing value."""
        if self.lines is None:
            _, found = load(self.front)
            self.lines = {key: line + 1 for key, line in found.items()}
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def decode(raw: bytes) -> str:
    """Decode a record file's bytes, refusing the shapes that hide data."""
    if not raw.strip():
        raise YamlProblem("file is empty", 1)
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(f"file is larger than {MAX_FILE_BYTES // 1024} KiB", None)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("file starts with a UTF-8 byte-order mark; remove it", 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise YamlProblem("file contains a NUL byte", raw.count(b"\n", 0, nul) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(f"invalid UTF-8 at byte {exc.start}", line) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def conflict_marker_line(text: str) -> int | None:
    """The first line holding a git conflict marker, if any."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(_CONFLICT_PREFIXES):
            return number
    return None


_ESCAPED_MARKER = re.compile(r"^\\(\\*(?:<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|))", re.MULTILINE)


def unescape_body(body: str) -> str:
    """Undo :func:`incidentctl.yamlio.emit.escape_body`: the text as it was written."""
    if "\\" not in body:
        return body
    return _ESCAPED_MARKER.sub(r"\1", body)


def parse(raw: bytes, *, with_lines: bool = False) -> Document:
    """Parse a whole record file (value lines are computed on demand unless asked for)."""
    text = decode(raw)
    marker = conflict_marker_line(text)
    if marker is not None:
        raise YamlProblem("unresolved git conflict marker; resolve the conflict by hand", marker)
    if not text.startswith("---\n"):
        raise YamlProblem("file must start with a '---' frontmatter line", 1)
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise YamlProblem("frontmatter has no closing '---' line", 1)
    fm_text = text[4 : end + 1]
    if len(fm_text) > MAX_FRONTMATTER_BYTES:
        raise YamlProblem(f"frontmatter is larger than {MAX_FRONTMATTER_BYTES // 1024} KiB", 1)
    body = unescape_body(text[end + 5 :])
    try:
        data, lines = load(fm_text, with_lines=with_lines)
    except YamlProblem as exc:
        raise YamlProblem(exc.message, exc.line + 1 if exc.line is not None else None) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else ("a list" if isinstance(data, list) else "a scalar")
        raise YamlProblem(f"frontmatter must be a mapping, found {kind}", 2)
    shifted = {path: line + 1 for path, line in lines.items()} if with_lines else None
    return Document(meta=data, body=body, lines=shifted, front=fm_text)
