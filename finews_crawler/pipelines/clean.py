"""Clean the body markup and the plain-text fields, and read the securities it names, off the reactor thread
and under a time budget.

Cleaning is the one expensive step per article (two HTML5 parses and the
rules).  It runs on threads of its own, so the crawl keeps downloading
while a page is cleaned, and under FINEWS_CLEAN_BUDGET seconds: a page
that takes longer is dropped and counted (`finews/dropped/too_slow`), and
costs the crawl nothing but its own budget.  Every input is already
bounded and every scan linear (`cleaning.unsafe_to_clean`); the budget is
the fence behind them.  `reclean` runs the same steps synchronously.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from ..cleaning import (DIGEST_LIMIT, TITLE_LIMIT, clean_body, clean_name, clean_text, text_of_markup,
                        unsafe_to_clean)
from ..config import FinewsConfig
from ..items import Article
from ..securities import securities_in
from ..stats import drop

CLEANING_THREADS = 2


def clean_article(item: Article) -> tuple[str, str] | None:
    """Clean an article in place; (drop reason, message) when nothing usable is left. Touches no shared state."""
    item.title = clean_text(item.title, TITLE_LIMIT)
    item.digest = text_of_markup(item.digest, DIGEST_LIMIT)
    item.media, item.page_media = clean_name(item.media), clean_name(item.page_media)
    if (unsafe := unsafe_to_clean(item.body_raw)) is not None:
        return "unsafe_markup", f"{item.info_code}: {unsafe}"
    item.securities = securities_in(item.body_raw, item.stock_list)  # before cleaning unwraps the quote links
    item.body = clean_body(item.body_raw, item.share_url)  # relative URLs resolve as readers see them
    if not item.body:
        return "empty_body", f"{item.info_code}: nothing of the body is left after cleaning"
    return None


class CleanPipeline:
    def __init__(self, stats: StatsCollector, budget: float = 10.0) -> None:
        self.stats = stats
        self.budget = budget
        self._threads: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler.stats, FinewsConfig.from_settings(crawler.settings).clean_budget)

    def clean(self, item: Article) -> Article:
        """The step run synchronously (re-cleaning stored articles)."""
        if (dropped := clean_article(item)) is not None:
            drop(self.stats, *dropped)
        return item

    async def process_item(self, item: Article) -> Article:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(CLEANING_THREADS, thread_name_prefix="finews-clean")
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._threads, clean_article, item)
        # A timer rather than asyncio.wait_for: no task per article (wait_for's cost showed in the crawl bench).
        expired: list[bool] = []
        timer = loop.call_later(self.budget, lambda: expired.append(True) or work.cancel())
        try:
            dropped = await work
        except asyncio.CancelledError:
            if not expired:
                raise
            drop(self.stats, "too_slow", f"{item.info_code}: cleaning took more than {self.budget:g} s "
                                         "(FINEWS_CLEAN_BUDGET)")
        finally:
            timer.cancel()
        if dropped is not None:
            drop(self.stats, *dropped)  # counted here, on the reactor thread: stats are not thread-safe
        return item

    def close_spider(self) -> None:
        if self._threads is not None:  # a page past its budget is not waited for
            self._threads.shutdown(wait=False, cancel_futures=True)
