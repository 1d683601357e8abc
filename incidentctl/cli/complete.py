"""Shell completion of incident ids, severities and roles (Typer's completion scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from incidentctl.workspace import Workspace


def _workspace() -> Workspace:
    from incidentctl.workspace import Workspace

    return Workspace.open()


def incident_ids(incomplete: str) -> list[str]:
    """Incident ids starting with what was typed."""
    try:
        ids = _workspace().layout.incident_ids()
    except Exception:
        return []
    return sorted(i for i in ids if i.startswith(incomplete.lower()))


def severities(incomplete: str) -> list[str]:
    """Severity names from the policy."""
    try:
        names = _workspace().config.severity_names()
    except Exception:
        return []
    return [n for n in names if n.startswith(incomplete.lower())]


def people(incomplete: str) -> list[str]:
    """Handles from the people directory (``people.yaml``, the catalog's users)."""
    try:
        directory = _workspace().people
    except Exception:
        return []
    if directory is None:
        return []
    return [h for h in directory.handles() if h.startswith(incomplete.lower())]


def services(incomplete: str) -> list[str]:
    """Service names from the catalog (or the config's ``services:``)."""
    try:
        ws = _workspace()
        names = sorted(ws.catalog.services) if ws.catalog else list(ws.config.services)
    except Exception:
        return []
    return [n for n in names if n.startswith(incomplete.lower())]


def types(incomplete: str) -> list[str]:
    """Incident types from the config (``default`` always)."""
    try:
        names = ["default", *(t.name for t in _workspace().config.types)]
    except Exception:
        return []
    return [n for n in names if n.startswith(incomplete.lower())]


def fields(incomplete: str) -> list[str]:
    """``NAME=`` for each custom field (enum fields: ``NAME=VALUE`` for each value)."""
    try:
        specs = _workspace().config.fields
    except Exception:
        return []
    offered = []
    for spec in specs:
        offered += [f"{spec.name}={v}" for v in spec.values] if spec.values else [f"{spec.name}="]
    return [o for o in offered if o.startswith(incomplete)]


def roles(incomplete: str) -> list[str]:
    """Role names from the config."""
    try:
        names = _workspace().config.role_names()
    except Exception:
        return []
    return [n for n in names if n.startswith(incomplete.lower())]
