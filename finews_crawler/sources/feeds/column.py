"""Today's column lists (SOURCE-SITE.md §6, e.g. 1207 财经早餐): `page_index` paging, the outlet in `mediaName`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from finews_crawler.sources.feeds.kind import Keys, TodayKind

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec


class Column(TodayKind):
    name = "column"
    keys = Keys(items="list", code="code", time="showTime", media="mediaName", digest="summary")
    headers = {"Referer": "https://finance.eastmoney.com/"}

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        query = {"client": "web", "biz": "web_news_col", "column": spec.column, "order": 1, "needInteractData": 0,
                 "page_index": page, "page_size": count, "req_trace": page}
        return f"{base}/comm/web/getNewsByColumns?{urlencode(query)}"
