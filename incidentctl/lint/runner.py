"""Run every check over the records tree (or the part that changed) and collect findings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from incidentctl.core.errors import IncidentctlError, RecordError, UsageError
from incidentctl.core.secretscan import scan
from incidentctl.git import gitrepo
from incidentctl.lint import checks, review_checks
from incidentctl.lint.collect import Collector
from incidentctl.lint.rules import RULES
from incidentctl.lint.tree import RECORD_DIRS, IncidentFolder, RecordFile, Tree, walk
from incidentctl.models.config import Config
from incidentctl.models.findings import LintResult, LintSummary
from incidentctl.models.views import IncidentView
from incidentctl.store.config_file import read_config
from incidentctl.store.layout import CONFIG_FILE
from incidentctl.workspace import Workspace

DUPLICATE_WINDOW_S = 30 * 60


def ci_base(ws: Workspace) -> tuple[Path, str]:
    """Where CI outputs name files from: the git top level, and the records folder in it
    (``records/`` in a monorepo), since GitHub resolves annotation and SARIF paths there."""
    return gitrepo.top_level(ws.root)


def _selected(ws: Workspace, paths: Sequence[str]) -> set[str]:
    chosen: set[str] = set()
    for given in paths:
        target = Path(given)
        target = (target if target.is_absolute() else Path.cwd() / target).resolve()
        try:
            rel = target.relative_to(ws.root).as_posix()
        except ValueError:
            raise UsageError(f"{given} is outside the records repo {ws.root}") from None
        if target.is_dir():
            prefix = "" if rel == "." else rel + "/"
            from incidentctl.lint.tree import all_paths

            chosen.update(p for p in all_paths(ws.layout) if p.startswith(prefix))
        elif target.exists() or target.is_symlink():
            chosen.add(rel)
        else:
            raise UsageError(f"{given} does not exist")
    return chosen


def _changed(ws: Workspace, rev: str) -> set[str] | None:
    """Files changed since ``rev`` plus whole touched incidents; None means lint everything.

    Committed changes come from comparing two trees, uncommitted ones from one ``git
    status``. A record that names another incident (``duplicate_of``, ``recurrence_of``,
    an action item's ``incident``) is checked only for that incident's existence, so such
    records are linted again when a touched incident's folder is gone.
    """
    commit = gitrepo.resolve_commit(ws.root, rev, what="--changed-since revision")
    watched = (*RECORD_DIRS, CONFIG_FILE)
    diff = gitrepo.run(
        ["diff", "--name-only", "--no-renames", "--relative", "-z", commit, "HEAD", "--", *watched],
        ws.root,
    )
    changed = {p for p in diff.stdout.split("\0") if p}
    local = gitrepo.changes(ws.root)
    if local is None or "" in local:  # git cannot say, or nothing here is tracked yet
        return None
    for rel in local:
        if not any(gitrepo.under(rel, w) for w in watched):
            continue
        if rel.endswith("/"):  # a folder git has never seen: every file in it
            for dirpath, _, names in os.walk(ws.root / rel, followlinks=False):
                base = Path(dirpath).relative_to(ws.root).as_posix()
                changed.update(f"{base}/{name}" for name in names)
        else:
            changed.add(rel)
    if CONFIG_FILE in changed:
        return None
    touched = _incidents(changed)
    gone = {i for i in touched if not ws.layout.incident_dir(i).is_dir()}
    files: set[str] = set(changed) | _mentioning(ws, gone)
    return files | _incident_files(ws, touched | _incidents(files))


def _incident_files(ws: Workspace, ids: set[str]) -> set[str]:
    """Every file in these incidents' folders."""
    files: set[str] = set()
    for incident_id in ids:
        for dirpath, _, names in os.walk(ws.layout.incidents / incident_id, followlinks=False):
            base = Path(dirpath).relative_to(ws.root).as_posix()
            files.update(f"{base}/{name}" for name in names)
    return files


def _event_places(ws: Workspace, tree: Tree, scope: set[str]) -> None:
    """For a partial run, every place each checked event id is also used (one ``git
    ls-files``), so an event file copied under a second incident is a duplicate id even
    when only the copy changed."""
    from incidentctl.lint.tree import classify

    names = sorted({rel.rsplit("/", 1)[1] for rel in scope if classify(rel) == "event"})
    if not names:
        return
    specs = [f":(glob)incidents/*/events/{name}" for name in names]
    listed = gitrepo.run(["ls-files", "-z", "--", *specs], ws.root, check=False)
    places = {p for p in listed.stdout.split("\0") if p and (ws.root / p).is_file()}
    places |= {rel for rel in scope if classify(rel) == "event"}
    for rel in sorted(places):
        tree.event_names.setdefault(rel.rsplit("/", 1)[1][:-3], []).append(rel)


def _incidents(paths: set[str]) -> set[str]:
    return {p.split("/")[1] for p in paths if p.startswith("incidents/") and p.count("/") >= 2}


def _mentioning(ws: Workspace, ids: set[str]) -> set[str]:
    """The records that name one of ``ids`` (one ``git grep`` over the tracked files)."""
    if not ids:
        return set()
    patterns = [arg for i in sorted(ids) for arg in ("-e", i)]
    where = ["incidents/*/incident.md", "incidents/*/postmortem.md", "actions/*.md"]
    grep = gitrepo.run(["grep", "-l", "-F", "-z", *patterns, "--", *where], ws.root, check=False)
    return {rel for rel in grep.stdout.split("\0") if rel}


def run(
    ws: Workspace,
    *,
    paths: Sequence[str] = (),
    changed_since: str | None = None,
    strict: bool = False,
    only: Sequence[str] = (),
    disable: Sequence[str] = (),
) -> LintResult:
    """Lint the repo; every problem in every file, one broken file hiding nothing."""
    for name in (*only, *disable):
        if name not in RULES and not any(r.startswith(name + "/") for r in RULES):
            raise UsageError(f"unknown lint rule {name!r}; see docs/lint.md")
    config: Config | None = None
    out = Collector(only=frozenset(only), disabled=frozenset(disable))
    try:
        config = read_config(ws.layout)
        out.disabled = out.disabled | frozenset(config.lint.disable)
        strict = strict or config.lint.strict
    except RecordError as exc:
        out.add("schema/config", CONFIG_FILE, exc.line, exc.detail)

    scope: set[str] | None = None
    shown: set[str] | None = None  # the files whose findings are reported
    if paths:
        shown = _selected(ws, paths)
        # A file is checked in the context of its incident: its folder is read too.
        scope = shown | _incident_files(ws, _incidents(shown))
    if changed_since:
        changed = _changed(ws, changed_since)
        if changed is not None:
            scope = changed if scope is None else scope & changed
    tree = walk(ws.layout, scope)
    if scope is not None:
        _event_places(ws, tree, scope)
    views = _check_tree(out, tree, config, ws)
    if config is not None:
        _organisation(out, ws, views)
    if scope is None or changed_since:
        _possible_duplicates(out, views)
        _duplicate_cycles(out, views)
    if tree.runbooks:
        from incidentctl.runbooks.runbook import last_exercised

        last_run = last_exercised(ws, views) if scope is None else None
        for file in tree.runbooks:
            out.texts(file.rel, file.text)
            _secrets(out, file.rel, file.text)
        now = ws.now()
        review_checks.runbook_files(
            out,
            tree.runbooks,
            config,
            now.astimezone(ws.repo_zone).date() if config else now.date(),
            now,
            last_run,
        )
    findings = sorted(
        (f for f in out.findings if shown is None or f.path in shown),
        key=lambda f: (f.path, f.line or 0, f.rule),
    )
    if os.environ.get(gitrepo.COMMIT_ENV):
        # A hook of a commit incidentctl makes: the command is how deadlines get met, and
        # warnings are for people to read, so neither may refuse it; and a finding in a
        # record the command did not write is not its to fix, so only the files it
        # commits are judged (docs/lint.md).
        committed = _staged(ws)
        findings = [
            f.model_copy(update={"severity": "warning"}) if RULES[f.rule].deadline else f
            for f in findings
            if committed is None or f.path in committed
        ]
        strict = False
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    files = (
        len(tree.strays)
        + len(tree.actions)
        + len(tree.spools)
        + len(tree.runbooks)
        + tree.files_checked
    )
    if shown is not None:
        files = min(files, len(shown if scope is None else shown & scope))
    return LintResult(
        findings=findings,
        summary=LintSummary(
            errors=errors,
            warnings=warnings,
            files_checked=files,
            failed=errors > 0 or (strict and warnings > 0),
        ),
    )


def _check_tree(
    out: Collector, tree: Tree, config: Config | None, ws: Workspace
) -> list[IncidentView]:
    now = ws.now()
    for stray in tree.strays:
        if stray.kind == "symlink":
            out.add(
                "integrity/symlink",
                stray.rel,
                None,
                "symbolic links are not followed; records must be regular files",
            )
        elif stray.kind == "folder":
            out.add(
                "integrity/orphan-file",
                stray.rel,
                None,
                "a folder where none belongs (named like a record?); every command skips it",
                hint="move its contents out and remove the folder",
            )
        elif stray.kind == "temp":
            out.add(
                "schema/temp-file",
                stray.rel,
                None,
                "temporary file left by an interrupted write",
                hint="run 'incidentctl sync', then delete it",
            )
        else:
            out.add(
                "integrity/orphan-file",
                stray.rel,
                None,
                "not a record: records are incidents/<id>/incident.md, "
                "incidents/<id>/events/<event-id>.md and incidents/<id>/postmortem.md",
            )
        _secrets(
            out,
            stray.rel,
            stray.text if stray.text is not None else stray.raw.decode("utf-8", errors="replace"),
        )
    for event_id, places in tree.event_names.items():
        if len(places) > 1:
            for rel in places:
                out.add(
                    "integrity/duplicate-id",
                    rel,
                    None,
                    f"event id {event_id} is also used by "
                    f"{', '.join(p for p in places if p != rel)}",
                )
    for file in tree.spools:
        _spool(out, file)
    for file in tree.actions:
        out.texts(file.rel, file.text)
        _secrets(out, file.rel, file.text)
    review_checks.actions(
        out,
        tree.actions,
        ws.layout,
        config,
        now.astimezone(ws.repo_zone).date() if config else now.date(),
        strict_overdue=False,
    )

    def share(ids: list[str]) -> tuple[Collector, int, list[IncidentView]]:
        found, files, views = out.share(), 0, []
        for incident_id in ids:
            folder = tree.incidents[incident_id]
            folder.load(ws.layout)
            try:
                view = _check_incident(found, folder, config, now, ws)
            except IncidentctlError as exc:
                # A value no check foresaw: one finding in this incident, never the run.
                _unforeseen(found, folder.incident_id, exc)
                view = None
            files += folder.release()
            if view is not None:
                # Tree-wide checks read only runbook steps from the timeline.
                runbook_steps = [e for e in view.timeline if e.type == "runbook"]
                views.append(view.model_copy(update={"timeline": runbook_steps, "summary": ""}))
        return found, files, views

    from incidentctl.store import parallel

    views: list[IncidentView] = []
    for found, files, part in parallel.map_shares(share, sorted(tree.incidents)):
        out.absorb(found)
        tree.files_checked += files
        views += part
    return views


def _check_incident(
    out: Collector, folder: IncidentFolder, config: Config | None, now: object, ws: Workspace
) -> IncidentView | None:
    from datetime import datetime

    assert isinstance(now, datetime)
    for file in [folder.incident, *folder.events, *folder.others]:
        if file is not None:
            out.texts(file.rel, file.text)
            _secrets(out, file.rel, file.text)
    for link in [f for f in folder.others if f.kind == "symlink"]:
        out.add(
            "integrity/symlink",
            link.rel,
            None,
            "symbolic links are not followed; records must be regular files "
            "(every command skips this one)",
        )
    incident_path = f"incidents/{folder.incident_id}/incident.md"
    empty = folder.incident is not None and not folder.incident.raw.strip()
    if empty:
        folder.incident = None
    if (
        folder.incident is None
        and not empty
        and ws.layout.incident_file(folder.incident_id).is_file()
    ):
        # Out of scope for this run (only some files were selected): check those alone.
        pms = [f for f in folder.others if f.kind == "postmortem"]
        if pms:
            from incidentctl.store.records import load_incident

            try:
                known: IncidentView | None = load_incident(ws.layout, folder.incident_id)
            except RecordError:
                known = None
            for pm in pms:
                review_checks.postmortem(out, pm, folder.incident_id, known, ws.layout)
        if folder.events:
            checks.schema(out, folder)
        return None
    if folder.incident is None:
        out.add(
            "integrity/missing-incident",
            incident_path,
            None,
            ("incident.md is empty" if empty else "the folder has no incident.md")
            + (f" ({len(folder.events)} event file(s))" if folder.events else "")
            + ": an interrupted declare or a deleted file; every command skips this folder",
            hint="run 'incidentctl sync' to finish or clean it; otherwise restore incident.md "
            "from git or remove the folder",
        )
    record, events = checks.schema(out, folder)
    declared = [e for e, _ in events if e.type == "declared"]
    if record is not None and len(declared) != 1 and len(events) == len(folder.events):
        out.add(
            "integrity/declared",
            incident_path,
            None,
            "no 'declared' event"
            if not declared
            else f"{len(declared)} 'declared' events; only the first counts",
        )
    body = folder.incident.doc.body if folder.incident and folder.incident.doc else ""
    view = checks.derive(record, events, body)
    if view is None:
        return None
    if view.duplicate_of is not None and not ws.layout.incident_dir(view.duplicate_of).is_dir():
        assert folder.incident is not None
        out.add(
            "integrity/reference",
            incident_path,
            folder.incident.doc.line_of(("duplicate_of",)) if folder.incident.doc else None,
            f"duplicate_of {view.duplicate_of!r} is not an incident",
        )
    checks.chronology(out, view, events, now)
    governed = False
    if config is not None:
        from incidentctl.severity.routing import policy_applies

        governed = policy_applies(view, config, imported=record is not None and bool(record.source))
        checks.policy(out, view, events, config, incident_path, now=now, governed=governed)
    pm_files = [f for f in folder.others if f.kind == "postmortem"]
    if view.private:
        _stub(out, folder, view, body, pm_files)
    if config is not None and (config.fields or config.types or view.fields):
        reviewed = any(
            f.doc is not None and str(f.doc.meta.get("status")) in ("reviewed", "published")
            for f in pm_files
        )
        _fields(out, view, config, incident_path, reviewed=reviewed)
    for pm in pm_files:
        review_checks.postmortem(out, pm, folder.incident_id, view, ws.layout)
    if config is not None and governed:
        has_pm = (
            bool(pm_files)
            or (ws.layout.incident_dir(folder.incident_id) / "postmortem.md").is_file()
        )
        review_checks.postmortem_required(out, view, config, now, has_pm)
    if record is not None and record.created_at > now + checks.FUTURE_TOLERANCE:
        out.add("chronology/future", incident_path, None, "created_at is in the future")
    return view


def _stub(
    out: Collector,
    folder: IncidentFolder,
    view: IncidentView,
    body: str,
    pm_files: list[RecordFile],
) -> None:
    """A private incident's stub holds figures only: the placeholder title, no summary, no
    message, no post-mortem."""
    from incidentctl.org.private import PLACEHOLDER

    path = f"incidents/{view.id}/incident.md"
    if view.title != PLACEHOLDER or view.public_title:
        out.add("private/narrative", path, None, "a private incident's stub has a title")
    if body.strip():
        out.add("private/narrative", path, None, "a private incident's stub has a summary")
    for entry in view.timeline:
        if entry.message.strip():
            out.add(
                "private/narrative",
                f"incidents/{view.id}/events/{entry.id}.md",
                None,
                "a private incident's stub has an event message",
            )
    for pm in pm_files:
        out.add("private/narrative", pm.rel, None, "a private incident's stub has a post-mortem")


def _fields(
    out: Collector, view: IncidentView, config: Config, path: str, *, reviewed: bool
) -> None:
    """Custom fields of the right type and set when required; a configured type."""
    from incidentctl.org.fields import missing, problem

    if view.type != "default" and config.incident_type(view.type) is None:
        out.add("fields/unknown-type", path, None, f"incident type {view.type!r} is not in types:")
    for name, value in view.fields.items():
        spec = config.field(name)
        if spec is None:
            out.add("fields/unknown", path, None, f"field {name!r} is not declared under fields:")
            continue
        found = problem(spec, str(value))
        if found is not None:
            out.add("fields/invalid", path, None, f"field {name!r} ({spec.type}): {found}")
    stages = [("resolve", view.status == "resolved"), ("review", reviewed)]
    for before, reached in stages:
        absent = missing(config, view, before) if reached else []
        if absent:
            when = "resolved" if before == "resolve" else "its post-mortem was reviewed"
            out.add(
                "fields/required",
                path,
                None,
                f"required field(s) {', '.join(absent)} not set, but {when}",
                hint=f"incidentctl set {view.id} " + " ".join(f"--field {n}=VALUE" for n in absent),
            )


def _organisation(out: Collector, ws: Workspace, views: list[IncidentView]) -> None:
    """The service catalog: files that cannot be read, references that point at nothing,
    and incidents naming a service the catalog does not list."""
    try:
        catalog = ws.catalog
        directory = ws.people
    except RecordError as exc:
        out.add("catalog/invalid", exc.path or CONFIG_FILE, exc.line, exc.detail)
        return
    for problem in directory.problems if directory else []:
        out.add("catalog/reference", problem.where.path, problem.where.line, problem.message)
    if catalog is None:
        return
    for problem in catalog.problems:
        out.add("catalog/reference", problem.where.path, problem.where.line, problem.message)
    for view in views:
        for service in view.services:
            if service in catalog.services:
                continue
            close = catalog.suggest(service)
            out.add(
                "catalog/unknown-service",
                f"incidents/{view.id}/incident.md",
                None,
                f"service {service!r} is not in the service catalog"
                + (f"; did you mean {close[0]!r}?" if close else ""),
                hint="add it to the catalog, or correct it: incidentctl set ID --service NAME",
            )


def _unforeseen(out: Collector, incident_id: str, exc: IncidentctlError) -> None:
    path = f"incidents/{incident_id}/incident.md"
    line = None
    message = exc.message
    if isinstance(exc, RecordError) and exc.path is not None:
        path, line, message = exc.path, exc.line, exc.detail
    out.add("schema/invalid", path, line, message, hint=exc.hint)


def _secrets(out: Collector, rel: str, text: str | None) -> None:
    if not text or not out.enabled("secrets/detected"):
        return
    for hit in scan(text):
        out.add(
            "secrets/detected",
            rel,
            hit.line,
            f"{hit.description} ({hit.rule}): {hit.excerpt}",
            hint="remove it from the file and from git history, and rotate it",
        )


def _duplicate_cycles(out: Collector, views: list[IncidentView]) -> None:
    from incidentctl.store.bulk import duplicate_cycles

    for cycle in duplicate_cycles(views):
        loop = " → ".join([*cycle, cycle[0]])
        for incident_id in cycle:
            out.add(
                "integrity/duplicate-cycle",
                f"incidents/{incident_id}/incident.md",
                None,
                f"duplicate_of runs in a circle ({loop}); {cycle[0]}, the earliest, is "
                "counted as the original until this is fixed",
                hint="decide which incident is the original and mark only the others as "
                "its duplicates (incidentctl set ID --duplicate-of ORIGINAL)",
            )


def _possible_duplicates(out: Collector, views: list[IncidentView]) -> None:
    dated = sorted(
        (v.detected_at, v.id, v)
        for v in views
        if v.detected_at and not v.drill and not v.duplicate_of
    )
    candidates = [v for _, _, v in dated]
    for i, first in enumerate(candidates):
        for second in candidates[i + 1 :]:
            assert first.detected_at and second.detected_at
            if (second.detected_at - first.detected_at).total_seconds() > DUPLICATE_WINDOW_S:
                break
            shared = set(first.services) & set(second.services)
            if shared and second.duplicate_of != first.id:
                out.add(
                    "integrity/possible-duplicate",
                    f"incidents/{second.id}/incident.md",
                    None,
                    f"looks like a duplicate of {first.id} (same service "
                    f"{sorted(shared)[0]}, detected "
                    f"{int((second.detected_at - first.detected_at).total_seconds() // 60)} "
                    "min apart)",
                    hint=f"incidentctl set {second.id} --duplicate-of {first.id}",
                )


def _spool(out: Collector, file: RecordFile) -> None:
    """Each line of an alert spool file is a JSON object with the stored fields."""
    import json

    if file.text is None:
        out.add("schema/parse", file.rel, None, "not valid UTF-8")
        return
    lines = file.text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            ok = isinstance(data, dict) and {"delivery", "i", "received_at", "alert"} <= set(data)
        except ValueError:
            ok = False
        if not ok:
            partial = line.lstrip().startswith("{") and not line.rstrip().endswith("}")
            if partial:
                out.add(
                    "schema/partial-line",
                    file.rel,
                    number,
                    "a partial line left by an interrupted write; readers skip it",
                )
            else:
                out.add(
                    "schema/parse",
                    file.rel,
                    number,
                    "not a stored alert (a JSON object with delivery, i, received_at, alert)",
                )
    _secrets(out, file.rel, file.text)


def _staged(ws: Workspace) -> set[str] | None:
    """The paths (relative to the records root) the commit in progress holds."""
    listing = gitrepo.run(
        ["diff", "--cached", "--name-only", "--relative", "-z"], ws.root, check=False
    )
    if listing.returncode != 0:
        return None
    return {p for p in listing.stdout.split("\0") if p}
