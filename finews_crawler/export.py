"""The export folder that Jekyll, Hugo and other site builders read.

Files are written atomically (a temporary file in the same folder, then a
rename), so a crawl killed at any point leaves either the old post or the
new one, never half of one.  Paths are checked to stay inside the folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

SCAFFOLDS = Path(__file__).resolve().parent / "scaffold"


class ExportError(OSError):
    """The export folder cannot take a file (read-only, full, outside the folder)."""


class ExportFolder:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, relative: str) -> Path:
        """The absolute path of `relative`, refusing anything that escapes the folder."""
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root) or target == self.root:
            raise ExportError(f"refusing to write {relative!r}: outside the export folder {self.root}")
        return target

    def exists(self, relative: str) -> bool:
        return self.path(relative).exists()

    def write(self, relative: str, text: str) -> Path:
        """Write `text` to `relative` atomically and return its path."""
        with self.writing(relative) as stream:
            stream.write(text)
        return self.path(relative)

    @contextmanager
    def writing(self, relative: str) -> Iterator[TextIO]:
        """A text stream that replaces `relative` when the block ends, and leaves no trace if it fails."""
        target = self.path(relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".finews-", suffix=".tmp")
        except OSError as exc:
            raise ExportError(f"cannot write into {target.parent}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                yield stream
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, relative: str) -> str | None:
        """The text of `relative`, or None if there is no such file."""
        try:
            return self.path(relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ExportError(f"cannot read {relative}: {exc.strerror or exc}") from exc

    def remove(self, relative: str) -> None:
        try:
            self.path(relative).unlink(missing_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot remove {relative}: {exc.strerror or exc}") from exc

    def move(self, relative: str, destination: str) -> None:
        """Move a file inside the folder atomically (replacing the destination)."""
        source, target = self.path(relative), self.path(destination)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
        except OSError as exc:
            raise ExportError(f"cannot move {relative} to {destination}: {exc.strerror or exc}") from exc

    def sweep_temporary(self) -> int:
        """Delete temporary files a killed run left behind; only a run holding the lock may."""
        swept = 0
        for path in self.root.rglob(".finews-*.tmp") if self.root.is_dir() else []:
            path.unlink(missing_ok=True)
            swept += 1
        return swept

    def scaffold(self, kind: str) -> list[str]:
        """Add the site builder's starter files that are missing; never overwrite one."""
        source = SCAFFOLDS / kind
        written = []
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = path.relative_to(source).as_posix()
            if not self.exists(relative):
                self.write(relative, path.read_text(encoding="utf-8"))
                written.append(relative)
        return written
