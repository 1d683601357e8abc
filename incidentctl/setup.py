"""Create a records repo: config, folders, .gitattributes, first commit."""

from __future__ import annotations

import os
from pathlib import Path

from incidentctl.core.errors import EnvironmentProblem, UsageError
from incidentctl.git import gitrepo
from incidentctl.store.atomic import write_new
from incidentctl.store.config_file import (
    DEFAULT_CONFIG,
    DEFAULT_POLICY_TESTS,
    POLICY_TESTS_FILE,
)
from incidentctl.store.layout import CONFIG_FILE, Layout

FOLDERS = ("incidents", "actions", "runbooks", "alerts")
GITATTRIBUTES = """\
# incidentctl: records are LF text everywhere (no CRLF conversion on checkout).
*.md text eol=lf
*.yaml text eol=lf
"""
README = """\
# Incident records

This repository holds incident records managed with `incidentctl`: one folder per
incident under `incidents/`, one immutable file per timeline event. Run
`incidentctl list` to see them and `incidentctl --help` for everything else.
"""


VSCODE_SETTINGS = """\
{
  "yaml.schemas": {
    "./.incidentctl/schemas/config.schema.json": [".incidentctl.yaml"]
  },
  "files.associations": {"*.md": "markdown"}
}
"""

GITHUB_WORKFLOW = """\
# Lint incident records on every pull request; results appear as annotations and in
# code scanning. Written by `incidentctl init --ci github`.
name: incident records
on:
  pull_request:{paths}
  push:
    branches: [main]{paths}
permissions:
  contents: read
  security-events: write
jobs:
  lint:
    runs-on: ubuntu-latest{defaults}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install incidentctl
      - name: incidentctl lint
        run: incidentctl lint --format github
      - name: SARIF for code scanning
        if: always()
        run: incidentctl lint --format sarif > incidentctl.sarif || true
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: {folder}incidentctl.sarif
"""


def github_workflow(folder: str) -> str:
    """The workflow for records at ``folder`` (``""`` or ``ops/records/``) of the git
    repository: GitHub runs only workflows at the top level's ``.github/workflows``."""
    if not folder:
        return GITHUB_WORKFLOW.format(paths="", defaults="", folder="")
    quoted = folder.replace('"', '\\"')
    return GITHUB_WORKFLOW.format(
        paths=f'\n    paths: ["{quoted}**"]',
        defaults=f'\n    defaults:\n      run:\n        working-directory: "{quoted.rstrip("/")}"',
        folder=quoted,
    )


def init(path: Path, *, ci: str | None = None) -> list[str]:
    """Make ``path`` a records repo; returns the files it created (already committed)."""
    if ci not in (None, "github"):
        raise UsageError(f"--ci supports 'github', not {ci!r}")
    root = path.expanduser().resolve()
    if (root / CONFIG_FILE).exists():
        raise EnvironmentProblem(f"{root} is already an incidentctl records repo")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot create {root}: {exc.strerror}") from None
    if not gitrepo.is_repo(root):
        gitrepo.run(["init", "--quiet"], root)
        # Records repos grow to 100,000+ small files: keep index writes small and fast.
        for key, value in (("feature.manyFiles", "true"), ("core.splitIndex", "true")):
            gitrepo.run(["config", key, value], root)
    if gitrepo.user_name(root) is None and not os.environ.get("GIT_AUTHOR_NAME"):
        raise EnvironmentProblem(
            "git does not know who you are, so it cannot commit",
            hint='run: git config --global user.name "Your Name" '
            "&& git config --global user.email you@example.com",
        )
    layout = Layout(root)
    files: dict[Path, str] = {
        layout.config: DEFAULT_CONFIG,
        root / POLICY_TESTS_FILE: DEFAULT_POLICY_TESTS,
    }
    from incidentctl.comms.updates import DEFAULT_TEMPLATES
    from incidentctl.learn.postmortem import DEFAULT_TEMPLATE, TEMPLATE_PATH
    from incidentctl.learn.publish import DEFAULT_REDACTIONS, REDACTIONS_FILE

    files[root / TEMPLATE_PATH] = DEFAULT_TEMPLATE
    from incidentctl.models.schemas import generate

    for name, text in generate().items():
        if name in ("config.schema.json", "incident.schema.json", "event.schema.json"):
            files[root / ".incidentctl" / "schemas" / name] = text
    if not (root / ".vscode" / "settings.json").exists():
        files[root / ".vscode" / "settings.json"] = VSCODE_SETTINGS
    files[root / REDACTIONS_FILE] = DEFAULT_REDACTIONS

    for surface, text in DEFAULT_TEMPLATES.items():
        files[root / "templates" / "comms" / f"{surface}.md"] = text
    for folder in FOLDERS:
        files[root / folder / ".gitkeep"] = ""
    if not (root / ".gitattributes").exists():
        files[root / ".gitattributes"] = GITATTRIBUTES
    if not (root / "README.md").exists():
        files[root / "README.md"] = README
    top, folder = gitrepo.top_level(root)
    if ci == "github":
        workflow = top / ".github" / "workflows" / "incidentctl.yml"
        if workflow.exists():
            raise EnvironmentProblem(f"{workflow} exists already; nothing was written")
        files[workflow] = github_workflow(folder)
    for file, text in files.items():
        write_new(file, text)
    gitrepo.commit(
        top, [f.relative_to(top).as_posix() for f in files], "incidentctl: init records repo"
    )
    return [os.path.relpath(f, root).replace(os.sep, "/") for f in files]
