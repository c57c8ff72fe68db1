"""Write each article to the database and the export folder (`finews_crawler.outputs.publish`).

Articles are written by a writer process of its own (`finews_crawler.runtime.processes`,
started, and its stores opened, when the spider dispatches its first
article, while that page is fetched: a run with nothing new starts none):
the crawl never waits on a disk, rendering and the database driver do not
take the reactor's CPU (on a thread they held its GIL for about a tenth of
the crawl, bench/README.md), and writes reach the database one batch at a
time.  Items are written in batches (up to BATCH_SIZE, or whatever arrived
within BATCH_DELAY, or at once when nothing else is on its way: the end of
a run): one transaction per batch instead of per article (a 50 ms batch of
2-3 articles cost a quarter more CPU per article than a 300 ms one).  The
database row is written first; an export failure is counted and logged and
loses no row.  The run's once-only steps (preparing the export folder,
repairing a killed run's posts, rotation) run on a thread of the crawl;
rotation after the writer has finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler

from finews_crawler.config import FinewsConfig
from finews_crawler.outputs.folder import ExportError, ExportFolder
from finews_crawler.items import Article
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import NotStored, Published, Publisher, Target, publish_in_writer
from finews_crawler.outputs.rotation import rotate
from finews_crawler.signals import articles_dispatched
from finews_crawler.runtime.stats import ARTICLES, POSTS, count_error, drop
from finews_crawler.storage.database import ArticleStore
from finews_crawler.runtime.processes import HelperPool

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
BATCH_DELAY = 0.3  # seconds an item waits for others to share its transaction


class StorePipeline:
    stores = True  # re-cleaning stored articles publishes them itself (`pipelines.offline`)

    def __init__(self, crawler: Crawler, config: FinewsConfig) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.folder = ExportFolder(config.export_dir) if config.export_dir else None
        self.publisher = Publisher(None, self.folder, SiteLinks(config.links_base), config.rotation)
        self.target = Target(config.database_url, config.export_dir, self.publisher.links, config.rotation)
        self._steps = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finews-store")
        self._writer: HelperPool | None = None
        self._batch: list[tuple[Article, asyncio.Future[Published | NotStored]]] = []
        self._writing = 0  # items handed to the writer and not yet settled
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, FinewsConfig.of(crawler))
        crawler.signals.connect(pipeline.start_writer, signal=articles_dispatched)
        return pipeline

    def _writer_pool(self) -> HelperPool:
        if self._writer is None:  # started for the first article: a run with nothing new starts no process
            self._writer = HelperPool(1)
        return self._writer

    def start_writer(self) -> None:
        """The first article is on its way: start the writer process and open its stores (an empty
        batch) while the page is fetched, so the first batch pays only for its writes."""
        self._writer_pool().start(publish_in_writer, self.target, [])

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._steps, function, *args)

    async def open_spider(self) -> None:
        if self.config.database_url:
            self.publisher.store = await self._run(ArticleStore.acquire, self.config.database_url)
        if self.folder is not None:
            await self._export_step("prepare the export folder", self._scaffold)
            if self.config.run_lock:
                await self._export_step("export the posts a killed run left out", self._repair)
        if self.publisher.store is None and self.folder is None:
            logger.warning("Both stores are off (FINEWS_STORE_DATABASE, FINEWS_STORE_EXPORT): articles are not kept")

    async def close_spider(self) -> None:
        if self._writer is not None:
            await self._writer.close()
        if self.folder is not None and self.config.rotation is not None:
            await self._export_step("rotate old posts", self._rotate)
        if self.publisher.store is not None:
            await self._run(self.publisher.store.release)
        self._steps.shutdown(wait=True)

    async def _export_step(self, what: str, step: Callable[[], None]) -> None:
        try:
            await self._run(step)
        except ExportError as exc:
            count_error(self.stats, "export")
            logger.error("Cannot %s: %s", what, exc)

    def _scaffold(self) -> None:
        assert self.folder is not None
        if self.config.run_lock and (swept := self.folder.sweep_temporary()):
            logger.warning("Removed %d temporary files a killed run left in %s", swept, self.folder.root)
        added = self.folder.scaffold("jekyll", self.config.site_url)
        if added:
            logger.info("Added Jekyll starter files to %s: %s", self.folder.root, ", ".join(added))

    def _flush(self) -> None:
        """Hand the waiting items to the writer process as one batch."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        batch_written = self._writer_pool().run(publish_in_writer, self.target, [item for item, _ in batch])
        written = asyncio.ensure_future(batch_written)
        self._writing += len(batch)

        def settle(done: asyncio.Future[list[Published | NotStored]]) -> None:
            self._writing -= len(batch)
            error = done.exception()
            for index, (_, future) in enumerate(batch):
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(done.result()[index])

        written.add_done_callback(settle)

    def _last_on_its_way(self) -> bool:
        """Nothing is downloading, queued or processed ahead of this stage: no article can join the
        batch soon, so waiting BATCH_DELAY would only make a run's last (or a small run's only) ones later."""
        engine = self.crawler.engine
        slot = engine.scraper.slot
        if slot is None or engine.downloader.active or slot.queue:
            return False
        if slot.itemproc_size > len(self._batch) + self._writing:  # items still on their way to this stage
            return False
        scheduler = engine.scheduler  # asked last: scrapy-redis's asks Redis
        return scheduler is None or not scheduler.has_pending_requests()

    def _repair(self) -> None:
        repaired, failed = self.publisher.repair()
        self.stats.set_value(POSTS + "repaired", len(repaired))
        for failure in failed:
            count_error(self.stats, "export")
            logger.error("Cannot write the post of a stored article: %s", failure)
        if repaired:
            logger.warning("Wrote %d posts a previous run stored but did not export: %s", len(repaired),
                           ", ".join(repaired[:10]) + (" …" if len(repaired) > 10 else ""))

    def _rotate(self) -> None:
        assert self.folder is not None and self.config.rotation is not None
        moved = rotate(self.folder, self.config.rotation, datetime.now(UTC))
        self.stats.set_value(POSTS + "rotated", len(moved))
        if moved:
            logger.info("Moved %d posts older than %d days to %s", len(moved), self.config.rotation.days,
                        self.config.rotation.archive)

    async def process_item(self, item: Article) -> Article:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Published | NotStored] = loop.create_future()
        self._batch.append((item, future))
        if len(self._batch) >= BATCH_SIZE or self._last_on_its_way():
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(BATCH_DELAY, self._flush)
        published = await future
        if isinstance(published, NotStored):
            count_error(self.stats, "database")
            drop(self.stats, "not_stored", f"{item.info_code}: database write failed: {published.error}")
        self.stats.inc_value(ARTICLES + published.outcome.status)
        if published.post_written:
            self.stats.inc_value(POSTS + "written")
        if published.export_error:
            count_error(self.stats, "export")
            logger.error("%s: stored in the database, but the post was not exported: %s",
                         item.info_code, published.export_error)
        return item
