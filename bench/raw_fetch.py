"""The baseline: plain Scrapy fetching the same share pages, no pipelines, no parsing.

    python bench/raw_fetch.py URLS_FILE

Same concurrency settings as finews; prints one JSON line: pages, seconds, cpu (its CPU seconds).
Run by bench/crawl.py, which gives it the share-page URLs of the replay site.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

from finews_crawler import settings as finews_settings

URLS = Path(sys.argv[1]).read_text().split()


class RawFetch(scrapy.Spider):
    name = "raw"

    async def start(self):
        for url in URLS:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response):
        pass


process = CrawlerProcess({
    "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False,
    **{name: getattr(finews_settings, name) for name in (
        "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS", "AUTOTHROTTLE_ENABLED", "SCRAPER_SLOT_MAX_ACTIVE_SIZE",
        "DOWNLOAD_TIMEOUT", "USER_AGENT")},
})
process.crawl(RawFetch)
started = time.perf_counter()
process.start()
cpu = os.times()
print(json.dumps({"pages": len(URLS), "seconds": time.perf_counter() - started, "cpu": cpu.user + cpu.system}))
