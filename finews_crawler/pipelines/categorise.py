"""Give each article its category slug and tags."""

from __future__ import annotations

from scrapy.crawler import Crawler

from ..categories import categorise
from ..config import FinewsConfig
from ..items import Article


class CategorisePipeline:
    def __init__(self, config: FinewsConfig) -> None:
        self.specs = {feed.name: feed for feed in config.feeds}
        self.overrides = config.category_overrides

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CategorisePipeline:
        return cls(FinewsConfig.from_settings(crawler.settings))

    def process_item(self, item: Article) -> Article:
        item.category, item.tags = categorise(item.source, bool(item.media), item.feeds, self.specs, self.overrides)
        return item
