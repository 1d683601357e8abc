"""Share the records: finish interrupted commits, pull, push. Offline-first by design."""

from __future__ import annotations

from dataclasses import dataclass

from incidentctl.core.errors import EnvironmentProblem, NotPushedError
from incidentctl.git import gitrepo
from incidentctl.store import transaction
from incidentctl.store.lock import clone_lock
from incidentctl.workspace import Workspace

spool_dir = "alerts/spool"


@dataclass(frozen=True)
class SyncOutcome:
    """What ``sync`` did."""

    recovered: list[str]
    pulled: bool
    pushed: bool


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no details"


def push(ws: Workspace, remote: str | None = None) -> None:
    """Push; raise :class:`NotPushedError` (exit 7) when the remote rejects or is unreachable."""
    proc = gitrepo.push(ws.root, remote)
    if proc.returncode != 0:
        raise NotPushedError(
            f"saved and committed locally, but not pushed: {_last_line(proc.stderr)}",
            hint="run 'incidentctl sync --push' when the remote is reachable",
        )


def sync(
    ws: Workspace, *, pull: bool = False, push_after: bool = False, remote: str | None = None
) -> SyncOutcome:
    """Commit what an interrupted command saved, then optionally pull and push."""
    if remote is not None:
        gitrepo.safe_rev(remote, what="remote name")
    from incidentctl.detect.service import commit_spool

    if commit_spool(ws, "alerts: store received notifications"):
        recovered_alerts = [spool_dir]
    else:
        recovered_alerts = []
    with clone_lock(transaction.state_dir(ws.layout)):
        recovered = transaction.recover(ws.layout) + recovered_alerts
        if pull:
            proc = gitrepo.pull(ws.root, remote)
            if proc.returncode != 0:
                raise EnvironmentProblem(
                    f"git pull failed: {_last_line(proc.stderr)}",
                    hint="your local records are intact; try again later",
                )
    if push_after:
        push(ws, remote)
    return SyncOutcome(recovered=recovered, pulled=pull, pushed=push_after)
