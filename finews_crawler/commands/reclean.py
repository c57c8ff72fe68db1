"""`scrapy reclean [--since DATE]`: clean and render the stored raw bodies again, offline."""

from __future__ import annotations

import argparse


from ..export import ExportFolder
from ..jekyll import SiteLinks
from ..publish import Publisher
from ..reclean import processing_steps, reclean
from ..stats import CountingStats
from ..storage import ArticleStore
from ..cli import FinewsCommand, existing_database, parse_since, run_locked
from ..config import FinewsConfig


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "[--since DATE]"

    def short_desc(self) -> str:
        return "Clean and render the stored articles again and rewrite what changed (no network)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        self.add_since(parser)

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        database_url = existing_database("reclean", config.database_url)
        since = parse_since(opts.since)
        failed = False

        def run() -> None:
            nonlocal failed
            store = ArticleStore.from_url(database_url)
            folder = ExportFolder(config.export_dir) if config.export_dir else None
            publisher = Publisher(store, folder, SiteLinks(config.links_base), config.rotation)
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
            failed = bool(counts["export_errors"])

        return run_locked("reclean", config.export_dir, database_url, config.lock_wait, run) or int(failed)
