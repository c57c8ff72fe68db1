"""The 2021 market feeds (SOURCE-SITE.md §1): one per `marketType`, the outlet in `medianame`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from finews_crawler.sources.feeds.kind import Keys, LegacyKind

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec


class Market(LegacyKind):
    name = "market"
    keys = Keys(items="record", code="infoCode", time="datetime", media="medianame", digest=None)
    needs = ("market_type",)

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        query = {"marketType": spec.market_type, "count": count, "pageindex": page}
        return f"{base}/information/newmarket/web/webapi?{urlencode(query)}"
