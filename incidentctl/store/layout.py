"""Where each record kind lives inside a records repo; paths only from validated ids."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from incidentctl.core.errors import EnvironmentProblem, UsageError
from incidentctl.core.ids import EVENT_ID, INCIDENT_ID

CONFIG_FILE = ".incidentctl.yaml"
REPO_ENV = "INCIDENTCTL_REPO"


@dataclass(frozen=True)
class Layout:
    """The records tree rooted at ``root`` (the folder holding ``.incidentctl.yaml``)."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def incidents(self) -> Path:
        return self.root / "incidents"

    def incident_dir(self, incident_id: str) -> Path:
        if not INCIDENT_ID.fullmatch(incident_id):
            raise UsageError(f"invalid incident id {incident_id!r}")
        return self.incidents / incident_id

    def incident_file(self, incident_id: str) -> Path:
        return self.incident_dir(incident_id) / "incident.md"

    def events_dir(self, incident_id: str) -> Path:
        return self.incident_dir(incident_id) / "events"

    def event_file(self, incident_id: str, event_id: str) -> Path:
        if not EVENT_ID.fullmatch(event_id):
            raise UsageError(f"invalid event id {event_id!r}")
        return self.events_dir(incident_id) / f"{event_id}.md"

    def ensure_inside(self, path: Path) -> None:
        """Refuse a path that leaves the records tree or passes through a symlink."""
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            raise EnvironmentProblem(f"{path} is outside the records repo") from None
        current = self.root
        for part in parts:
            if part in ("..", ""):
                raise EnvironmentProblem(f"{path} is outside the records repo")
            current = current / part
            if current.is_symlink():
                raise EnvironmentProblem(
                    f"{self.relative(current)} is a symbolic link; incidentctl does not read "
                    "or write through links",
                    hint="replace the link with a real folder or file",
                )

    def relative(self, path: Path) -> str:
        """A path as shown to people and passed to git: relative to the records root."""
        return path.relative_to(self.root).as_posix()

    def incident_ids(self) -> list[str]:
        """Ids of every incident folder (one directory listing; symlinks are skipped)."""
        try:
            entries = os.scandir(self.incidents)
        except FileNotFoundError:
            return []
        with entries:
            return [
                e.name
                for e in entries
                if INCIDENT_ID.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
            ]


def find_root(start: Path | None = None, explicit: str | None = None) -> Layout:
    """The records repo: ``--repo``, then ``$INCIDENTCTL_REPO``, then walking up from cwd."""
    given = explicit or os.environ.get(REPO_ENV)
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            raise EnvironmentProblem(
                f"{given} is not an incidentctl records repo (no {CONFIG_FILE})",
                hint=f"run 'incidentctl init {given}' to create one",
            )
        return Layout(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return Layout(folder)
    raise EnvironmentProblem(
        f"not inside an incidentctl records repo (no {CONFIG_FILE} in {here} or above)",
        hint="run 'incidentctl init', or pass --repo PATH / set INCIDENTCTL_REPO",
    )
