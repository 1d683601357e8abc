"""Untrusted text typed on the command line: cleaning, names, and the secret gate.

Every value that ends up in a record passes through one of these functions before any
file is written, so a bad value fails with one line and nothing changes.
"""

from __future__ import annotations

from incidentctl.core.errors import RefusedError, UsageError
from incidentctl.core.secretscan import SecretMatch, scan

_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"


_SECRET_HINT = "remove the secret (and rotate it if it was real), then run the command again"


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
                hint=_SECRET_HINT,
            )


def new_secrets(text: str, before: str | None = None) -> list[SecretMatch]:
    """The secrets in ``text`` on lines that ``before`` (the committed version) lacks."""
    found = scan(text)
    if not found or before is None:
        return found
    old = set(before.split("\n"))
    lines = text.split("\n")
    return [hit for hit in found if lines[hit.line - 1] not in old]


def refuse_secrets_in_files(
    files: dict[str, tuple[str, str | None]], *, saved: str = "nothing was written"
) -> None:
    """The gate every write passes: ``files`` maps a shown path to (new text, old text or
    None); a secret on a new line raises :class:`RefusedError` naming the file and line."""
    for shown, (text, before) in files.items():
        found = new_secrets(text, before)
        if found:
            hit = found[0]
            raise RefusedError(
                f"{shown}:{hit.line}: what would be written looks like a secret: "
                f"{hit.description} ({hit.rule}: {hit.excerpt}); {saved}",
                hint=_SECRET_HINT,
            )


def refuse_unencodable(files: dict[str, str]) -> None:
    """Raise :class:`UsageError` for text that cannot be written as UTF-8 (a lone surrogate
    from invalid UTF-8 on the command line) or holds a NUL byte; nothing is written."""
    for shown, text in files.items():
        for number, line in enumerate(text.split("\n"), start=1):
            if "\x00" in line:
                raise UsageError(f"{shown}:{number}: text contains a NUL byte; nothing was written")
            if any(0xD800 <= ord(c) <= 0xDFFF for c in line):
                raise UsageError(
                    f"{shown}:{number}: text is not valid UTF-8; nothing was written",
                    hint="check the encoding of what you pasted or passed on the command line",
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


# Characters that change what a terminal shows rather than being shown: C0 and C1 controls
# (ESC starts ANSI/OSC sequences), DEL, bidi overrides and isolates, and invisible marks.
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2028, 0x2029, 0xFEFF}


def _unsafe(code: int) -> bool:
    if code < 0x20 or 0x7F <= code <= 0x9F or code in _BIDI or code in _INVISIBLE:
        return True
    if code < 0xA0:
        return False
    import unicodedata

    # Other format characters, surrogates, private use, unassigned, line separators.
    return unicodedata.category(chr(code)) in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character made visible (``\\x1b``, ``<U+202E>``), as git
    shows odd path names: safe to print on any terminal. Tabs and (unless
    ``keep_newlines`` is False) newlines stay."""
    if text.isprintable():
        return text  # the common case: nothing to do (every unsafe character is unprintable)
    out = []
    for char in text:
        if (char == "\n" and keep_newlines) or char == "\t":
            out.append(char)
        elif _unsafe(ord(char)):
            out.append(_shown(char))
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str) -> str:
    """``text`` as one terminal-safe line (newlines shown as ``\\x0a``): for commit
    subjects and one-line listings."""
    return visible(text, keep_newlines=False)


def clean_output(data: bytes | str, *, tail: int) -> str:
    """A command's output as it may be recorded: the last ``tail`` characters, decoded,
    CRLF folded, NUL and other control characters made visible, secrets redacted."""
    from incidentctl.core.secretscan import redact

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text[-tail:].replace("\r\n", "\n")
    return redact(visible(text))


def json_safe(text: str) -> str:
    """Dumped JSON with every character a terminal would act on written as ``\\uXXXX``:
    the same value for a JSON reader (such characters only occur inside strings)."""
    if text.isprintable():
        return text
    return "".join(_json_escape(ord(c)) if c not in "\n\t" and _unsafe(ord(c)) else c for c in text)


def _json_escape(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
