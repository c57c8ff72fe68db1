"""Politeness by source profile (SOURCE-SITE.md §8): never get the user's IP banned.

The live source bans an IP for 30–60 minutes past about 5 requests a
second, 10 concurrent connections or 200 requests a minute, counted over
all of its hosts together.  `FINEWS_SOURCE` names the profile:

- `replay`: a replay site on this machine (the bundled one, or the one
  `FINEWS_API_BASE` names on a loopback address): not throttled;
- `legacy`: the 2021 endpoints on a live host: polite;
- `eastmoney`: today's endpoints (§6), the live hosts unless its bases are
  set: polite, also when pointed at a replay site;
- `auto` (the default): `replay` when every base is empty or a loopback
  address, `legacy` otherwise.

A polite profile puts every request to the source into one download slot
(so the limits hold for the crawl, not per host), with two connections, a
randomised delay of 0.6 s (about 100 requests a minute, half the ban
threshold) and AutoThrottle, and never retries a 403 or 429: those are
refusals.  Any profile stops the crawl after FINEWS_STOP_AFTER_REFUSALS
refusals in a row, with one line, exit status 3; what was stored is kept
and the next run goes on from there.  Every default is a plain Scrapy
setting, set between settings.py and the YAML file, so a user's own value wins.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from finews_crawler.config import FinewsConfig
from finews_crawler.sources.hosts import is_loopback
from finews_crawler.config.options import ConfigError

logger = logging.getLogger(__name__)

# Above settings.py ("project", 20), below the YAML file (25) and -s (40).
PROFILE_PRIORITY = 22
SOURCE_SLOT = "finews-source"
REFUSALS = (403, 429)
EXIT_REFUSED = 3
REFUSED = "refused"  # the finish reason of a crawl stopped to avoid a ban

POLITE = {
    "CONCURRENT_REQUESTS": 2,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.6,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
}


def profile(config: FinewsConfig) -> str:
    """The source profile a configuration crawls with; ConfigError if it contradicts itself."""
    local = all(is_loopback(base) for base, _ in config.crawled_bases())
    if config.source == "auto":
        return "replay" if local else "legacy"
    if config.source == "legacy" and not config.api_base:
        raise ConfigError("FINEWS_SOURCE=legacy needs FINEWS_API_BASE (the host of the 2021 feeds and text API)")
    if config.source == "replay" and not local:
        raise ConfigError(f"FINEWS_SOURCE=replay is for a replay site on this machine, and "
                          f"{', '.join(base for base, _ in config.crawled_bases() if not is_loopback(base))} is "
                          "not a loopback address: use legacy or eastmoney, which are polite to live hosts")
    return config.source


class PolitenessAddon:
    """Scrapy addon: a polite profile's defaults, under whatever the user set."""

    def update_settings(self, settings: BaseSettings) -> None:
        if profile(FinewsConfig.from_settings(settings)) == "replay":
            return
        for name, value in POLITE.items():
            settings.set(name, value, priority=PROFILE_PRIORITY)


def overshoot_warning(settings: BaseSettings) -> str | None:
    """Why the per-host bound may not hold with these settings, or None.

    With asyncio and no delay, Scrapy 2.19's downloader starts every request
    queued for a slot in one pass (it counts them as transferring only once
    their tasks run), so a host gets up to CONCURRENT_REQUESTS at once,
    whatever its own bound says.
    """
    per_host, total = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), settings.getint("CONCURRENT_REQUESTS")
    if settings.getfloat("DOWNLOAD_DELAY") > 0 or not 0 < per_host < total:
        return None
    return (f"CONCURRENT_REQUESTS ({total}) is above CONCURRENT_REQUESTS_PER_DOMAIN ({per_host}) "
            "with no DOWNLOAD_DELAY: "
            f"Scrapy may run up to {total} requests at once to one host, and keeps only {per_host} of their "
            "connections; set the two equal")


class SourcePoliteness:
    """One download slot for the source on a polite profile; a crawl stopped after refusals in a row."""

    def __init__(self, crawler: Crawler, polite: bool, stop_after: int) -> None:
        self.crawler = crawler
        self.polite = polite
        self.stop_after = stop_after
        self.in_a_row = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourcePoliteness:
        config = FinewsConfig.of(crawler)
        if (warning := overshoot_warning(crawler.settings)) is not None:
            logger.warning(warning)
        return cls(crawler, profile(config) != "replay", config.stop_after_refusals)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.polite:
            request.meta.setdefault("download_slot", SOURCE_SLOT)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in REFUSALS:
            self.in_a_row = 0
            return response
        self.in_a_row += 1
        self.crawler.stats.inc_value(f"finews/refusals/{response.status}")
        if self.in_a_row == self.stop_after:
            logger.error("%s refused %d requests in a row (HTTP %d): stopped to avoid a ban; try later "
                         "(what was stored is kept; the next run goes on from there)",
                         urlparse_cached(request).hostname, self.in_a_row, response.status)
            assert self.crawler.engine is not None
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=REFUSED))
        return response
