"""Publish a reviewed post-mortem across the organisation, redacted and fail-closed.

Only allowlisted fields are kept. People become their roles; emails, IP addresses,
internal hostnames, customer names and ``<!-- internal -->`` spans become placeholders.
The output is then scanned again; if anything that should have gone survives, nothing
is written.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from incidentctl.core.display import human
from incidentctl.core.errors import (
    IncidentctlError,
    InvalidStateError,
    RecordError,
    RefusedError,
    UsageError,
)
from incidentctl.core.secretscan import scan
from incidentctl.learn.readerview import html_text, reader_lines, reader_text
from incidentctl.models.review import PostmortemRecord
from incidentctl.models.views import IncidentView
from incidentctl.workspace import Workspace

REDACTIONS_FILE = "redactions.yaml"
# Separators a reader takes for "." or "@": the characters themselves and their defanged or
# spelled-out forms ([.], (dot), {at}, [at]). Entities, escapes, full-width forms and
# zero-width characters are undone before any pattern runs (readerview.reader_text).
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
DOT = rf"(?:[ \t]*{_OPEN}[ \t]*(?:\.|dot)[ \t]*{_CLOSE}[ \t]*|\.)"
AT = rf"(?:[ \t]*{_OPEN}[ \t]*(?:@|at)[ \t]*{_CLOSE}[ \t]*|[ \t]*@[ \t]*)"
_LABEL = r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}"
EMAIL = re.compile(
    rf"(?i)(?<![\w.%+-])[\w%+-]+(?:{DOT}[\w%+-]+)*{AT}{_LABEL}(?:{DOT}{_LABEL})*{DOT}[a-z]{{2,}}"
    r"(?![\w-])"
    # spelled out with words only: "jane at example dot com"
    rf"|(?i:(?<![\w.-])[\w%+-]+(?:{DOT}[\w%+-]+)*[ \t]+at[ \t]+{_LABEL}(?:[ \t]+dot[ \t]+{_LABEL})*"
    r"[ \t]+dot[ \t]+[a-z]{2,}\b)"
)
_OCTET = r"(?:0x[0-9a-fA-F]{1,2}|0*\d{1,3})"
IPV4 = re.compile(rf"(?<![\d.])(?:{_OCTET}{DOT}){{3}}{_OCTET}(?:/\d{{1,2}})?(?![\w\[(]|\.\d)")
# A URL whose host is one number or fewer parts (http://167772161/, http://0xa010203/,
# http://10.66051/) reaches an address too: browsers read such hosts as inet_aton does.
URL_NUMERIC_HOST = re.compile(
    r"(?i)(?<=://)(?:[^\s/@]*@)?(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}"
    r"(?=[/:?#\s)\]>\"']|$)"
)
# Candidates are runs of hex digits, colons and dots holding two colons; ``ipaddress``
# decides, so 10:03:00 (a time) never is an address and fe80::1, ::ffff:a01:203 are.
IPV6 = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]{1,44}[0-9A-Fa-f:](?:%[\w-]+)?"
    r"(?:/\d{1,3})?(?![\w:])"
)
HOSTNAME = re.compile(rf"(?<![\w.-]){_LABEL}(?:{DOT}{_LABEL})+(?![\w-])")
INTERNAL_SPAN = re.compile(r"<!--\s*internal\s*-->.*?<!--\s*/internal\s*-->", re.S | re.I)
PLACEHOLDERS = {
    "[internal details removed]",
    "[email]",
    "[internal host]",
    "[ip address]",
    "[customer]",
    "[redacted]",
}
INTERNAL_MARK = re.compile(r"<!--\s*/?internal\s*-->", re.I)
DEFAULT_REDACTIONS = """\
# What `incidentctl postmortem publish` removes besides people, emails and IP addresses.
# customers: names replaced by [customer]; terms: internal words replaced by [redacted];
# internal_hosts: hostname patterns (shell-style) replaced by [internal host].
customers: []
terms: []
internal_hosts: ["*.internal", "*.corp", "*.local"]
"""


@dataclass
class Redactions:
    """What to remove, from ``redactions.yaml``."""

    customers: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    internal_hosts: list[str] = field(default_factory=list)


def read_redactions(ws: Workspace) -> Redactions:
    path = ws.root / REDACTIONS_FILE
    if not path.is_file():
        return Redactions(internal_hosts=["*.internal", "*.corp", "*.local"])
    from incidentctl.yamlio.frontmatter import decode
    from incidentctl.yamlio.strict import YamlProblem, load

    try:
        data, _ = load(decode(path.read_bytes()))
    except YamlProblem as exc:
        raise RecordError(exc.message, path=REDACTIONS_FILE, line=exc.line) from None
    if data is None:
        return Redactions()
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k, []), list) for k in ("customers", "terms", "internal_hosts")
    ):
        raise RecordError(
            "expected lists under customers, terms and internal_hosts", path=REDACTIONS_FILE, line=1
        )
    unknown = set(data) - {"customers", "terms", "internal_hosts"}
    if unknown:
        raise RecordError(f"unknown key {sorted(unknown)[0]!r}", path=REDACTIONS_FILE, line=1)
    return Redactions(
        *(list(map(str, data.get(k) or [])) for k in ("customers", "terms", "internal_hosts"))
    )


def people_roles(
    ws: Workspace, view: IncidentView, record: PostmortemRecord, owners: list[str]
) -> dict[str, str]:
    """Every person named in the records → the placeholder that replaces them."""
    titles = {r.name: r.title.lower() for r in ws.config.roles}
    labels: dict[str, str] = {}
    for change in view.role_history:
        labels.setdefault(change.person, f"the {titles.get(change.role, change.role)}")
    if record.facilitator:
        labels.setdefault(record.facilitator, "the facilitator")
    for person in [*record.authors, *owners, *(e.by for e in view.timeline)]:
        labels.setdefault(person, "a responder")
    expanded = dict(labels)
    for person, label in labels.items():
        for part in re.split(r"[\s._@-]+", person):
            if len(part) >= 3 and part.lower() not in {"the", "bot", "team", "ops", "sre"}:
                expanded.setdefault(part, label)
    return expanded


def _word(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in reader_text(term).split()]
    spaced = r"\s+".join(words)
    return re.compile(rf"(?<![\w])(?:{spaced})(?![\w])", re.I)


def _host_patterns(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(fnmatch.translate(p.lower())) for p in patterns]


def _plain(found: str) -> str:
    """A host or address as written with defanged dots, lower case, no trailing dot."""
    return re.sub(DOT, ".", found).lower().rstrip(".")


def _octet(part: str) -> bool:
    return int(part, 16) <= 255 if part[:2].lower() == "0x" else int(part) <= 255


def _is_ipv4(match: re.Match[str]) -> bool:
    """A dotted quad of octets (decimal, zero-padded or hex); ``v1.2.3.4`` is a version."""
    text, start = match.string, match.start()
    if start and text[start - 1] in "vV" and not (start > 1 and text[start - 2].isalnum()):
        return False
    address = _plain(match.group(0)).split("/")[0]
    return all(_octet(part) for part in address.split("."))


def _is_numeric_host(match: re.Match[str]) -> bool:
    host = match.group(0).rsplit("@", 1)[-1]
    return host.count(".") < 3 or _is_ipv4(match)


def _is_ipv6(match: re.Match[str]) -> bool:
    candidate = match.group(0).split("/")[0].split("%")[0].rstrip(".")
    if not re.search(r"[0-9A-Fa-f]", candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


Finder = Callable[[str], Iterator[re.Match[str]]]


def _finders(red: Redactions) -> list[tuple[str, str, Finder]]:
    """(kind, placeholder, every match in a text) in the order redaction applies them."""
    hosts = _host_patterns(red.internal_hosts)

    def keep(pattern: re.Pattern[str], test: Callable[[re.Match[str]], bool]) -> Finder:
        return lambda text: (m for m in pattern.finditer(text) if test(m))

    return [
        ("an internal marker", "[internal details removed]", keep(INTERNAL_SPAN, bool)),
        ("an email address", "[email]", keep(EMAIL, bool)),
        ("an IP address", "[ip address]", keep(URL_NUMERIC_HOST, _is_numeric_host)),
        (
            "an internal hostname",
            "[internal host]",
            keep(HOSTNAME, lambda m: any(p.fullmatch(_plain(m.group(0))) for p in hosts)),
        ),
        ("an IP address", "[ip address]", keep(IPV6, _is_ipv6)),
        ("an IP address", "[ip address]", keep(IPV4, _is_ipv4)),
    ]


def _replace(text: str, finder: Finder, placeholder: str) -> str:
    out: list[str] = []
    position = 0
    for match in finder(text):
        out += [text[position : match.start()], placeholder]
        position = match.end()
    return "".join(out) + text[position:]


def redact(text: str, people: dict[str, str], red: Redactions) -> str:
    """``text`` as a reader sees it, with every listed kind of detail replaced by a
    placeholder (in any notation: see :mod:`incidentctl.learn.readerview`)."""
    text = reader_lines(text)
    for _, placeholder, finder in _finders(red):
        text = _replace(text, finder, placeholder)
    for customer in sorted(red.customers, key=len, reverse=True):
        text = _word(customer).sub("[customer]", text)
    for term in sorted(red.terms, key=len, reverse=True):
        text = _word(term).sub("[redacted]", text)
    for person in sorted(people, key=len, reverse=True):
        text = _word(person).sub(people[person], text)
    return text


def survivors(text: str, people: dict[str, str], red: Redactions) -> list[str]:
    """What should have been removed but is still there in what a reader sees (kinds and
    line numbers only)."""
    found = []
    text = reader_lines(text)
    # Placeholders may contain words that are also names ("a responder"); mask them first,
    # keeping line numbers.
    for placeholder in sorted(set(people.values()) | PLACEHOLDERS, key=len, reverse=True):
        text = re.sub(re.escape(placeholder), lambda m: "_" * len(m.group(0)), text, flags=re.I)

    def where(index: int) -> int:
        return text.count("\n", 0, index) + 1

    for kind, _, finder in _finders(red):
        for match in finder(text):
            found.append(f"{kind} on line {where(match.start())}")
            break
    marker = INTERNAL_MARK.search(text)
    if marker:
        found.append(f"an internal marker on line {where(marker.start())}")
    checks = [("a person's name", _word(p)) for p in people]
    checks += [("a customer name", _word(c)) for c in red.customers]
    checks += [("an internal term", _word(t)) for t in red.terms]
    for kind, pattern in checks:
        hit = pattern.search(text)
        if hit:
            found.append(f"{kind} on line {where(hit.start())}")
    for secret in scan(text):
        found.append(f"a secret ({secret.rule}) on line {secret.line}")
    return found


def refusal_hint(left: list[str]) -> str:
    """How to get past a refusal; a secret is removed, never listed in a committed file."""
    if any(item.startswith("a secret") for item in left):
        return (
            "remove the secret from the post-mortem and rotate it; do not add it to "
            f"{REDACTIONS_FILE}, which is committed too"
        )
    return (
        "mark the span <!-- internal --> … <!-- /internal -->, or add the term to "
        f"{REDACTIONS_FILE}"
    )


@dataclass(frozen=True)
class Published:
    """A redacted post-mortem ready to write."""

    incident_id: str
    title: str
    markdown: str
    html: str
    services: list[str]
    root_cause_class: str | None
    date: str


def build(ws: Workspace, ref: str, *, draft: bool = False) -> Published:
    """The redacted copy, or :class:`RefusedError` when anything would leak."""
    from incidentctl.learn import actions, postmortem
    from incidentctl.store.records import load_incident

    incident_id = ws.resolve_id(ref)
    view = load_incident(ws.layout, incident_id)
    current = postmortem.load(ws, incident_id)
    if current is None:
        raise InvalidStateError(
            f"incident {incident_id} has no post-mortem",
            hint=f"incidentctl postmortem new {incident_id}",
        )
    record, body = current
    if record.status not in ("reviewed", "published") and not draft:
        raise InvalidStateError(
            f"the post-mortem of {incident_id} is {record.status}, not reviewed; "
            "nothing was published",
            hint=f"incidentctl postmortem status {incident_id} reviewed, or pass --draft",
        )
    owned, _ = actions.all_actions(ws)
    owners = [a.owner for a in owned if a.incident == incident_id]
    people = people_roles(ws, view, record, owners)
    red = read_redactions(ws)
    from incidentctl.org.people import redaction_terms

    red.terms.extend(redaction_terms(ws, people))  # every name the people directory knows
    impact_end = view.mitigated_at or view.resolved_at
    impact = (
        human((impact_end - view.started_at).total_seconds())
        if impact_end and view.started_at
        else "unknown"
    )
    factors = "\n".join(f"- {f.factor} (`{f.tag}`)" for f in record.contributing_factors) or "-"
    header = "\n".join(
        [
            f"# {view.title}",
            "",
            f"- Incident: {view.id}"
            + (" (draft review)" if record.status not in ("reviewed", "published") else ""),
            f"- Date: {view.detected_at.date().isoformat() if view.detected_at else '-'}",
            f"- Services: {', '.join(view.services) or '-'}",
            f"- Severity: {view.severity}",
            f"- Customer impact: {impact}",
            f"- Root-cause class: {record.root_cause_class or view.root_cause_class or '-'}",
            f"- Recurrence of: {', '.join(record.recurrence_of) or '-'}",
            "",
            "## Contributing factors",
            "",
            factors,
            "",
        ]
    )
    text = safe_markdown(redact(header + "\n" + body.strip() + "\n", people, red))
    title = text.split("\n", 1)[0].lstrip("# ").strip()
    page = to_html(title, text)
    left = survivors(text, people, red)
    if not left:  # what is written, as it renders: a reader sees no more than the source
        rendered = {"Markdown": _render_markdown(text), "HTML": page}
        for name, document in rendered.items():
            left += [
                f"{item} of the rendered {name}"
                for item in survivors(html_text(document), people, red)
            ]
            left += [f"{item} in the rendered {name}" for item in active_content(document)]
    if left:
        raise RefusedError(
            f"publishing {incident_id} refused: {', '.join(sorted(set(left)))} would "
            "survive redaction; nothing was written",
            hint=refusal_hint(left),
        )
    return Published(
        incident_id,
        title,
        text,
        page,
        list(view.services),
        record.root_cause_class or view.root_cause_class,
        view.detected_at.date().isoformat() if view.detected_at else "",
    )


SAFE_SCHEMES = ("http", "https", "mailto")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_INLINE_DEST = re.compile(r"(\]\(\s*<?)((?:[^()\s>]|\([^()\s]*\))*)")
_REFERENCE_DEST = re.compile(r"(?m)^( {0,3}\[[^\]\n]+\]:\s*<?)(\S*)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
_REMOTE_IMAGE = re.compile(r"!\[(?=[^\]\n]*\]\(\s*<?\s*[A-Za-z][A-Za-z0-9+.-]*:)")
_BAD_URL = re.compile(r"\s*(?:javascript|vbscript|data|file):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}


class _Active(HTMLParser):
    """Finds scripts, event handlers and script links among the real tags of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "base", "form"):
            self.found.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append("an event handler")
            elif name in URL_ATTRIBUTES and value:
                target = re.sub(r"[\x00-\x20\x7f]", "", value)
                if _BAD_URL.match(target) and not (
                    tag == "img" and target.startswith("data:image/")
                ):
                    self.found.append("a script link")
            elif name == "style" and value and re.search(r"url\s*\(|expression", value, re.I):
                self.found.append("a style that loads")


