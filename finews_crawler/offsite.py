"""Requests go to the configured source hosts only, redirects and meta refreshes included.

Scrapy's own offsite middleware lets through any request with
`dont_filter` (finews's feed requests have it, and so do their redirects)
or `allow_offsite`; a source that answers with a 3xx or a meta refresh
could then send the crawler, and what it publishes, anywhere.  Here the
hosts of the configured bases (`FinewsSpider.allowed_domains`) are the
whole policy: anything else is dropped with `OffsiteRequest` and counted.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from .stats import count_drop

logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request (often a redirect) to a host that is not the source's."""


class SourceOnly(OffsiteMiddleware):
    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        assert self.crawler.spider is not None
        self._update_host_regex(self.crawler.spider)
        if self.should_follow(request, self.crawler.spider):
            return
        host = urlparse_cached(request).hostname or request.url[:60]
        origin = request.meta.get("redirect_urls", [None])[0]
        count_drop(self.stats, "offsite")
        reason = f"{host!r} is not a host of the source ({', '.join(self.crawler.spider.allowed_domains)})"
        logger.warning("Not followed: %s%s: %s", request.url, f" (redirected from {origin})" if origin else "", reason)
        raise OffsiteRequest(reason)
