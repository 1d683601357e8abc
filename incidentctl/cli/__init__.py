"""The command line: a thin shell over the library, with one error boundary."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

from incidentctl.core.errors import ExitCode, IncidentctlError


def _say(line: str) -> None:
    from incidentctl.core.text import visible

    try:
        sys.stderr.write(visible(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def show_error(exc: IncidentctlError) -> None:
    """The one way an error reaches a person: an ``error:`` line per message, then the
    hint. The boundary uses it; so does a command that asks whether to try again."""
    lines = exc.lines()
    for line in lines:
        _say(f"error: {line}")
    if exc.hint and lines:
        _say(f"hint: {exc.hint}")


def warn(text: str) -> None:
    """A problem that does not stop the command (a record skipped): one ``warning:`` line."""
    _say(f"warning: {text}")


def stop() -> NoReturn:
    """End the command successfully now (``--version``, from an eager option)."""
    import typer

    raise typer.Exit(int(ExitCode.OK))


def _refuse_undecodable(args: list[str]) -> None:
    """Invalid UTF-8 on the command line arrives as lone surrogates: refuse it up front,
    naming the option, before anything is read or written."""
    from incidentctl.core.errors import UsageError

    for number, arg in enumerate(args):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in arg):
            before = args[number - 1] if number and args[number - 1].startswith("-") else None
            what = f"the value of {before}" if before else f"argument {number + 1}"
            raise UsageError(
                f"{what} is not valid UTF-8; nothing was written",
                hint="check the encoding of what you pasted or passed",
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every failure becomes one ``error:`` line and a documented exit code."""
    try:  # Typer vendors click from 0.2x on; older releases use click itself.
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover
        from click import exceptions as click  # type: ignore[no-redef,import-not-found,unused-ignore]

    import typer

    from incidentctl.cli.app import Globals

    args = list(sys.argv[1:] if argv is None else argv)
    options = Globals(repo=None, debug=False)  # filled in by the global options
    try:
        _refuse_undecodable(args)
        from incidentctl.cli.app import app, repeated_repos

        result = app(
            args=repeated_repos(args), prog_name="incidentctl", standalone_mode=False, obj=options
        )
        return int(result) if isinstance(result, int) else int(ExitCode.OK)  # --version
    except IncidentctlError as exc:
        if options.debug:
            raise
        show_error(exc)
        return int(exc.exit_code)
    except click.NoArgsIsHelpError:
        return int(ExitCode.USAGE)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "incidentctl"
        _say(f"error: {exc.format_message()}")
        _say(f"hint: see '{command} --help'")
        return int(ExitCode.USAGE)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _say("error: interrupted; nothing more was written")
        return int(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        _say(f"error: {exc.format_message()}")
        return int(exc.exit_code or ExitCode.USAGE)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); silence the final flush.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if options.debug:
            raise
        _say(f"error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return int(ExitCode.INTERNAL)
    finally:
        from incidentctl.git import gitrepo
        from incidentctl.workspace import DISPLAY_ZONE

        DISPLAY_ZONE.set(None)  # --tz holds for one command

        gitrepo.forget_prefetched()  # a status read for this command is never reused