def _safe_destination(match: re.Match[str]) -> str:
    target = re.sub(r"[\x00-\x20\x7f]", "", match.group(2)).lower()
    scheme = _SCHEME.match(target)
    if scheme and scheme.group(0)[:-1] not in SAFE_SCHEMES:
        return match.group(1) + "#removed-link"
    return match.group(0)


def safe_markdown(text: str) -> str:
    """Markdown that renders no raw HTML (a ``<tag`` is shown as text) and links only to
    http(s), mailto or relative targets (``javascript:`` and other schemes are removed)."""
    text = _TAG_START.sub("&lt;", text)
    text = _REMOTE_IMAGE.sub("[", text)  # a remote image would call home: a link instead
    text = _INLINE_DEST.sub(_safe_destination, text)
    return _REFERENCE_DEST.sub(_safe_destination, text)


def active_content(document: str) -> list[str]:
    """Scripts, event handlers or script links among the tags of rendered HTML (text that
    only shows such things, like ``&lt;script&gt;``, is not one)."""
    parser = _Active()
    parser.feed(document)
    parser.close()
    return sorted(set(parser.found))


def _render_markdown(text: str) -> str:
    """The Markdown as a renderer that passes raw HTML through would show it."""
    from markdown_it import MarkdownIt

    rendered: str = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return rendered


