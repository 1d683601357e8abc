"""Whether a report computed at one commit still holds at another (see docs/decisions/0008).

Most commits during an incident change nothing a report reads: an update, a comms post,
a role handoff. A report depends on the records only through each incident's reported
facts (its derived state minus :data:`NOT_REPORTED`), the action items, the alert spool,
the runbooks and the config. So when the commits in between touch only incident folders,
and every touched incident has the same reported facts before and after, the stored
report is the answer. Anything else — a touched action item, an incident that cannot be
read on either side, too many touched incidents — means computing it again.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from incidentctl.core.errors import IncidentctlError
from incidentctl.core.ids import INCIDENT_ID
from incidentctl.git import gitrepo
from incidentctl.models.views import IncidentView
from incidentctl.store.layout import Layout

# IncidentView fields no report figure, row, repeat, action or alert figure reads.
NOT_REPORTED = frozenset(
    {
        "timeline",
        "summary",
        "warnings",
        "roles",
        "role_history",
        "updated_at",
        "public_title",
        "reopen_count",
    }
)
MAX_TOUCHED = 50  # beyond this, recomputing is as cheap as comparing


def reported(view: IncidentView) -> dict[str, Any]:
    """What a report can see of one incident."""
    return view.model_dump(exclude=set(NOT_REPORTED))


def unchanged(layout: Layout, before: str, after: str, watched: tuple[str, ...]) -> bool:
    """Whether a report over ``layout`` is the same at commit ``after`` as at ``before``.

    A function of two commits, so its verdict is kept for the life of the process.
    """
    return _unchanged(layout.root, before, after, watched)


@functools.lru_cache(maxsize=64)
def _unchanged(root: Path, before: str, after: str, watched: tuple[str, ...]) -> bool:
    layout = Layout(root)
    diff = gitrepo.run(
        ["diff", "--name-only", "--no-renames", "--relative", "-z", before, after, "--", *watched],
        layout.root,
        check=False,
    )
    if diff.returncode != 0:
        return False  # e.g. ``before`` no longer exists
    touched: set[str] = set()
    for rel in diff.stdout.split("\0"):
        if not rel:
            continue
        parts = rel.split("/")
        if parts[0] != "incidents" or len(parts) < 3 or not INCIDENT_ID.fullmatch(parts[1]):
            return False
        touched.add(parts[1])
    if len(touched) > MAX_TOUCHED:
        return False
    if not touched:
        return True
    old, new = _facts(layout, before, touched), _facts(layout, after, touched)
    return old is not None and old == new


def _facts(layout: Layout, rev: str, ids: set[str]) -> dict[str, dict[str, Any]] | None:
    from incidentctl.store.bulk import git_snapshot, load

    try:
        views, problems = load(git_snapshot(layout, rev, ids), slim=True)
    except IncidentctlError:
        return None
    if problems:
        return None
    return {v.id: reported(v) for v in views}
