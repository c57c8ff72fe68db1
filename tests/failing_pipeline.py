"""Pipelines of a user's own, added to ITEM_PIPELINES by the tests: one that raises for one article, as a bug
would (test_summary's crawl), one that changes every title (reclean runs the configured pipelines)."""

from finews_crawler.items import Article


class RaiseForOne:
    def process_item(self, item: Article) -> Article:
        if item.info_code == "NW202204282363799455":
            raise RuntimeError("a bug in a pipeline")
        return item


class MarkTitles:
    """A pipeline of the user's own, between categorising and storing: a coroutine, as Scrapy allows."""

    async def process_item(self, item: Article) -> Article:
        item.title = f"【已复核】{item.title}"
        return item