PAGE_STYLE = """
:root { color-scheme: light dark; } body { font: 16px/1.55 system-ui, sans-serif;
max-width: 800px; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #8884; padding: .25rem .5rem; }
code, pre { background: #8881; } a { color: inherit; }
"""


def to_html(title: str, markdown_text: str) -> str:
    """Sanitised HTML: raw HTML in the Markdown is not passed through, links are checked."""
    import nh3
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("js-default").enable("table").render(markdown_text)
    clean = nh3.clean(
        rendered, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body>{clean}</body></html>\n"
    )


def write(published: Published, out: Path, fmt: str) -> Path:
    """Write the copy into ``out``."""
    from incidentctl.store.atomic import replace, write_new

    if fmt not in ("markdown", "html"):
        raise UsageError("--format must be markdown or html")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{published.incident_id}.{'md' if fmt == 'markdown' else 'html'}"
    text = published.markdown if fmt == "markdown" else published.html
    (replace if path.exists() else write_new)(path, text)
    return path


@dataclass(frozen=True)
class Index:
    """What ``publish_index`` wrote, and the post-mortems it refused."""

    path: Path
    published: list[Published]
    refused: list[IncidentctlError]


def publish_index(ws: Workspace, out: Path) -> Index:
    """Publish every published post-mortem as HTML into ``out``, with ``index.html``;
    one that would leak is refused (and not written) without stopping the others."""
    from incidentctl.learn import postmortem

    done: list[Published] = []
    refused: list[IncidentctlError] = []
    for incident_id in sorted(ws.layout.incident_ids()):
        current = postmortem.load(ws, incident_id)
        if current is None or current[0].status != "published":
            continue
        try:
            copy = build(ws, incident_id)
        except IncidentctlError as exc:
            refused.append(exc)
            continue
        write(copy, out, "html")
        done.append(copy)
    return Index(index(done, out), done, refused)


