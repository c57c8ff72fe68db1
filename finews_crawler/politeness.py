"""Politeness by source profile (`sources.profiles`, SOURCE-SITE.md §8): never get the user's IP banned.

A polite profile puts every request to the source into one download slot
(so the limits hold for the crawl, not per host) and sets the profile's
Scrapy defaults (`POLITE`) between settings.py and the YAML file, so a
user's own value wins.  Any profile stops the crawl after
FINEWS_STOP_AFTER_REFUSALS refusals (403, 429) in a row, with one line,
exit status 3; what was stored is kept and the next run goes on from there.
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
from finews_crawler.sources.profiles import POLITE, ProfileError, profile as source_profile
from finews_crawler.config.options import ConfigError

logger = logging.getLogger(__name__)

# Above settings.py ("project", 20), below the YAML file (25) and -s (40).
PROFILE_PRIORITY = 22
SOURCE_SLOT = "finews-source"
REFUSALS = (403, 429)
EXIT_REFUSED = 3
REFUSED = "refused"  # the finish reason of a crawl stopped to avoid a ban



def profile(config: FinewsConfig) -> str:
    """The source profile a configuration crawls with; ConfigError if it contradicts itself."""
    try:
        return source_profile(config.source, config.api_base, [base for base, _ in config.crawled_bases()])
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None


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
