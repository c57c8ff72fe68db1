"""The 2021 roll feed (SOURCE-SITE.md §1, type 102): every article, no media named."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from finews_crawler.sources.feeds.kind import Keys, LegacyKind

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec


def webapi_url(base: str, feed_type: int, page: int, count: int) -> str:
    """`/web/webapi`, the endpoint the roll (102) and media (45) feeds share."""
    return f"{base}/web/webapi?{urlencode({'type': feed_type, 'count': count, 'newsid': 1, 'pageindex': page})}"


class Roll(LegacyKind):
    name = "roll"
    keys = Keys(items="records", code="infoCode", time="showtime", media=None, digest="digest")

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        return webapi_url(base, 102, page, count)
