"""Private incidents: the narrative in a separate, access-controlled records repo.

``declare --private`` writes the whole incident (title, summary, every message) to the
records repo ``private.repo`` names, and to the main repo a *stub* with the same id that
holds only the figures: times, severity, services (so team and system), type and custom
fields, roles. Every later event is recorded in both, its message only in the private
repo. ``show`` merges the two for someone who can read both; lint proves no stub carries
narrative (``private/narrative``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from incidentctl.core.errors import EnvironmentProblem, InvalidStateError, RecordError

if TYPE_CHECKING:
    from incidentctl.models.views import IncidentView
    from incidentctl.workspace import Workspace

PLACEHOLDER = "Private incident"
"""The title every stub in the main repo has (lists, boards and the status page show it)."""


def private_workspace(ws: Workspace, *, required: bool = True) -> Workspace | None:
    """The private records repo the config names (None when it names none, or when it is
    not reachable from here and ``required`` is False)."""
    from incidentctl.git import gitrepo
    from incidentctl.workspace import Workspace

    name = ws.config.private.repo
    if name is None:
        if required:
            raise EnvironmentProblem(
                "--private needs a private records repo: set private.repo in .incidentctl.yaml",
                hint="create it with: incidentctl init ../incidents-private",
            )
        return None
    root = (ws.root / Path(name).expanduser()).resolve()
    if not (root / ".incidentctl.yaml").is_file():
        if required:
            raise EnvironmentProblem(
                f"private.repo {name!r} is not a records repo (no .incidentctl.yaml there)",
                hint=f"incidentctl init {name}",
            )
        return None
    main_top = gitrepo.top_level(ws.root)[0].resolve()
    if root == main_top or main_top in root.parents:
        raise RecordError(
            f"private.repo {name!r} is inside the main repo's git work tree; its narrative "
            "would be in the main repo's history",
            path=".incidentctl.yaml",
        )
    return Workspace.open(str(root), clock=ws.clock)


def refuse_narrative(view: IncidentView, what: str) -> None:
    """Refuse to write ``what`` (a title, a post-mortem) into a private incident's stub."""
    if view.private:
        raise InvalidStateError(
            f"incident {view.id} is private: its {what} lives in the private records repo; "
            "nothing was written",
            hint=f"run the command there: incidentctl --repo PRIVATE_REPO ... {view.id}",
        )


def merged(ws: Workspace, view: IncidentView) -> IncidentView:
    """A stub with its narrative from the private repo, when that repo can be read here."""
    if not view.private:
        return view
    try:
        other = private_workspace(ws, required=False)
    except RecordError:
        return view
    if other is None or not other.layout.incident_dir(view.id).is_dir():
        return view
    from incidentctl.store.records import load_incident

    full = load_incident(other.layout, view.id)
    messages = {e.id: e.message for e in full.timeline}
    timeline = [
        e.model_copy(update={"message": messages.get(e.id, e.message)}) for e in view.timeline
    ]
    return view.model_copy(
        update={"title": full.title, "summary": full.summary, "timeline": timeline}
    )
