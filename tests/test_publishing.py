"""Publishing redacts what a reader sees, in any notation, and fails closed on the output.

Every case below writes a detail in a notation that changes the bytes but not what a
reader of the rendered page sees. None may appear in any published file, read as a reader
reads it (entities decoded, Unicode normalised, zero-width characters dropped, tags
removed), and times, dates and version numbers must stay readable.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import Cli
from incidentctl.core.errors import ExitCode
from incidentctl.learn import publish
from incidentctl.learn.publish import Redactions, redact, survivors
from incidentctl.learn.readerview import html_text, reader_text


def wide(text: str) -> str:
    """``text`` in full-width forms (U+FF01…U+FF5E), as some keyboards type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


HOSTS = Redactions(internal_hosts=["*.internal", "*.corp", "*.local"])

# kind -> (what the reader must never see, notations that show it)
CASES: dict[str, tuple[str, list[str]]] = {
    "email": (
        "jane.doe@corp.com",
        [
            "jane.doe@corp.com",
            "jane.doe [at] corp [dot] com",
            "jane.doe(at)corp.com",
            "jane.doe{at}corp{dot}com",
            "jane.doe " + wide("@") + " corp.com",
            "jane.doe" + wide("@corp.com"),
            "jane.doe@\u200bcorp.com",
            "jane\u200b.doe@corp\u2060.com",
            "jane.doe&#64;corp.com",
            "jane.doe&commat;corp&period;com",
            "jane.doe&amp;#64;corp.com",
            "jane.doe\\@corp\\.com",
            "jane.doe at corp dot com",
            "jane.doe[@]corp[.]com",
        ],
    ),
    "ipv4": (
        "10.1.2.3",
        [
            "10.1.2.3",
            "010.001.002.003",
            "0x0a.0x01.0x02.0x03",
            "0xa.1.2.3",
            "10[.]1[.]2[.]3",
            "10(.)1(.)2(.)3",
            "10[dot]1[dot]2[dot]3",
            "10&#46;1&#46;2&#46;3",
            "10\\.1\\.2\\.3",
            ".".join(wide(n) for n in ["10", "1", "2", "3"]),
            "10.1.2.3/24",
        ],
    ),
    "ipv4-url": (
        "167772161",
        ["http://167772161/", "https://0xa010203/x", "http://10.66051/", "http://u@167772161/"],
    ),
    "ipv6": (
        "fe80",
        [
            "fe80::1ff:fe23:4567:890a",
            "FE80::1FF:FE23:4567:890A",
            "fe80:0:0:0:1ff:fe23:4567:890a",
            "fe80::1ff:fe23:4567:890a%eth0",
            "fe80::/10 and fe80::1",
            "fe80&#58;&#58;1",
        ],
    ),
    "ipv6-mapped": ("ffff", ["::ffff:a01:203", "::ffff:10.1.2.3", "2001:db8::ffff:1"]),
    "internal-host": (
        "corp.internal",
        [
            "db-7.corp.internal",
            "db_7.corp.internal",
            "_ldap._tcp.corp.internal",
            "db-7\\.corp\\.internal",
            "db-7&#46;corp&#46;internal",
            "db-7[.]corp[.]internal",
            "DB-7.CORP.INTERNAL.",
            "db-7.corp\u200b.internal",
            wide("db") + "-7.corp.internal",
        ],
    ),
}

# Times, dates and versions that a timeline needs (decided: a dotted quad written right
# after "v" is a version and kept; a bare one is taken for an address and removed).
READABLE = [
    "10:03:00",
    "10:03",
    "23:59:59.250",
    "2026-11-20T10:03:00Z",
    "2026-11-20 10:03:00+01:00",
    "20.11.2026",
    "v1.2.3.4",
    "V10.0.0.1",
    "version 3.14",
    "1:30:00",
    "HTTP/1.1",
    "std::vec",
    "build 4512",
    "999.1.1.1",
    "a :: b",
    "00:1a:2b:3c:4d:5e",
    "https://status.example.com/incidents/1",
]

