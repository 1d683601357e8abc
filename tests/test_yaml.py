"""The strict reader and the deterministic writer: hostile input and round trips."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentctl.models.event import Update
from incidentctl.models.incident import IncidentRecord
from incidentctl.store.records import (
    render_event,
    render_incident,
    validate_event,
    validate_incident,
)
from incidentctl.yamlio.emit import dump_mapping
from incidentctl.yamlio.frontmatter import parse
from incidentctl.yamlio.strict import YamlProblem, load

YAML11_SURPRISES = [
    "NO",
    "no",
    "yes",
    "Yes",
    "on",
    "OFF",
    "y",
    "n",
    "1:30",
    "0755",
    "1.10",
    "~",
    "null",
    "2026-01-01",
    "1e3",
    ".inf",
    "0x1F",
    "true",
    "-",
    "- x",
    "#hash",
    "a: b",
    "'quoted'",
    '"dq"',
    "[x]",
    "{a: 1}",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick`",
    "|",
    ">",
    "---",
    "...",
    " lead",
    "trail ",
    "tab\there",
    "multi\nline",
    "\u2028sep",
    "caf\u00e9",
    "\U0001f600",
]


@pytest.mark.parametrize("word", YAML11_SURPRISES)
def test_text_fields_keep_what_was_written(word: str) -> None:
    record = IncidentRecord(
        id="abc123",
        # A title is one line (as declare requires); ``source`` is free text.
        title=word if word.strip() and "\n" not in word else "x",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_by="a",
        source=word,
    )
    text = render_incident(record, "")
    again = validate_incident(parse(text.encode()), "x")
    assert again == record
    assert render_incident(again, "") == text


@pytest.mark.parametrize("word", ["NO", "yes", "1:30", "0755", "1.10", "~", "2026-01-01"])
def test_plain_scalars_in_text_fields_load_as_written(word: str) -> None:
    doc = parse(
        f"---\nid: abc123\ntitle: {word}\ncreated_at: '2026-01-01T00:00:00Z'\n"
        f"created_by: {word}\n---\n".encode()
    )
    record = validate_incident(doc, "x")
    assert record.title == word and record.created_by == word


@pytest.mark.parametrize("value", ['"yes"', "yes", "1", "'true'", "on"])
def test_boolean_field_rejects_non_booleans(value: str) -> None:
    from incidentctl.core.errors import RecordError

    doc = parse(
        f"---\nid: abc123\ntitle: t\ncreated_at: '2026-01-01T00:00:00Z'\n"
        f"created_by: a\ndrill: {value}\n---\n".encode()
    )
    with pytest.raises(RecordError, match=r"x:6: drill: expected true or false"):
        validate_incident(doc, "x")


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T00:00:00",
        "1700000000",
        "infinity",
        "2026-02-30T00:00:00Z",
        "'2026-02-30T00:00:00Z'",
        "now",
    ],
)
def test_bad_timestamps_rejected_with_field(value: str) -> None:
    from incidentctl.core.errors import RecordError

    doc = parse(f"---\nid: abc123\ntitle: t\ncreated_at: {value}\ncreated_by: a\n---\n".encode())
    with pytest.raises(RecordError, match=r"x:4: created_at:"):
        validate_incident(doc, "x")


def test_billion_laughs_rejected_fast() -> None:
    doc = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        doc += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    start = time.perf_counter()
    with pytest.raises(YamlProblem, match="aliases"):
        load(doc)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "doc",
    [
        "[" * 100_000,
        "- " * 50_000 + "x",
        "{a: " * 5000,
        "".join(" " * (2 * i) + f"k{i}:\n" for i in range(200)),
    ],
)
def test_deep_nesting_rejected_without_crash(doc: str) -> None:
    with pytest.raises(YamlProblem):
        load(doc)


def test_crlf_and_body_with_dashes() -> None:
    raw = b"---\r\nid: abc123\r\n---\r\nbody\r\n---\r\nmore\r\n"
    doc = parse(raw)
    assert doc.meta == {"id": "abc123"}
    assert doc.body == "body\n---\nmore\n"


hostile_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip() != "")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
        st.one_of(
            hostile_text,
            st.booleans(),
            st.integers(),
            st.none(),
            st.lists(hostile_text, max_size=4),
        ),
        max_size=6,
    )
)
def test_writer_output_reads_back_identically(mapping: dict[str, object]) -> None:
    from incidentctl.yamlio.strict import to_python

    data, _ = load(dump_mapping(mapping))
    assert {k: _typed(v, mapping[k]) for k, v in (data or {}).items()} == mapping
    assert to_python(load(dump_mapping({"k": True}))[0]) == {"k": True}


def _typed(loaded: object, original: object) -> object:
    from incidentctl.yamlio.strict import to_python

    if isinstance(original, (str, list)):
        return loaded
    return to_python(loaded)


@settings(max_examples=200, deadline=None)
@given(
    title=hostile_text.filter(lambda s: "\n" not in s and "\r" not in s),
    message=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
        max_size=200,
    ),
    by=hostile_text.filter(lambda s: not any(c in s for c in "\n\r\t")),
)
def test_records_round_trip_byte_identical(title: str, message: str, by: str) -> None:
    message = message.strip("\n")
    record = IncidentRecord(
        id="abc123",
        title=title[:200],
        created_by=by[:100],
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    text = render_incident(record, "")
    assert validate_incident(parse(text.encode()), "x") == record
    event = Update(
        id="0" * 26,
        incident="abc123",
        type="update",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        by=by[:100],
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        message=message,
    )
    rendered = render_event(event)
    again = validate_event(parse(rendered.encode()), "x")
    assert again == event
    assert render_event(again) == rendered


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_loader_fuzz_only_documented_errors(raw: bytes) -> None:
    from incidentctl.core.errors import RecordError

    try:
        doc = parse(b"---\n" + raw)
        validate_incident(doc, "x")
    except (YamlProblem, RecordError):
        pass
