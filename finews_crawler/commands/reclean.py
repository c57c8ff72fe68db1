"""`scrapy reclean [--since DATE]`: clean and render the stored raw bodies again, offline."""

from __future__ import annotations

import argparse

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import MemoryStatsCollector

from finews_crawler.cli import FinewsCommand, existing_database, parse_since, run_locked
from finews_crawler.config import FinewsConfig
from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.pipelines.offline import processing_steps, reclean
from finews_crawler.storage.database import ArticleStore


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "[--since DATE]"

    def short_desc(self) -> str:
        return "Clean and render the stored articles again and rewrite what changed (no network)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        self.add_since(parser)

    def pipelines_crawler(self) -> Crawler:
        """A crawler that never crawls: what the item pipelines are built from (settings, stats, signals)."""
        crawler = Crawler(Spider, self.settings)  # the YAML file is already applied (`ConfiguredCommand`)
        crawler.stats = MemoryStatsCollector(crawler)  # no engine, no reactor, no extensions: only what pipelines use
        return crawler

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        database_url = existing_database("reclean", config.database_url)
        since = parse_since(opts.since)
        failed = False

        def run() -> None:
            nonlocal failed
            store = ArticleStore.from_url(database_url)
            folder = ExportFolder(config.export_dir) if config.export_dir else None
            publisher = Publisher(store, folder, SiteLinks(config.links_base), config.rotation)
            crawler = self.pipelines_crawler()
            try:
                counts = reclean(store.rows(since), processing_steps(crawler), publisher)
            finally:
                store.close()
            values = crawler.stats.get_stats()
            drops = ", ".join(f"{key.removeprefix('finews/dropped/')}={n}" for key, n in sorted(values.items())
                              if key.startswith("finews/dropped/")) or "none"
            print(f"finews reclean: {counts['updated']} updated, {counts['unchanged']} unchanged, "
                  f"{counts['dropped']} kept as stored because cleaning now drops them ({drops}), "
                  f"{counts['export_errors']} export errors")
            failed = bool(counts["export_errors"])

        return run_locked("reclean", config.export_dir, database_url, config.lock_wait, run) or int(failed)
