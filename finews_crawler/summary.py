"""One line at the end of every run: what was written, dropped and failed."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from .stats import ARTICLES, DROPPED, ERRORS, POSTS, with_prefix

logger = logging.getLogger("finews")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}={value}" for name, value in counts.items()) or "none"


def summary_line(stats: dict) -> str:
    """`finews: 147 articles (140 new, …); 142 posts written; 5 dropped (…); 0 errors (…)`."""
    articles = with_prefix(stats, ARTICLES)
    dropped = with_prefix(stats, DROPPED)
    errors = with_prefix(stats, ERRORS)
    # Downloads that exhausted their retries count as errors too.
    retry_failures = stats.get("retry/max_reached", 0)
    return (
        f"finews: {sum(v for k, v in articles.items() if k != 'skipped')} articles stored "
        f"({articles.get('new', 0)} new, {articles.get('updated', 0)} updated, {articles.get('unchanged', 0)} unchanged), "
        f"{articles.get('skipped', 0)} known and skipped; "
        f"{with_prefix(stats, POSTS).get('written', 0)} posts written; "
        f"{sum(dropped.values())} dropped ({_counts(dropped)}); "
        f"{sum(errors.values())} errors ({_counts(errors)}); "
        f"{retry_failures} requests gave up after retries"
    )


class RunSummary:
    """Logs the summary line; with FINEWS_STATS_FILE set, also writes all stats there as JSON."""

    def __init__(self, stats: StatsCollector, stats_file: str) -> None:
        self.stats = stats
        self.stats_file = Path(stats_file) if stats_file else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        extension = cls(crawler.stats, crawler.settings.get("FINEWS_STATS_FILE", ""))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, reason: str) -> None:
        stats = {**self.stats.get_stats(), "finish_reason": reason}
        logger.info("%s; finished: %s", summary_line(stats), reason)
        if self.stats_file:
            self.stats_file.parent.mkdir(parents=True, exist_ok=True)
            self.stats_file.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
