"""Give each article its category slug and tags."""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler

from finews_crawler.domain.categories import categorise, fixed_category
from finews_crawler.config import FinewsConfig
from finews_crawler.items import Article
from finews_crawler.domain.pinyin import load_dictionary


class CategorisePipeline:
    def __init__(self, config: FinewsConfig) -> None:
        self.specs = {feed.name: feed for feed in config.feeds}
        self.overrides = config.category_overrides
        self._dictionary: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CategorisePipeline:
        return cls(FinewsConfig.of(crawler))

    def process_offline(self, item: Article) -> Article:
        """File the article under its category, the dictionary loaded at once (`pipelines.offline`)."""
        item.category, item.tags = categorise(item.source, bool(item.media), item.feeds, self.specs, self.overrides)
        return item

    async def process_item(self, item: Article) -> Article:
        # The first article filed under its media loads the pinyin dictionary in a thread: for the
        # 0.15-0.5 s that takes, the reactor goes on fetching and cleaning instead of stalling.
        # (Loading it from the first article request instead held the GIL while the first pages
        # were requested: they went out 0.3 s later, for no shorter crawl.)
        if fixed_category(bool(item.media), item.feeds, self.specs) is None:
            if self._dictionary is None:
                self._dictionary = asyncio.ensure_future(asyncio.to_thread(load_dictionary))
            await self._dictionary
        return self.process_offline(item)
