"""The 2021 media feed (SOURCE-SITE.md §1, type 45): articles with the outlet in `from`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from finews_crawler.sources.feeds.kind import Keys, LegacyKind
from finews_crawler.sources.feeds.roll import webapi_url

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec


class Media(LegacyKind):
    name = "media"
    keys = Keys(items="nodeList", code="infocode", time="showtime", media="from", digest="simdigest")

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        return webapi_url(base, 45, page, count)
