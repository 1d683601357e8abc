"""Custom fields (``fields:`` in the config) and incident types (``types:``).

A value is recorded as canonical text in a ``declared`` or ``changed`` event — ``eu``,
``120``, ``2.5``, ``true``, a person's handle, a service name, a URL — and typed when read
(``show --json`` gives numbers and booleans as such). Values are checked when they are
typed on the command line and again by lint, so a field declared later, or a value edited
by hand, is reported rather than trusted.
"""

from __future__ import annotations

import difflib
import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from incidentctl.core.errors import InvalidStateError, UsageError
from incidentctl.models.config import Config, FieldSpec

if TYPE_CHECKING:
    from incidentctl.models.views import IncidentView
    from incidentctl.workspace import Workspace

TRUE = ("true", "yes", "y", "1", "on")
FALSE = ("false", "no", "n", "0", "off")


def _unknown(name: str, config: Config) -> UsageError:
    names = [f.name for f in config.fields]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not names:
        return UsageError(f"unknown field {name!r}: the config declares no fields (fields:)")
    return UsageError(
        f"unknown field {name!r}"
        + (
            f"; did you mean {close[0]!r}?"
            if close
            else f"; the config declares: {', '.join(names)}"
        )
    )


def problem(spec: FieldSpec, text: str) -> str | None:
    """Why ``text`` is not a valid stored value of ``spec`` (None when it is), ignoring the
    checks that need the workspace (people, services)."""
    if spec.type == "enum" and text not in spec.values:
        return f"{text!r} is not one of {', '.join(spec.values)}"
    if spec.type == "number":
        try:
            number = float(text)
        except ValueError:
            return f"{text!r} is not a number"
        if not math.isfinite(number):
            return f"{text!r} is not a finite number"
    if spec.type == "boolean" and text not in ("true", "false"):
        return f"{text!r} is not true or false"
    if spec.type == "url":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            return f"{text!r} is not an http(s) URL"
    if "\n" in text or len(text) > 500:
        return "a field value is one line of at most 500 characters"
    return None


def canonical(ws: Workspace, name: str, raw: str) -> str | None:
    """The text recorded for ``--field name=raw``; None (unset) when ``raw`` is empty."""
    from incidentctl.core.text import clean_text, refuse_secrets

    config = ws.config
    spec = config.field(name)
    if spec is None:
        raise _unknown(name, config)
    text = raw.strip()
    if not text:
        return None
    what = f"--field {name}"
    if spec.type == "enum":
        match = next((v for v in spec.values if v.lower() == text.lower()), None)
        if match is None:
            close = difflib.get_close_matches(text, spec.values, n=1, cutoff=0.6)
            raise UsageError(
                f"{what}: {text!r} is not one of {', '.join(spec.values)}"
                + (f"; did you mean {close[0]!r}?" if close else "")
            )
        text = match
    elif spec.type == "number":
        try:
            number = float(text)
        except ValueError:
            raise UsageError(f"{what}: {text!r} is not a number") from None
        if not math.isfinite(number) or abs(number) > 1e15:
            raise UsageError(f"{what}: {text!r} is not a number between -1e15 and 1e15")
        text = str(int(number)) if number.is_integer() else repr(number)
    elif spec.type == "boolean":
        if text.lower() in TRUE:
            text = "true"
        elif text.lower() in FALSE:
            text = "false"
        else:
            raise UsageError(f"{what}: {text!r} is not true or false (yes/no, 1/0 work too)")
    elif spec.type == "person":
        text = ws.person(text)
    elif spec.type == "service":
        text = ws.service(text)
    else:
        text = clean_text(text, what, single_line=True, limit=500)
    found = problem(spec, text)
    if found is not None:
        raise UsageError(f"{what}: {found}")
    refuse_secrets(**{f"field {name}": text})
    return text


def parse_assignments(ws: Workspace, assignments: list[str]) -> dict[str, str | None]:
    """``--field k=v`` options as canonical values (the last of a repeated name wins)."""
    values: dict[str, str | None] = {}
    for item in assignments:
        name, sep, raw = item.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise UsageError(f"--field {item[:60]!r}: write NAME=VALUE, e.g. --field region=eu")
        values[name] = canonical(ws, name, raw)
    return values


def typed(spec: FieldSpec | None, text: str) -> Any:
    """A stored value as ``show --json`` gives it."""
    if spec is None or problem(spec, text) is not None:
        return text
    if spec.type == "number":
        number = float(text)
        return int(number) if number.is_integer() else number
    if spec.type == "boolean":
        return text == "true"
    return text


def incident_type(ws: Workspace, name: str) -> str:
    """A configured incident type (``default`` is always one)."""
    from incidentctl.core.text import clean_name

    value = clean_name(name, "incident type")
    names = [t.name for t in ws.config.types]
    if value == "default" or value in names:
        return value
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    raise UsageError(
        f"unknown incident type {name!r}"
        + (f"; did you mean {close[0]!r}?" if close else "")
        + f" (types: {', '.join(['default', *names]) if names else 'none are configured'})"
    )


def missing(config: Config, view: IncidentView, before: str) -> list[str]:
    """The fields ``view`` lacks that its type requires before ``before``."""
    return [n for n in config.required_fields(view.type, before) if n not in view.fields]


def refuse_missing(ws: Workspace, view: IncidentView, before: str) -> None:
    """One clear line when a required field is not set yet."""
    absent = missing(ws.config, view, before)
    if not absent:
        return
    action = "resolved" if before == "resolve" else "marked reviewed"
    names = ", ".join(absent)
    plural = "fields" if len(absent) > 1 else "field"
    example = " ".join(f"--field {n}=VALUE" for n in absent)
    raise InvalidStateError(
        f"incident {view.id} cannot be {action}: required {plural} {names} "
        f"{'are' if len(absent) > 1 else 'is'} not set; nothing was written",
        hint=f"incidentctl set {view.id} {example}",
    )
