"""Today's 7×24 fast-news list (SOURCE-SITE.md §6): cursor paging on `sortEnd`, no media named.

The cursor is the answer's `data.sortEnd`; answers without one (§6a) page on
with the oldest item's `realSort`, Unix time followed by six digits (16
digits), or milliseconds (13 digits) in some answers: put on the 16-digit
scale, past the end of that millisecond, so no item of it is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from finews_crawler.sources.feeds.kind import Keys, NextPage, TodayKind

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec


def real_sort(value: Any) -> int | None:
    """A `realSort` or `sortEnd` on the 16-digit scale (13 digits are milliseconds), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        return None
    if len(value) == 16:
        return int(value)
    return int(value) * 1000 + 999 if len(value) == 13 else None


class Fast(TodayKind):
    name = "fast"
    keys = Keys(items="fastNewsList", code="code", time="showTime", media=None, digest="summary")
    headers = {"Referer": "https://kuaixun.eastmoney.com/"}  # every public client of the list sends it

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        query = {"client": "web", "biz": "web_724", "fastColumn": spec.column, "sortEnd": cursor,
                 "pageSize": count, "req_trace": page}
        return f"{base}/comm/web/getFastNewsList?{urlencode(query)}"

    def next_page(self, page: int, payload: Mapping[str, Any]) -> NextPage | None:
        """The page after the answer's `sortEnd`, else after its oldest item's `realSort`; None without either."""
        data = self.data(payload)
        cursor = real_sort(data.get("sortEnd"))
        if cursor is None:
            sorts = [value for item in data[self.keys.items] if isinstance(item, Mapping)
                     and (value := real_sort(item.get("realSort"))) is not None]
            cursor = min(sorts, default=None)
        return NextPage(page + 1, str(cursor)) if cursor is not None else None
