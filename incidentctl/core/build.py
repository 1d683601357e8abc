"""Which build of incidentctl is running: caches keyed by it never serve another build's data.

A cached derived incident or report is only valid for the code that computed it. The
version number does not change with every edit (an editable install, a development
checkout), so the identity also digests the size and modification time of every module.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from pathlib import Path

from incidentctl import __version__


@cache
def identity() -> str:
    """A short digest naming this build and Python; computed once per process."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{__version__}\0{sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    for folder, dirs, files in os.walk(package):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
