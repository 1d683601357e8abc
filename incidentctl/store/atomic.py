"""Crash-safe file writes: temp file in the same folder, fsync, rename, fsync the folder.

A reader never sees half a file: the final name appears only once its content is durable.
Temp files start with ``.`` and end in ``.tmp`` so no reader takes one for a record.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from incidentctl.core.errors import EnvironmentProblem


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _describe(exc: OSError, path: Path) -> EnvironmentProblem:
    if exc.errno == errno.ENOSPC:
        return EnvironmentProblem(f"cannot write {path}: disk is full; nothing was changed")
    if exc.errno == errno.EROFS:
        return EnvironmentProblem(
            f"cannot write {path}: read-only file system; nothing was changed"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return EnvironmentProblem(f"cannot write {path}: permission denied; nothing was changed")
    if exc.errno == errno.EFBIG:
        return EnvironmentProblem(
            f"cannot write {path}: file size limit reached; nothing was changed"
        )
    return EnvironmentProblem(f"cannot write {path}: {exc.strerror}; nothing was changed")


describe_write_error = _describe


def _write_temp(path: Path, data: bytes) -> Path:
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; fail if it exists. Creates missing parent folders."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(path, text.encode("utf-8"))
        try:
            os.link(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _fsync_dir(path.parent)
    except FileExistsError:
        raise EnvironmentProblem(f"{path} already exists; nothing was changed") from None
    except OSError as exc:
        raise _describe(exc, path) from None


def replace(path: Path, text: str) -> None:
    """Atomically replace ``path`` (which must not be a symlink) with ``text``."""
    if path.is_symlink():
        raise EnvironmentProblem(f"{path} is a symbolic link; refusing to write through it")
    try:
        tmp = _write_temp(path, text.encode("utf-8"))
        try:
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        raise _describe(exc, path) from None


_FIRST_READ = 1 << 14  # os.read allocates the size asked for: keep it small


def read_bytes(path: Path | str) -> bytes:
    """Read a record file without following a symlink at its last component."""
    # O_NONBLOCK: a FIFO (or device) where a record should be must not hang the reader.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(errno.EINVAL, "not a regular file", str(path))
        data = os.read(fd, _FIRST_READ)  # almost every record fits in one read
        if len(data) < _FIRST_READ:
            return data
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
