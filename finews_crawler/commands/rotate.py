"""`scrapy rotate [--days N] [--archive DIR]`: move old posts out of `_posts/` now."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


from finews_crawler.config import FinewsConfig
from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.rotation import Rotation, rotate
from finews_crawler.cli import FinewsCommand, finews_config, run_locked, usage_error


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "[--days N] [--archive DIR]"

    def short_desc(self) -> str:
        return "Move posts older than N days from _posts/ to the archive folder"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--days", type=int, help="the window (default: FINEWS_ROTATE_DAYS, else 3)")
        parser.add_argument("--archive", help="the archive folder (default: FINEWS_ROTATE_ARCHIVE)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """--days and --archive are the rotation options for this run; with neither set, 3 days."""
        super().process_options(args, opts)
        assert self.settings is not None
        if opts.days is not None:
            self.settings.set("FINEWS_ROTATE_DAYS", opts.days, priority="cmdline")
        elif not finews_config(self.settings).rotation:
            self.settings.set("FINEWS_ROTATE_DAYS", 3, priority="cmdline")
        if opts.archive:
            self.settings.set("FINEWS_ROTATE_ARCHIVE", opts.archive, priority="cmdline")

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        if config.export_dir is None:
            usage_error("rotate works on the export folder: set FINEWS_EXPORT_DIR")
        rotation: Rotation = config.rotation or Rotation(0)
        if rotation.days < 1:
            usage_error("--days must be at least 1")
        folder = ExportFolder(config.export_dir)

        def run() -> None:
            moved = rotate(folder, rotation, datetime.now(UTC))
            print(f"finews rotate: moved {len(moved)} posts dated before "
                  f"{rotation.cutoff(datetime.now(UTC))} to {folder.root / rotation.archive}")

        return run_locked("rotate", config.export_dir, "", config.lock_wait, run)
