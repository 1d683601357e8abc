"""Rewrite the frontmatter of a human-edited file, keeping its comments, key order and body.

ruamel.yaml's round-trip mode is slow but faithful, so it is used only on this write path;
the result is re-read with the strict reader and validated before it replaces the file.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from incidentctl.yamlio.emit import format_timestamp, scalar
from incidentctl.yamlio.frontmatter import decode


def _value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, datetime):
        value = format_timestamp(value)
    elif isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, str) and scalar(value).startswith('"'):
        return DoubleQuotedScalarString(value)
    if isinstance(value, list):
        seq = CommentedSeq(_value(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value


def update_frontmatter(raw: bytes, changes: dict[str, Any]) -> str:
    """The file text with ``changes`` applied to its frontmatter (``None`` removes a key)."""
    from ruamel.yaml import YAML

    text = decode(raw)
    end = text.find("\n---\n", 3)
    front, body = text[4 : end + 1], text[end + 5 :]
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    data = yaml.load(front)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = _value(value)
    out = io.StringIO()
    yaml.dump(data, out)
    return "---\n" + out.getvalue() + "---\n" + body
