"""Clean the body markup and the plain-text fields, read the securities it names and take out its
attribution line, in worker processes and under a time budget.

Cleaning is the one expensive step per article (two HTML5 parses and the
rules).  It runs in processes of its own (`finews_crawler.runtime.processes`), so the
crawl keeps downloading while a page is cleaned and cleaning has a core of
its own: on threads it shared the reactor's GIL, and handing the GIL back
and forth cost the reactor more CPU than the cleaning itself
(bench/README.md, issue 13).  The processes start when the spider
dispatches its first article (`signals.articles_dispatched`), while its
page is fetched, not when the first item arrives.  A page is cleaned under
FINEWS_CLEAN_BUDGET seconds: one that takes longer is dropped and counted
(`finews/dropped/too_slow`), and its process is killed, so it costs the
crawl nothing but its own budget.  A worker that dies (a crash in a
parser) costs only the article it was cleaning: that article is cleaned
once more in a fresh process, and dropped as `cleaner_crashed` (counted,
and fetched again by the next run) if it kills that one too.  Every input
is already bounded and every scan linear (`cleaning.unsafe_to_clean`); the
budget is the fence behind them.  `reclean` runs the same steps
synchronously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from finews_crawler.domain.article import Dropped, clean_article, cleaned_fields
from finews_crawler.config import FinewsConfig
from finews_crawler.items import Article
from finews_crawler.signals import articles_dispatched
from finews_crawler.runtime.stats import drop
from finews_crawler.runtime.processes import OverBudget, WorkerDied, HelperPool, preload

CLEANING_PROCESSES = 2


class CleanPipeline:
    def __init__(self, stats: StatsCollector, budget: float = 10.0, processes: int = CLEANING_PROCESSES,
                 work: Callable[[Article], tuple[dict[str, Any], Dropped | None]] = cleaned_fields) -> None:
        self.stats = stats
        self.budget = budget
        self.processes = processes
        self.work = work  # module-level, so a worker can import it
        self._pool: HelperPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        pipeline = cls(crawler.stats, FinewsConfig.of(crawler).clean_budget)
        crawler.signals.connect(pipeline.start_workers, signal=articles_dispatched)
        return pipeline

    def _workers(self) -> HelperPool:
        if self._pool is None:  # started for the first article: a run with nothing new starts no process
            self._pool = HelperPool(self.processes)
        return self._pool

    def start_workers(self) -> None:
        """The first article is on its way: start the cleaning processes while its page is fetched."""
        self._workers().start(preload, self.work.__module__)

    def process_offline(self, item: Article) -> Article:
        """Cleaning in this process (re-cleaning stored articles, `pipelines.offline`)."""
        if (dropped := clean_article(item)) is not None:
            drop(self.stats, *dropped)
        return item

    async def process_item(self, item: Article) -> Article:
        pool = self._workers()
        try:
            try:
                fields, dropped = await pool.run(self.work, item, budget=self.budget)
            except WorkerDied:  # perhaps not this article's doing (the OOM killer): once more, in a fresh process
                fields, dropped = await pool.run(self.work, item, budget=self.budget)
        except OverBudget:
            drop(self.stats, "too_slow", f"{item.info_code}: cleaning took more than {self.budget:g} s "
                                         "(FINEWS_CLEAN_BUDGET)")
        except WorkerDied:
            drop(self.stats, "cleaner_crashed", f"{item.info_code}: the cleaning process died on it twice")
        for name, value in fields.items():
            setattr(item, name, value)
        if dropped is not None:
            drop(self.stats, *dropped)  # counted here, on the reactor thread: stats are not thread-safe
        return item

    async def close_spider(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
