"""Today's 7×24 fast-news list (SOURCE-SITE.md §6): cursor paging on `sortEnd`, no media named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .kind import Keys, NextPage, TodayKind

if TYPE_CHECKING:
    from . import FeedSpec


class Fast(TodayKind):
    name = "fast"
    keys = Keys(items="fastNewsList", code="code", time="showTime", media=None, digest="summary")

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        query = {"client": "web", "biz": "web_724", "fastColumn": spec.column, "sortEnd": cursor,
                 "pageSize": count, "req_trace": page}
        return f"{base}/comm/web/getFastNewsList?{urlencode(query)}"

    def next_page(self, page: int, payload: Mapping[str, Any]) -> NextPage | None:
        """The page after the answer's `sortEnd`; none without one (the list goes no further back)."""
        cursor = self.data(payload).get("sortEnd")
        if isinstance(cursor, int) and not isinstance(cursor, bool):
            cursor = str(cursor)  # a number where clients expect a string: the same cursor
        if isinstance(cursor, str) and cursor.isascii() and cursor.isdigit():
            return NextPage(page + 1, cursor)
        return None
