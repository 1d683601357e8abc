"""Field types that read the strict YAML reader's output without YAML 1.1 guessing.

A plain scalar arrives as text; the field type decides: a text field keeps ``NO`` as
``"NO"``, a boolean field accepts only ``true``/``false``, a timestamp field requires an
ISO-8601 string with an offset. Values built in code (real bools, ints, datetimes) pass.
"""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from incidentctl.core.clock import parse_timestamp
from incidentctl.yamlio.emit import format_timestamp
from incidentctl.yamlio.strict import Plain

_NULLS = {"", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+")
_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value or (not value.isascii() and _BAD_CHARS.search(value)):
            raise ValueError("text contains a NUL byte or invalid UTF-8")
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        raise ValueError("expected text")
    return value


def _optional_text(value: Any) -> Any:
    if value is None or (isinstance(value, Plain) and value in _NULLS):
        return None
    return _text(value)


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Plain):
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
    raise ValueError(f"expected true or false, got {value!r}")


def _count(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Plain) and _INT.fullmatch(value):
        return int(value)
    raise ValueError(f"expected a whole number, got {value!r}")


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        from incidentctl.core.clock import RANGE_TEXT, in_range

        if value.tzinfo is None:
            raise ValueError("timestamp has no UTC offset")
        if not in_range(value):
            raise ValueError(f"timestamp {value.isoformat()} is not {RANGE_TEXT}")
        return value
    if isinstance(value, str) and not (isinstance(value, Plain) and value in _NULLS):
        return parse_timestamp(value)
    raise ValueError(f"expected an ISO-8601 timestamp with offset, got {value!r}")


def _optional_timestamp(value: Any) -> Any:
    if value is None or (isinstance(value, Plain) and value in _NULLS):
        return None
    return _timestamp(value)


def _string_list(value: Any) -> Any:
    if isinstance(value, Plain) and value in _NULLS:
        return []
    if isinstance(value, str):
        raise ValueError("expected a list, e.g. [checkout]")
    return value


def _format_optional(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


_iso = PlainSerializer(format_timestamp, return_type=str, when_used="json")
_opt_iso = PlainSerializer(_format_optional, return_type=str | None, when_used="json")

# The JSON Schema of a record describes the YAML as any YAML 1.2 tool reads it: a plain
# ``yes``, ``3`` or ``true`` in a text field is text to incidentctl but a number or a
# boolean to yaml-language-server, so text fields are marked and incidentctl.models.schemas
# widens them. Constraints sit inside the innermost ``Field`` (before the validator):
# constraints around a validated type are checked but missing from the JSON Schema.
SCALAR_KEY = "x-incidentctl-scalar"
TEXT_SCALAR: dict[str, Any] = {SCALAR_KEY: "text"}
NAME_SCALAR: dict[str, Any] = {SCALAR_KEY: "name"}
AsText = BeforeValidator(_text)
AsOptText = BeforeValidator(_optional_text)
AsCount = BeforeValidator(_count)
SINGLE_LINE = r"^[^\n\r]*$"

Text = Annotated[str, Field(min_length=1, json_schema_extra=TEXT_SCALAR), AsText]
OptText = Annotated[Annotated[str, Field(json_schema_extra=TEXT_SCALAR)] | None, AsOptText]
Body = Annotated[str, Field(json_schema_extra=TEXT_SCALAR), AsText]
Flag = Annotated[bool, BeforeValidator(_flag)]
Count = Annotated[int, AsCount]
PositiveCount = Annotated[int, Field(gt=0), AsCount]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp), _iso]
OptTimestamp = Annotated[datetime | None, BeforeValidator(_optional_timestamp), _opt_iso]
TextList = Annotated[list[Text], BeforeValidator(_string_list)]

NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$"
Name = Annotated[str, Field(pattern=NAME_PATTERN, json_schema_extra=NAME_SCALAR), AsText]
NameList = Annotated[list[Name], BeforeValidator(_string_list)]
OptName = Annotated[
    Annotated[str, Field(pattern=NAME_PATTERN, json_schema_extra=NAME_SCALAR)] | None,
    AsOptText,
]


def _day(value: Any) -> Any:
    from datetime import date

    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and not (isinstance(value, Plain) and value in _NULLS):
        from incidentctl.core.clock import EARLIEST, LATEST, RANGE_TEXT

        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date like 2026-12-15, got {value!r}") from None
        if not EARLIEST.date() <= day < LATEST.date():
            raise ValueError(f"date {value!r} is not {RANGE_TEXT}")
        return day
    raise ValueError(f"expected a date like 2026-12-15, got {value!r}")


def _optional_day(value: Any) -> Any:
    if value is None or (isinstance(value, Plain) and value in _NULLS):
        return None
    return _day(value)


def _iso_day(value: Any) -> str:
    return str(value.isoformat())


def _iso_optional_day(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


Day = Annotated[
    date_type, BeforeValidator(_day), PlainSerializer(_iso_day, return_type=str, when_used="json")
]
OptDay = Annotated[
    date_type | None,
    BeforeValidator(_optional_day),
    PlainSerializer(_iso_optional_day, return_type=str | None, when_used="json"),
]
