"""Untrusted text typed on the command line: cleaning, names, and the secret gate.

Every value that ends up in a record passes through one of these functions before any
file is written, so a bad value fails with one line and nothing changes.
"""

from __future__ import annotations

from incidentctl.errors import RefusedError, UsageError
from incidentctl.secretscan import scan

_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"


def refuse_secrets(**texts: str | None) -> None:
    """Raise :class:`RefusedError` if any text holds a secret; nothing is written."""
    for what, text in texts.items():
        if not text:
            continue
        found = scan(text)
        if found:
            hit = found[0]
            raise RefusedError(
                f"{what} contains what looks like a secret: {hit.description} ({hit.rule}: "
                f"{hit.excerpt}); nothing was written",
                hint="remove the secret (and rotate it if it was real), then run the command again",
            )


def clean_text(text: str, what: str, *, single_line: bool = False, limit: int = 20000) -> str:
    """Strip and check free text typed on the command line."""
    value = text.strip()
    if not value:
        raise UsageError(f"{what} must not be empty")
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise UsageError(f"{what} contains a NUL byte or invalid UTF-8")
    if single_line and ("\n" in value or "\r" in value):
        raise UsageError(f"{what} must be a single line")
    if len(value) > limit:
        raise UsageError(f"{what} is longer than {limit} characters")
    return value.replace("\r\n", "\n")


def clean_person(text: str) -> str:
    """A person's name or handle."""
    value = clean_text(text, "person name", single_line=True, limit=100)
    refuse_secrets(person=value)
    return value


def clean_name(text: str, what: str, allowed: list[str] | None = None) -> str:
    """A service, category or class name: lower-case letters, digits, '.', '_' and '-'."""
    value = text.strip().lower()
    if (
        not value
        or len(value) > 64
        or not (value[0].isalnum() and value[-1].isalnum())
        or any(c not in _NAME_CHARS for c in value)
    ):
        raise UsageError(
            f"{what} {text!r} is not valid: use lower-case letters, digits, '.', '_' or '-' "
            "(at most 64, starting and ending with a letter or digit)"
        )
    if allowed and value not in allowed:
        raise UsageError(f"unknown {what} {text!r}; the config allows: {', '.join(allowed)}")
    return value
