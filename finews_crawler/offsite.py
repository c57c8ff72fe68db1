"""Requests go to the configured source's origins only, redirects and meta refreshes included.

An origin is a scheme, a host and a port: another port of the source's host
is another service (an internal one, perhaps), and so is another scheme.
Scrapy's own offsite middleware compares host names only, and lets through
any request with `dont_filter` (finews's feed requests have it, and so do
their redirects) or `allow_offsite`; a source that answers with a 3xx or a
meta refresh could then send the crawler, and what it publishes, anywhere.
Here the origins of the configured bases are the whole policy: anything
else is dropped with `OffsiteRequest`, counted and logged.  A subdomain is
another origin too: name it as a base to crawl it.
"""

from __future__ import annotations

import logging
from urllib.parse import SplitResult, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from finews_crawler.config import FinewsConfig
from finews_crawler.runtime.stats import count_drop

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int | None]


class OffsiteRequest(IgnoreRequest):
    """A request (often a redirect) to an origin that is not the source's."""


def origin(parts: SplitResult) -> Origin:
    """(scheme, host, port) of a URL, the port spelt out; a port that is not a number is no origin of ours."""
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _shown(source: Origin) -> str:
    scheme, host, port = source
    return f"{scheme}://{host}" + ("" if port == DEFAULT_PORTS.get(scheme) else f":{port}")


class SourceOnly:
    """Downloader middleware: only requests to an origin of the configured bases are downloaded."""

    def __init__(self, crawler: Crawler, origins: frozenset[Origin]) -> None:
        self.stats = crawler.stats
        self.origins = origins

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceOnly:
        bases = FinewsConfig.of(crawler).crawled_bases()
        return cls(crawler, frozenset(origin(urlsplit(base)) for base, _ in bases))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        target = origin(urlparse_cached(request))
        if target in self.origins:
            return
        origin_url = request.meta.get("redirect_urls", [None])[0]
        count_drop(self.stats, "offsite")
        reason = (f"{_shown(target)!r} is not an origin of the source "
                  f"({', '.join(sorted(_shown(known) for known in self.origins))})")
        logger.warning("Not followed: %s%s: %s", request.url, f" (redirected from {origin_url})" if origin_url else "",
                       reason)
        raise OffsiteRequest(reason)
