"""The export folder that Jekyll, Hugo and other site builders read.

Files are written atomically (a temporary file in the same folder, then a
rename), so a crawl killed at any point leaves either the old post or the
new one, never half of one.  Paths are checked to stay inside the folder,
and no symlink is followed: a rename replaces a link rather than writing
through it, reads refuse links, and a linked folder inside is refused.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

# The line of each site builder's config that holds the site's public address, as the starter file writes it.
SITE_URL_LINES = {"_config.yml": ('url: ""', "url: {}"), "hugo.yaml": ("baseURL: /", "baseURL: {}")}


def with_site_url(relative: str, text: str, site_url: str) -> str:
    """A starter file's text with the site's address in its config line (unchanged without one)."""
    if not site_url or relative not in SITE_URL_LINES:
        return text
    line, filled = SITE_URL_LINES[relative]
    value = site_url + "/" if relative == "hugo.yaml" else site_url
    return text.replace(f"\n{line}\n", f"\n{filled.format(json.dumps(value))}\n", 1)


# Where each site builder copies files unchanged from (`scaffold/common/` goes there).
STATIC_FOLDER = {"jekyll": "", "hugo": "static/"}
SCAFFOLDS = Path(__file__).resolve().parent / "scaffold"


class ExportError(OSError):
    """The export folder cannot take a file (read-only, full, outside the folder)."""


@contextmanager
def _as_export_error(what: str) -> Iterator[None]:
    """An OSError in the block becomes an ExportError saying what could not be done."""
    try:
        yield
    except OSError as exc:
        raise ExportError(f"{what}: {exc.strerror or exc}") from exc


class ExportFolder:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._prefix = f"{self.root}{os.sep}"
        self._folders: set[str] = set()  # folders known to exist
        self._names = itertools.count()

    def path(self, relative: str) -> Path:
        """The absolute path of `relative`, refusing anything that escapes the folder.

        The check is lexical (no symlink resolution, one per file would dominate
        the export's cost): names come from validated infoCodes and slugs, and a
        symlink the owner put inside the folder is theirs to keep.
        """
        target = os.path.normpath(os.path.join(self._prefix, relative))
        if not target.startswith(self._prefix):
            raise ExportError(f"refusing to write {relative!r}: outside the export folder {self.root}")
        return Path(target)

    def _temporary(self, folder: Path) -> tuple[int, str]:
        """A new temporary file in `folder` (same file system as the target, so the rename is atomic)."""
        if str(folder) not in self._folders:
            self._refuse_symlinks(folder)
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(str(folder))
        while True:
            name = os.path.join(folder, f".finews-{os.getpid()}-{next(self._names)}.tmp")
            try:
                return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), name
            except FileExistsError:
                continue
            except FileNotFoundError:  # the folder was removed under us
                self._folders.discard(str(folder))
                folder.mkdir(parents=True, exist_ok=True)

    def _refuse_symlinks(self, folder: Path) -> None:
        """A folder inside the export folder that is a symlink would carry writes elsewhere: refuse it."""
        for part in (folder, *folder.parents):
            if part == self.root or not str(part).startswith(self._prefix):
                return
            if part.is_symlink():
                raise ExportError(f"refusing to write through {part}: a symlink inside the export folder")

    def exists(self, relative: str) -> bool:
        with _as_export_error(f"cannot look up {relative}"):  # a name too long is an error, not "missing"
            try:
                os.lstat(self.path(relative))
            except (FileNotFoundError, NotADirectoryError):
                return False
            return True

    def write(self, relative: str, text: str) -> Path:
        """Write `text` to `relative` atomically and return its path."""
        with self.writing(relative) as stream:
            stream.write(text)
        return self.path(relative)

    @contextmanager
    def writing(self, relative: str) -> Iterator[TextIO]:
        """A text stream that replaces `relative` when the block ends, and leaves no trace if it fails."""
        target = self.path(relative)
        with _as_export_error(f"cannot write into {target.parent}"):
            handle, temporary = self._temporary(target.parent)
        try:
            with _as_export_error(f"cannot write {target}"):
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    yield stream
                os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, relative: str) -> str | None:
        """The text of `relative`, or None if there is no such file."""
        with _as_export_error(f"cannot read {relative}"):
            try:
                descriptor = os.open(self.path(relative), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except (FileNotFoundError, NotADirectoryError):
                return None
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # a symlink: not ours to read; a write replaces the link itself
                    return None
                raise
            with os.fdopen(descriptor, encoding="utf-8") as stream:
                return stream.read()

    def remove(self, relative: str) -> None:
        with _as_export_error(f"cannot remove {relative}"):
            self.path(relative).unlink(missing_ok=True)

    def move(self, relative: str, destination: str) -> None:
        """Move a file inside the folder atomically (replacing the destination)."""
        source, target = self.path(relative), self.path(destination)
        with _as_export_error(f"cannot move {relative} to {destination}"):
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)

    def sweep_temporary(self) -> int:
        """Delete temporary files a killed run left behind; only a run holding the lock may."""
        swept = 0
        with _as_export_error(f"cannot sweep temporary files in {self.root}"):
            for path in self.root.rglob(".finews-*.tmp") if self.root.is_dir() else []:
                path.unlink(missing_ok=True)
                swept += 1
        return swept

    def scaffold(self, kind: str, site_url: str = "") -> list[str]:
        """Add the site builder's starter files that are missing, and the stylesheet both share; never overwrite one.

        `site_url` (FINEWS_SITE_URL) goes into the site builder's config, so its feed's links are absolute.
        """
        written = []
        for source, prefix in ((SCAFFOLDS / kind, ""), (SCAFFOLDS / "common", STATIC_FOLDER[kind])):
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                relative = prefix + path.relative_to(source).as_posix()
                if not self.exists(relative):
                    self.write(relative, with_site_url(relative, path.read_text(encoding="utf-8"), site_url))
                    written.append(relative)
        return written