NOTATIONS = [(kind, shown, written) for kind, (shown, ws) in CASES.items() for written in ws]


def _seen(text: str) -> str:
    return reader_text(text).lower()


@pytest.mark.parametrize(("kind", "shown", "written"), NOTATIONS)
@pytest.mark.parametrize(
    "context", ["{}", "from {} at 10:03:00", "*{}*", "`{}`", "({}).", "[link]({})"]
)
def test_every_notation_is_redacted(kind: str, shown: str, written: str, context: str) -> None:
    text = context.format(written)
    out = redact(text, {}, HOSTS)
    assert shown.lower() not in _seen(out), (kind, text, out)
    assert written.lower() not in out.lower(), (kind, text, out)
    assert not survivors(out, {}, HOSTS), (kind, text, out)
    assert survivors(text, {}, HOSTS), (kind, text)  # the re-scan alone finds it too
    if "10:03:00" in context:
        assert "10:03:00" in out


@pytest.mark.parametrize("readable", READABLE)
def test_times_dates_and_versions_stay_readable(readable: str) -> None:
    text = f"At {readable} the rollout went on."
    assert redact(text, {}, HOSTS) == text
    assert not survivors(text, {}, HOSTS)


def test_names_customers_and_terms_in_any_notation() -> None:
    red = Redactions(customers=["Globex Corp"], terms=["Falcon"], internal_hosts=[])
    people = {"alice": "the incident commander"}
    for text in (
        wide("Alice") + " paged Globex  Corp",
        "ali\u200bce paged Glo&#98;ex Corp about Fal*con*",
        "&#65;lice told GLOBEX CORP about F\u00adalcon",
    ):
        out = redact(text, people, red)
        seen = _seen(out)
        assert "alice" not in seen and "globex" not in seen and "falcon" not in seen, out
        assert not survivors(out, people, red)


def _reviewed(cli: Cli, repo: Path, body: str) -> str:
    incident = cli.ok(
        "declare", "Checkout down", "-s", "sev2", now="2026-11-20T10:00:00Z"
    ).out.strip()
    cli.ok("update", incident, "rolled back", now="2026-11-20T10:03:00Z")
    cli.ok("resolve", incident, now="2026-11-20T11:00:00Z")
    cli.ok("postmortem", "new", incident, "--no-edit")
    cli.ok("postmortem", "status", incident, "reviewed")
    path = repo / "incidents" / incident / "postmortem.md"
    path.write_text(path.read_text().replace("## What went well", body + "\n\n## What went well"))
    return incident


def _published(cli: Cli, incident: str, out: Path) -> dict[str, str]:
    files = {}
    for fmt in ("markdown", "html"):
        written = Path(
            cli.ok(
                "postmortem", "publish", incident, "--out", str(out), "--format", fmt
            ).out.strip()
        )
        files[fmt] = written.read_text(encoding="utf-8")
    return files


def _as_read(fmt: str, text: str) -> str:
    """Everything a reader can see of a published file: its source text, and its rendered
    text (a Markdown viewer that passes HTML through, or the browser)."""
    rendered = MarkdownIt("commonmark", {"html": True}).render(text) if fmt == "markdown" else text
    return (_seen(text) + "\n" + html_text(rendered)).lower()


def test_no_notation_survives_into_any_published_file(cli: Cli, repo: Path, tmp_path: Path) -> None:
    lines = [f"- case {n}: seen at 10:03:00 on {w}" for n, (_, _, w) in enumerate(NOTATIONS)]
    lines += [f"- keep {r}" for r in READABLE]
    incident = _reviewed(cli, repo, "\n".join(lines))
    files = _published(cli, incident, tmp_path / "pub")
    for fmt, text in files.items():
        read = _as_read(fmt, text)
        for kind, shown, written in NOTATIONS:
            assert shown.lower() not in read, (fmt, kind, written)
            assert written.lower() not in text.lower(), (fmt, kind, written)
        for readable in READABLE:
            assert readable.lower() in read, (fmt, readable)
        assert "10:03" in read  # the timeline keeps its times


