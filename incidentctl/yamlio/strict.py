"""A strict YAML reader: no tags, no aliases, no duplicate keys, no YAML 1.1 guessing.

Plain scalars are returned as :class:`Plain` strings; the field type that receives them
decides what they mean (``NO`` in a text field is the text ``NO``; in a boolean field it
is an error). Quoted scalars are ordinary ``str``. Every value's line is recorded so a
validation error can name it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PLAIN_TAG = "tag:incidentctl:plain"
QUOTED_TAG = "tag:incidentctl:quoted"
SEQ_TAG = "tag:incidentctl:seq"
MAP_TAG = "tag:incidentctl:map"
MAX_DEPTH = 32

Path = tuple[str | int, ...]


class Plain(str):
    """A plain (unquoted) YAML scalar, kept as the text written."""

    __slots__ = ()


class YamlProblem(Exception):
    """A YAML document is malformed or uses a forbidden feature; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(_BaseLoader):  # type: ignore[misc]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return PLAIN_TAG if implicit[0] else QUOTED_TAG
        if kind is yaml.SequenceNode:
            return SEQ_TAG
        return MAP_TAG


_DEEP_INDENT = re.compile(r"^[ \t]{" + str(2 * MAX_DEPTH) + "}", re.MULTILINE)


def _check_depth(text: str) -> None:
    """Reject deep nesting before the composer sees it (libyaml's composer recurses in C)."""
    markers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if markers <= MAX_DEPTH and not _DEEP_INDENT.search(text):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlProblem(f"malformed YAML: {problem}", mark.line + 1 if mark else None) from None


def load(text: str, *, with_lines: bool = True) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and (if asked) the line of every value."""
    _check_depth(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlProblem(f"malformed YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}", None) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    lines: dict[Path, int] = {}
    seen: set[int] = set()
    if not with_lines:
        return _fast(node, 0, seen), lines
    return _build(node, (), lines, seen), lines


def load_all(text: str) -> list[tuple[Any, dict[Path, int]]]:
    """Parse every document of a YAML stream (``---`` separated), each with its lines
    (1-based, counted from the start of the stream); empty documents are left out."""
    _check_depth(text)
    loader = _Loader(text)
    found: list[tuple[Any, dict[Path, int]]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or (node.tag == PLAIN_TAG and node.value == ""):
                continue
            lines: dict[Path, int] = {}
            found.append((_build(node, (), lines, set()), lines))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlProblem(f"malformed YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}", None) from None
    finally:
        loader.dispose()
    return found


def _fast(node: Any, depth: int, seen: set[int]) -> Any:
    """:func:`_build` without recording lines (the bulk-read path); same checks."""
    if id(node) in seen:
        raise YamlProblem("aliases (*name) are not allowed in records", node.start_mark.line + 1)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
    tag = node.tag
    if tag == PLAIN_TAG:
        return Plain(node.value)
    if tag == QUOTED_TAG:
        return str(node.value)
    if tag == SEQ_TAG:
        return [_fast(item, depth + 1, seen) for item in node.value]
    if tag == MAP_TAG:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in (PLAIN_TAG, QUOTED_TAG):
                raise YamlProblem("mapping keys must be plain text", key_node.start_mark.line + 1)
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            result[key] = _fast(value_node, depth + 1, seen)
        return result
    raise YamlProblem(f"YAML tag {tag!r} is not allowed in records", node.start_mark.line + 1)


def _build(node: Any, path: Path, lines: dict[Path, int], seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise YamlProblem("aliases (*name) are not allowed in records", line)
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line)
    lines[path] = line
    tag = node.tag
    if tag == PLAIN_TAG:
        return Plain(node.value)
    if tag == QUOTED_TAG:
        return str(node.value)
    if tag == SEQ_TAG:
        return [_build(item, (*path, i), lines, seen) for i, item in enumerate(node.value)]
    if tag == MAP_TAG:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag not in (PLAIN_TAG, QUOTED_TAG):
                raise YamlProblem("mapping keys must be plain text", key_line)
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(f"duplicate key {key!r}", key_line)
            result[key] = _build(value_node, (*path, key), lines, seen)
            lines[(*path, key)] = key_line
        return result
    raise YamlProblem(f"YAML tag {tag!r} is not allowed in records", line)


_CORE_NULL = {"", "null", "Null", "NULL", "~"}
_CORE_TRUE = {"true", "True", "TRUE"}
_CORE_FALSE = {"false", "False", "FALSE"}


def to_python(value: Any) -> Any:
    """Interpret plain scalars by the YAML 1.2 core schema, for untyped consumers."""
    if isinstance(value, Plain):
        text = str(value)
        if text in _CORE_NULL:
            return None
        if text in _CORE_TRUE:
            return True
        if text in _CORE_FALSE:
            return False
        try:
            return int(text, 10)
        except ValueError:
            pass
        try:
            if text.lower() not in ("inf", "-inf", "+inf", "nan", "infinity", "-infinity"):
                return float(text)
        except ValueError:
            pass
        return text
    if isinstance(value, list):
        return [to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    return value
