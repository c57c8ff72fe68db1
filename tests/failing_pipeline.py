"""Pipelines of a user's own, added to ITEM_PIPELINES by the tests: one that raises for one article, as a bug
would (test_summary's crawl), one that changes every title (reclean runs the configured pipelines)."""

import asyncio

from finews_crawler.items import Article


class RaiseForOne:
    def process_item(self, item: Article) -> Article:
        if item.info_code == "NW202204282363799455":
            raise RuntimeError("a bug in a pipeline")
        return item


class MarkTitles:
    """A pipeline of the user's own, between categorising and storing: a coroutine, as Scrapy allows, holding
    what lives on its event loop (as a client session would) from one article to the next."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None

    async def process_item(self, item: Article) -> Article:
        self.loop = self.loop or asyncio.get_running_loop()
        if self.loop is not asyncio.get_running_loop():
            raise RuntimeError("called on another event loop than the first article's")
        item.title = f"【已复核】{item.title}"
        return item
