"""The text a reader sees: what publishing redacts and re-scans, whatever the notation.

A published post-mortem is read rendered, so ``bob&#64;corp.com``, ``bob\\@corp.com``,
``bob\uff20corp.com``, ``bob\u200b@corp.com`` and ``ghp_abc**def**…`` all *show* an address or a
token. :func:`reader_text` undoes every notation that changes bytes but not what is shown:
HTML character references, Markdown backslash escapes, Unicode compatibility forms (NFKC:
full-width letters, ligatures, superscript digits), invisible format characters (zero-width
spaces and joiners, soft hyphens, bidi marks) and emphasis or code markers inside a word.
:func:`html_text` is the visible text (and link targets) of rendered HTML.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Markers a renderer drops between two letters or digits (``ab**cd**ef`` shows "abcdef").
_INTRAWORD_MARK = re.compile(r"(?<=[^\W_])(?:\*+|~+|`+)(?=[^\W_])")
_ROUNDS = 6


def _visible_chars(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def reader_text(text: str) -> str:
    """``text`` as it reads once rendered; line breaks stay where they were.

    Applied until nothing changes (bounded), so nested notations (``&amp;#64;``, a
    full-width ``&#64;``) are undone too. A decoded newline becomes a space, so line
    numbers still point into the source.
    """
    for _ in range(_ROUNDS):
        before = text
        text = unicodedata.normalize("NFKC", text)
        text = _visible_chars(text)
        text = html.unescape(text).replace("\r", " ")
        text = _ESCAPE.sub(r"\1", text)
        text = _INTRAWORD_MARK.sub("", text)
        if text == before:
            break
    return text


def reader_lines(text: str) -> str:
    """:func:`reader_text` line by line: exactly as many lines as ``text``."""
    return "\n".join(reader_text(line).replace("\n", " ") for line in text.split("\n"))


class _TextOf(HTMLParser):
    """Collects character data and the attribute values a reader can reach."""

    SHOWN = {"href", "src", "title", "alt", "content", "cite", "action", "srcset"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(f" {v} " for k, v in attrs if v and k in self.SHOWN)
        if tag in ("br", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(document: str) -> str:
    """The visible text of an HTML document (tags dropped, references decoded), link
    targets and image sources included, then :func:`reader_text`."""
    parser = _TextOf()
    parser.feed(document)
    parser.close()
    return reader_text("".join(parser.parts))