SECRETS = [
    (
        "github token split by emphasis",
        "ghp_" + "a1B2c3D4" * 2 + "**" + "e5F6g7H8" * 2 + "**" + "z9Y8",
    ),
    ("github token split by code", "ghp_" + "a1B2c3D4" * 2 + "`" + "e5F6g7H8" * 2 + "`" + "z9Y8"),
    ("aws key behind an entity", "&#65;KIAIOSFODNN7EXAMPL&#69;"),
    ("aws key with a zero-width space", "AKIAIOSF\u200bODNN7EXAMPLE"),
    ("aws key in full width", wide("AKIAIOSFODNN7EXAMPLE")),
    ("aws key in hex entities", "&#x41;&#x4B;IAIOSFODNN7EXAMPLE"),
]


@pytest.mark.parametrize(("name", "secret"), SECRETS, ids=[n for n, _ in SECRETS])
def test_a_hidden_secret_refuses_and_writes_nothing(
    cli: Cli, repo: Path, tmp_path: Path, name: str, secret: str
) -> None:
    incident = _reviewed(cli, repo, f"The key {secret} was in a log.")
    out = tmp_path / "pub"
    for fmt in ("markdown", "html"):
        result = cli("postmortem", "publish", incident, "--out", str(out), "--format", fmt)
        assert result.code == ExitCode.REFUSED, (name, result.err)
        assert "a secret" in result.err and "nothing was written" in result.err
        assert len(result.err.strip().splitlines()) <= 2  # one error line and its hint
        assert not out.exists()


def test_the_rendered_output_is_scanned_too(
    cli: Cli, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever rendering adds is scanned before writing: a renderer that put an address
    back would be caught, and nothing written."""
    incident = _reviewed(cli, repo, "Nothing private here.")
    original = publish.to_html

    def leaky(title: str, markdown_text: str) -> str:
        return original(title, markdown_text).replace(
            "</body>", '<a href="mailto:ops&#64;corp.com">x</a></body>'
        )

    monkeypatch.setattr(publish, "to_html", leaky)
    out = tmp_path / "pub"
    result = cli("postmortem", "publish", incident, "--out", str(out))
    assert result.code == ExitCode.REFUSED
    assert "an email address on line" in result.err and "of the rendered HTML" in result.err
    assert not out.exists()


ACTIVE = """\
<script>alert(1)</script>
<img src=x onerror=alert(2)>
<a href="javascript:alert(3)">a</a>
<svg onload=alert(4)></svg>
[b](javascript:alert(5)) [c](JaVa&#115;cript:alert(6)) [d]( java\tscript:alert(7))
[e][ref] <javascript:alert(8)> ![img](https://tracker.example/pixel.png)

[ref]: vbscript:msgbox(9)
<iframe src="data:text/html,x"></iframe>"""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(document: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(document)
    return parser.tags


def test_published_files_carry_no_active_content(cli: Cli, repo: Path, tmp_path: Path) -> None:
    incident = _reviewed(cli, repo, ACTIVE)
    files = _published(cli, incident, tmp_path / "pub")
    for fmt, text in files.items():
        rendered = (
            MarkdownIt("commonmark", {"html": True}).render(text) if fmt == "markdown" else text
        )
        for tag, attrs in _tags(rendered):
            assert tag not in ("script", "iframe", "svg"), (fmt, tag)
            assert not [a for a in attrs if a.startswith("on")], (fmt, tag, attrs)
            for name in ("href", "src"):
                target = re.sub(r"\s", "", attrs.get(name, "")).lower()
                assert not target.startswith(("javascript:", "vbscript:", "data:")), (fmt, attrs)
                assert not (tag == "img" and target.startswith("http")), (fmt, attrs)
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', files["html"])
    assert csp is not None
    assert "img-src data:" in csp.group(1) and "https:" not in csp.group(1)
    assert "default-src 'none'" in csp.group(1)
