"""Options and arguments every command spells the same way, defined once.

``--by`` always names a person; ``--at`` always a time; ``--json`` always prints the
command's view model (its schema is in ``schemas/``). ``--no-commit`` and ``--push``
exclude each other: there is nothing to push when nothing was committed.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from incidentctl.cli import complete


def _alone(other: str, flag: str, other_flag: str) -> Any:
    """A callback refusing ``flag`` together with ``other_flag`` (whichever comes last on
    the command line sees the other one already parsed)."""

    def check(ctx: typer.Context, value: bool) -> bool:
        if value and ctx.params.get(other):
            from incidentctl.core.errors import UsageError

            raise UsageError(
                "--push needs a commit, and --no-commit makes none; nothing was written",
                hint=f"drop {other_flag if flag == '--push' else flag}, or commit and push later "
                "with 'git commit' and 'incidentctl sync --push'",
            )
        return value

    return check


IdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Incident id or a unique prefix of it.",
        autocompletion=complete.incident_ids,
    ),
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="When it happened: now, -15m, '15 min ago', 14:05, 2:05pm, 'yesterday 14:00', "
        "'2026-12-02 14:00' (repo time zone or --tz) or ISO-8601 with an offset.",
    ),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who did it: a handle, name, email or git identity from the people directory "
        "(default: git user.email/user.name resolved through it).",
        autocompletion=complete.people,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout (see schemas/).")]
NoCommitOpt = Annotated[
    bool,
    typer.Option(
        "--no-commit",
        help="Write and stage the change but do not commit it.",
        callback=_alone("push", "--no-commit", "--push"),
    ),
]
PushOpt = Annotated[
    bool,
    typer.Option(
        "--push",
        help="Push after committing (exit 7 if it cannot; not with --no-commit).",
        callback=_alone("no_commit", "--push", "--no-commit"),
    ),
]
