"""Clean the body markup and the plain-text fields."""

from __future__ import annotations

from scrapy.crawler import Crawler

from ..cleaning import clean_body, clean_text
from ..items import Article
from ..stats import drop


class CleanPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        item.title = clean_text(item.title)
        item.digest = clean_text(item.digest)
        item.body = clean_body(item.body_raw, item.url)
        if not item.body:
            drop(self.stats, "empty_body", f"{item.info_code}: nothing of the body is left after cleaning")
        return item
