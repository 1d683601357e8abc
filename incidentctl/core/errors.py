"""Errors that carry their own exit code; the CLI boundary prints them as one line."""

from __future__ import annotations

from enum import IntEnum
from typing import TypeVar


class ExitCode(IntEnum):
    """Process exit codes; documented in docs/exit-codes.md."""

    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    NOT_FOUND = 3
    INVALID_STATE = 4
    INVALID_RECORD = 5
    ENVIRONMENT = 6
    NOT_PUSHED = 7
    REFUSED = 8
    INTERNAL = 70
    INTERRUPTED = 130


class IncidentctlError(Exception):
    """Base class: a message for people, an exit code, an optional hint."""

    exit_code: ExitCode = ExitCode.CHECK_FAILED
    more: tuple[str, ...] = ()

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """What the boundary prints, one ``error:`` line each: the message, then ``more``."""
        return [self.message, *self.more]

    def __reduce__(self) -> tuple[object, ...]:  # keyword arguments survive pickling
        return (_rebuild, (type(self), (self.message,), {"hint": self.hint}), self._state())

    def _state(self) -> dict[str, object]:
        return {"more": self.more} if self.more else {}


class UsageError(IncidentctlError):
    """A command-line value is malformed or not allowed (bad time, unknown severity)."""

    exit_code = ExitCode.USAGE


class NotFoundError(IncidentctlError):
    """An id or name does not match any record, or matches several."""

    exit_code = ExitCode.NOT_FOUND


class InvalidStateError(IncidentctlError):
    """The transition is not allowed from the incident's current state."""

    exit_code = ExitCode.INVALID_STATE


class RecordError(IncidentctlError):
    """A record or config file is malformed or fails validation."""

    exit_code = ExitCode.INVALID_RECORD

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}", hint=hint)
        self.path = path
        self.line = line
        self.detail = message

    def __reduce__(self) -> tuple[object, ...]:
        keywords = {"path": self.path, "line": self.line, "hint": self.hint}
        return (_rebuild, (type(self), (self.detail,), keywords), self._state())


class EnvironmentProblem(IncidentctlError):
    """Outside a records repo, git missing or failing, a lock that cannot be taken."""

    exit_code = ExitCode.ENVIRONMENT


class NotPushedError(IncidentctlError):
    """The change is committed locally but could not be pushed."""

    exit_code = ExitCode.NOT_PUSHED


class RefusedError(IncidentctlError):
    """Input refused on purpose, e.g. a message that contains a secret."""

    exit_code = ExitCode.REFUSED


class CheckFailed(IncidentctlError):
    """A check command (lint, policy test, a runbook step) found problems. When the
    command's own output already lists them (``reported``), the boundary adds no line:
    the findings are the message; the exit code (1) says the check failed."""

    exit_code = ExitCode.CHECK_FAILED

    def __init__(self, message: str, *, hint: str | None = None, reported: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.reported = reported

    def lines(self) -> list[str]:
        return [] if self.reported else super().lines()

    def __reduce__(self) -> tuple[object, ...]:
        keywords = {"hint": self.hint, "reported": self.reported}
        return (_rebuild, (type(self), (self.message,), keywords), self._state())


E = TypeVar("E", bound=IncidentctlError)


def several(kind: type[E], messages: list[str], *, hint: str | None = None) -> E:
    """One error for several problems of a kind (e.g. every record a read skipped): the
    boundary prints each message on its own ``error:`` line, then exits with one code."""
    error = kind(messages[0], hint=hint)
    error.more = tuple(messages[1:])
    return error


def _rebuild(
    kind: type[IncidentctlError], args: tuple[str], keywords: dict[str, object]
) -> IncidentctlError:
    return kind(*args, **keywords)  # type: ignore[arg-type]
