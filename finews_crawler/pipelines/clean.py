"""Clean the body markup and the plain-text fields, and read the securities it names, in worker processes
and under a time budget.

Cleaning is the one expensive step per article (two HTML5 parses and the
rules).  It runs in processes of its own, so the crawl keeps downloading
while a page is cleaned and cleaning has a core of its own: on threads it
shared the reactor's GIL, and handing the GIL back and forth cost the
reactor more CPU than the cleaning itself (bench/README.md, issue 13).
A page is cleaned under FINEWS_CLEAN_BUDGET seconds: one that takes longer
is dropped and counted (`finews/dropped/too_slow`), and costs the crawl
nothing but its own budget.  A worker that dies (a crash in a parser)
breaks its pool: each article in it is cleaned again in a process of its
own, and one that kills that too is dropped as `cleaner_crashed` (counted,
and fetched again by the next run).  Every input is already bounded and
every scan linear (`cleaning.unsafe_to_clean`); the budget is the fence
behind them.  `reclean` runs the same steps synchronously.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from multiprocessing.connection import Connection

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from ..cleaner import Dropped, clean_article, cleaned_copy, exit_with_crawl
from ..config import FinewsConfig
from ..items import Article
from ..stats import drop

CLEANING_PROCESSES = 2


@cache
def _lifeline() -> tuple[Connection, Connection]:
    """(read, write) of the pipe the workers watch: the write end lives as long as the crawl process."""
    return multiprocessing.get_context("forkserver").Pipe(duplex=False)


def _worker_pool(processes: int) -> ProcessPoolExecutor:
    """Workers forked from a server process that imported the cleaning code once, not from the crawl
    (a fork would copy its threads' locks and connections), and that exit when the crawl is gone.
    Like any multiprocessing start method but fork, the server imports the main module: a script that
    runs a crawl guards it with `if __name__ == "__main__":` (Scrapy's and finews's commands do)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["finews_crawler.cleaner"])
    return ProcessPoolExecutor(processes, mp_context=context, initializer=exit_with_crawl,
                               initargs=(_lifeline()[0],))


class CleanPipeline:
    def __init__(self, stats: StatsCollector, budget: float = 10.0, processes: int = CLEANING_PROCESSES,
                 work: Callable[[Article], tuple[Article, Dropped | None]] = cleaned_copy) -> None:
        self.stats = stats
        self.budget = budget
        self.processes = processes
        self.work = work  # module-level, so a worker can import it
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler.stats, FinewsConfig.from_settings(crawler.settings).clean_budget)

    def clean(self, item: Article) -> Article:
        """The step run synchronously (re-cleaning stored articles)."""
        if (dropped := clean_article(item)) is not None:
            drop(self.stats, *dropped)
        return item

    async def process_item(self, item: Article) -> Article:
        if self._pool is None:  # started by the first article: a run with nothing new starts no process
            self._pool = _worker_pool(self.processes)
        pool = self._pool
        try:
            cleaned, dropped = await self._within_budget(pool, item)
        except BrokenProcessPool:  # a worker died with this article, or another one, in the pool
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            cleaned, dropped = await self._alone(item)
        if dropped is not None:
            drop(self.stats, *dropped)  # counted here, on the reactor thread: stats are not thread-safe
        return cleaned

    async def _alone(self, item: Article) -> tuple[Article, Dropped | None]:
        """Clean again in a process of its own: only the article that kills it is lost."""
        solo = _worker_pool(1)
        try:
            return await self._within_budget(solo, item)
        except BrokenProcessPool:
            drop(self.stats, "cleaner_crashed", f"{item.info_code}: the cleaning process died on it twice")
        finally:
            solo.shutdown(wait=False, cancel_futures=True)

    async def _within_budget(self, pool: ProcessPoolExecutor, item: Article) -> tuple[Article, Dropped | None]:
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(pool, self.work, item)
        # A timer rather than asyncio.wait_for: no task per article (wait_for's cost showed in the crawl bench).
        expired: list[bool] = []
        timer = loop.call_later(self.budget, lambda: expired.append(True) or work.cancel())
        try:
            return await work
        except asyncio.CancelledError:
            if not expired:
                raise
            drop(self.stats, "too_slow", f"{item.info_code}: cleaning took more than {self.budget:g} s "
                                         "(FINEWS_CLEAN_BUDGET)")
        finally:
            timer.cancel()

    def close_spider(self) -> None:
        if self._pool is not None:  # a page past its budget is not waited for
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
