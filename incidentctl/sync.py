"""Share the records: finish interrupted commits, pull, push. Offline-first by design."""

from __future__ import annotations

import re
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


def _pull_failure(ws: Workspace, output: str) -> EnvironmentProblem:
    """Why ``git pull`` stopped, naming the files: a merge conflict (files git could not
    merge), or local files the pull would overwrite; otherwise git's last line."""
    unmerged = gitrepo.run(
        ["diff", "--name-only", "--diff-filter=U", "-z", "--relative"], ws.root, check=False
    )
    conflicted = sorted(p for p in unmerged.stdout.split("\0") if p)
    if not conflicted:
        conflicted = sorted(
            set(re.findall(r"CONFLICT \([^)]*\): (?:Merge conflict in )?(\S+)", output))
        )
    if conflicted:
        return EnvironmentProblem(
            f"git pull stopped on a conflict in {len(conflicted)} file(s): "
            + ", ".join(conflicted),
            hint="edit each file to keep what is right (or 'git merge --abort' to go back), "
            "then 'git add' them, 'git commit', and run 'incidentctl sync' again",
        )
    blocking = re.findall(r"^\t(\S.*)$", output, re.M)
    if blocking:
        return EnvironmentProblem(
            "git pull refused: it would overwrite local files: " + ", ".join(blocking),
            hint="commit or move those files, then run 'incidentctl sync --pull' again",
        )
    return EnvironmentProblem(
        f"git pull failed: {_last_line(output)}",
        hint="your local records are intact; try again later",
    )


def _git_reason(text: str) -> str:
    """git's own reason: its first ``fatal:``/``error:`` line (the lines after it are
    advice, e.g. a usage fragment like ``git push <name>``), else its last line."""
    for line in text.splitlines():
        for prefix in ("fatal:", "error:"):
            if line.strip().startswith(prefix):
                return line.strip()[len(prefix) :].strip() or _last_line(text)
    return _last_line(text)


def push(ws: Workspace, remote: str | None = None) -> None:
    """Push; raise :class:`NotPushedError` (exit 7) when the remote rejects or is unreachable."""
    proc = gitrepo.push(ws.root, remote)
    if proc.returncode != 0:
        raise NotPushedError(
            f"saved and committed locally, but not pushed: {_git_reason(proc.stderr)}",
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
                raise _pull_failure(ws, proc.stdout + "\n" + proc.stderr)
    if push_after:
        push(ws, remote)
    return SyncOutcome(recovered=recovered, pulled=pull, pushed=push_after)
