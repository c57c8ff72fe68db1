"""Opening and replacing files without following symlinks.

Lock files, the stats file and the migration lock sit in folders a user
(or another process) may share: a symlink planted under one of those names
would make finews truncate or overwrite whatever it points to.  Files are
opened with O_NOFOLLOW and must be regular files; whole files are replaced
by rename, which never follows a link at the destination.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO


class UnsafeFile(OSError):
    """A path that is a symlink or not a regular file."""


def open_regular(path: Path, mode: str = "a+") -> IO[str]:
    """Open (creating it if missing) a regular file for reading and writing, refusing a symlink."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_APPEND if "a" in mode else 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as exc:
        if path.is_symlink():
            raise UnsafeFile(f"{path} is a symlink: finews does not follow it") from exc
        if isinstance(exc, IsADirectoryError):
            raise UnsafeFile(f"{path} is not a regular file") from exc
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise UnsafeFile(f"{path} is not a regular file")
    return os.fdopen(descriptor, mode, encoding="utf-8")


def replace_text(path: Path, text: str) -> None:
    """Write `text` to a new file beside `path`, then rename it over `path` (a symlink there is replaced, not followed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
