"""Item pipelines: thin Scrapy glue around finews's pure functions."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector


class StatsPipeline:
    """A pipeline that needs nothing from the crawl but its stats (to count drops)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsPipeline:
        return cls(crawler.stats)
