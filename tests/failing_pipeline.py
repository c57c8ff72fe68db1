"""A pipeline that raises for one article, as a bug in a pipeline would (used by test_summary's crawl)."""

from finews_crawler.items import Article


class RaiseForOne:
    def process_item(self, item: Article) -> Article:
        if item.info_code == "NW202204282363799455":
            raise RuntimeError("a bug in a pipeline")
        return item
