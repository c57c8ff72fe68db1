"""The demo: with no source configured, `scrapy crawl finews` crawls the bundled replay site.

The replay site is served on a free loopback port for the length of the
crawl and set as the source's bases on the command's settings, before the
crawler is built: every component then sees one configuration, whose source
is that server (a loopback source: the replay profile, posts linking to the
source's public pages).  Only the crawl command imports this module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from scrapy.settings import BaseSettings

from finews_crawler.config import FinewsConfig
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import DEFAULT_SITE_DIR, ReplaySite

logger = logging.getLogger(__name__)

# The bases the bundled site answers for: the 2021 feeds and text API, its share pages, the per-stock search.
DEMO_BASES = ("FINEWS_API_BASE", "FINEWS_SHARE_BASE", "FINEWS_SEARCH_BASE")


@contextmanager
def demo_source(settings: BaseSettings, config: FinewsConfig) -> Iterator[FinewsConfig]:
    """`config` itself when it names a source; else the bundled replay site's, served meanwhile."""
    if config.crawled_bases():
        yield config
        return
    site_dir = config.replay_dir or DEFAULT_SITE_DIR
    with ReplayServer(ReplaySite.load(site_dir)) as server:
        for name in DEMO_BASES:
            settings.set(name, server.url, priority="cmdline")
        logger.info("No source configured (FINEWS_API_BASE): crawling the bundled replay site %s served from %s",
                    server.url, site_dir)
        yield replace(config, api_base=server.url, share_base=server.url, search_base=server.url)
