"""Publish a reviewed post-mortem across the organisation, redacted and fail-closed.

Only allowlisted fields are kept. People become their roles; emails, IP addresses,
internal hostnames, customer names and ``<!-- internal -->`` spans become placeholders.
The output is then scanned again; if anything that should have gone survives, nothing
is written.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from incidentctl.display import human
from incidentctl.errors import InvalidStateError, RecordError, RefusedError, UsageError
from incidentctl.models.review import PostmortemRecord
from incidentctl.models.views import IncidentView
from incidentctl.secretscan import scan
from incidentctl.workspace import Workspace

REDACTIONS_FILE = "redactions.yaml"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
    r"(?:/\d{1,2})?(?![\d.])"
)
IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"
    r"|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4})?(?![\w:])"
)
HOSTNAME = re.compile(
    r"(?<![\w.-])[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z0-9-]{1,63}"
    r"(?![\w-])"
)
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
    return re.compile(rf"(?<![\w]){re.escape(term)}(?![\w])", re.I)


def _host_patterns(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(fnmatch.translate(p.lower())) for p in patterns]


def redact(text: str, people: dict[str, str], red: Redactions) -> str:
    """``text`` with every listed kind of detail replaced by a placeholder."""
    text = INTERNAL_SPAN.sub("[internal details removed]", text)
    text = EMAIL.sub("[email]", text)
    hosts = _host_patterns(red.internal_hosts)
    text = HOSTNAME.sub(
        lambda m: (
            "[internal host]" if any(p.fullmatch(m.group(0).lower()) for p in hosts) else m.group(0)
        ),
        text,
    )
    text = IPV4.sub("[ip address]", text)
    text = IPV6.sub("[ip address]", text)
    for customer in sorted(red.customers, key=len, reverse=True):
        text = _word(customer).sub("[customer]", text)
    for term in sorted(red.terms, key=len, reverse=True):
        text = _word(term).sub("[redacted]", text)
    for person in sorted(people, key=len, reverse=True):
        text = _word(person).sub(people[person], text)
    return text


def survivors(text: str, people: dict[str, str], red: Redactions) -> list[str]:
    """What should have been removed but is still there (kinds and line numbers only)."""
    found = []
    # Placeholders may contain words that are also names ("a responder"); mask them first,
    # keeping line numbers.
    for placeholder in sorted(set(people.values()) | PLACEHOLDERS, key=len, reverse=True):
        text = re.sub(re.escape(placeholder), lambda m: "_" * len(m.group(0)), text, flags=re.I)

    def where(index: int) -> int:
        return text.count("\n", 0, index) + 1

    checks: list[tuple[str, re.Pattern[str]]] = [
        ("an email address", EMAIL),
        ("an IP address", IPV4),
        ("an IP address", IPV6),
        ("an internal marker", INTERNAL_MARK),
    ]
    checks += [("a person's name", _word(p)) for p in people]
    checks += [("a customer name", _word(c)) for c in red.customers]
    checks += [("an internal term", _word(t)) for t in red.terms]
    for kind, pattern in checks:
        match = pattern.search(text)
        if match:
            found.append(f"{kind} on line {where(match.start())}")
    hosts = _host_patterns(red.internal_hosts)
    for match in HOSTNAME.finditer(text):
        if any(p.fullmatch(match.group(0).lower()) for p in hosts):
            found.append(f"an internal hostname on line {where(match.start())}")
            break
    for hit in scan(text):
        found.append(f"a secret ({hit.rule}) on line {hit.line}")
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
    services: list[str]
    root_cause_class: str | None
    date: str


def build(ws: Workspace, ref: str, *, draft: bool = False) -> Published:
    """The redacted copy, or :class:`RefusedError` when anything would leak."""
    from incidentctl import actions, postmortem
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
    text = redact(header + "\n" + body.strip() + "\n", people, red)
    left = survivors(text, people, red)
    if left:
        raise RefusedError(
            f"publishing {incident_id} refused: {', '.join(sorted(set(left)))} would "
            "survive redaction; nothing was written",
            hint=refusal_hint(left),
        )
    title = text.split("\n", 1)[0].lstrip("# ").strip()
    return Published(
        incident_id,
        title,
        text,
        list(view.services),
        record.root_cause_class or view.root_cause_class,
        view.detected_at.date().isoformat() if view.detected_at else "",
    )


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
        "style-src 'unsafe-inline'; img-src https: data:\">"
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
    text = published.markdown if fmt == "markdown" else to_html(published.title, published.markdown)
    (replace if path.exists() else write_new)(path, text)
    return path


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