def index(items: list[Published], out: Path) -> Path:
    """``index.html`` listing published reviews by date, service and class."""
    from incidentctl.store.atomic import replace, write_new

    def link(p: Published) -> str:
        return (
            f'<li><a href="{escape(p.incident_id)}.html">{escape(p.title)}</a> '
            f"<small>{escape(p.date)}</small></li>"
        )

    by_date = sorted(items, key=lambda p: p.date, reverse=True)
    sections = ["<h2>By date</h2><ul>" + "".join(link(p) for p in by_date) + "</ul>"]
    for label, keys in (
        ("service", lambda p: p.services or ["-"]),
        ("class", lambda p: [p.root_cause_class or "-"]),
    ):
        groups: dict[str, list[Published]] = {}
        for p in by_date:
            for key in keys(p):
                groups.setdefault(key, []).append(p)
        sections.append(
            f"<h2>By {label}</h2>"
            + "".join(
                f"<h3>{escape(k)}</h3><ul>{''.join(link(p) for p in v)}</ul>"
                for k, v in sorted(groups.items())
            )
        )
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\"><title>Post-mortems</title>"
        f"<style>{PAGE_STYLE}</style></head><body><h1>Post-mortems</h1>"
        f"{''.join(sections)}</body></html>\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    (replace if path.exists() else write_new)(path, html)
    return path
