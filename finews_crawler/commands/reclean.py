"""`scrapy reclean [--since DATE]`: clean and render the stored raw bodies again, offline."""

from __future__ import annotations

import argparse


from ..export import ExportFolder
from ..jekyll import SiteLinks
from ..publish import Publisher
from ..reclean import processing_steps, reclean
from ..stats import CountingStats
from ..storage import ArticleStore
from ..cli import FinewsCommand, finews_config, parse_since, run_locked, usage_error


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "[--since DATE]"

    def short_desc(self) -> str:
        return "Clean and render the stored articles again and rewrite what changed (no network)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        self.add_since(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        config = finews_config(self.settings)
        if not config.database_url:
            usage_error("reclean reads the stored raw bodies: set FINEWS_DATABASE_URL")
        since = parse_since(opts.since)

        def run() -> None:
            store = ArticleStore.from_url(config.database_url)
            folder = ExportFolder(config.export_dir) if config.export_dir else None
            publisher = Publisher(store, folder, SiteLinks(config.site_base), config.rotation)
            stats = CountingStats()
            try:
                counts = reclean(store.rows(since), processing_steps(config, stats), publisher)
            finally:
                store.close()
            drops = ", ".join(f"{key.removeprefix('finews/dropped/')}={n}" for key, n in sorted(stats.values.items())
                              if key.startswith("finews/dropped/")) or "none"
            print(f"finews reclean: {counts['updated']} updated, {counts['unchanged']} unchanged, "
                  f"{counts['dropped']} kept as stored because cleaning now drops them ({drops}), "
                  f"{counts['export_errors']} export errors")
            if counts["export_errors"]:
                self.exitcode = 1

        status = run_locked("reclean", config.export_dir, config.database_url, config.lock_wait, run)
        self.exitcode = status or self.exitcode
