"""The alert spool: append-only JSON lines in the records repo, one file per clone per day.

A notification is durable (written and fsynced) before it is acknowledged. Files are
named by a random per-clone receiver id, so clones never write the same file and git
merges never conflict. Commits are batched (``alert serve`` every ``flush_seconds``).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidentctl.detect.parse import Alert
from incidentctl.store import transaction
from incidentctl.store.layout import Layout

SPOOL_DIR = "alerts/spool"
# The same body again within this time is a retry of a delivery whose answer was lost;
# later, it is Alertmanager's repeat notification (repeat_interval) of alerts still firing.
RETRY_WINDOW = timedelta(seconds=60)


def receiver_id(layout: Layout) -> str:
    """This clone's receiver id (kept under the git dir, created once)."""
    path = transaction.state_dir(layout) / "receiver-id"
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    value = "r" + secrets.token_hex(4)
    transaction.replace_or_create(path, value + "\n")
    return value


def delivery_key(body: bytes) -> str:
    """The identity of a delivery: a retried delivery has the same key."""
    return hashlib.sha256(body).hexdigest()[:32]


def spool_file(layout: Layout, when: datetime) -> Path:
    return layout.root / SPOOL_DIR / when.strftime("%Y-%m-%d") / f"{receiver_id(layout)}.jsonl"


@dataclass(frozen=True)
class SpoolLine:
    """One stored notification line: an alert of a delivery, or a receipt of a repeated
    delivery (``repeat``: its alerts are those stored with the first receipt)."""

    delivery: str
    index: int
    received_at: str
    alert: dict[str, Any]
    repeat: bool = False
    truncated: int = 0  # on a delivery's first line: alerts Alertmanager left out


def files(layout: Layout) -> list[Path]:
    base = layout.root / SPOOL_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.glob("*/*.jsonl") if p.is_file() and not p.is_symlink())


def _lines(chunks: Iterator[bytes]) -> Iterator[SpoolLine]:
    for raw in chunks:
        try:
            data = json.loads(raw)
            delivery, index, received = str(data["delivery"]), int(data["i"]), data["received_at"]
            if data.get("repeat") is True:
                yield SpoolLine(delivery, index, str(received), {}, repeat=True)
                continue
            truncated = data.get("truncated", 0)
            yield SpoolLine(
                delivery,
                index,
                str(received),
                dict(data["alert"]),
                truncated=truncated if isinstance(truncated, int) else 0,
            )
        except (ValueError, KeyError, TypeError):
            continue  # a partial line from an interrupted write


def read(layout: Layout) -> Iterator[SpoolLine]:
    """Every valid line of every spool file in the working tree."""
    for path in files(layout):
        with path.open("rb") as handle:
            yield from _lines(iter(handle))


def read_at(layout: Layout, rev: str) -> list[SpoolLine]:
    """Every valid spool line as committed at ``rev``."""
    from incidentctl.git import gitrepo

    listing = gitrepo.run(
        ["ls-tree", "-r", "-z", "--end-of-options", gitrepo.safe_rev(rev), "--", SPOOL_DIR],
        layout.root,
        check=False,
    )
    shas = [
        item.split("\t", 1)[0].split()[2]
        for item in listing.stdout.split("\0")
        if item and item.endswith(".jsonl") and " blob " in item.split("\t", 1)[0]
    ]
    found: list[SpoolLine] = []
    for blob in gitrepo.cat_blobs(layout.root, shas) if shas else []:
        found.extend(_lines(iter(blob.splitlines())))
    return found


def known_deliveries(layout: Layout) -> dict[str, datetime]:
    """Every stored delivery and when it was last received."""
    known: dict[str, datetime] = {}
    for line in read(layout):
        try:
            at = datetime.fromisoformat(line.received_at.replace("Z", "+00:00"))
        except ValueError:
            continue
        if line.delivery not in known or at > known[line.delivery]:
            known[line.delivery] = at
    return known


def _stamp(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")


def append(
    layout: Layout, alerts: list[Alert], delivery: str, now: datetime, truncated: int = 0
) -> Path:
    """Append a delivery's alerts durably (write + fsync) and return the file."""
    lines = []
    for i, alert in enumerate(alerts):
        line: dict[str, Any] = {
            "delivery": delivery,
            "i": i,
            "received_at": _stamp(now),
            "alert": alert.as_dict(),
        }
        if i == 0 and truncated:
            line["truncated"] = truncated
        lines.append(line)
    return _write(layout, now, lines)


def append_repeat(layout: Layout, delivery: str, now: datetime) -> Path:
    """Record that a stored delivery was received again (its alerts are not stored twice)."""
    line = {"delivery": delivery, "i": -1, "received_at": _stamp(now), "alert": None}
    return _write(layout, now, [{**line, "repeat": True}])


def _write(layout: Layout, now: datetime, records: list[dict[str, Any]]) -> Path:
    path = spool_file(layout, now)
    layout.ensure_inside(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n" for record in records
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        size = os.fstat(fd).st_size
        if size:
            with path.open("rb") as check:
                check.seek(size - 1)
                if check.read(1) != b"\n":
                    os.write(fd, b"\n")  # a torn line from a crash: start clean
        data = lines.encode("utf-8")
        while data:
            written = os.write(fd, data)
            data = data[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    return path
