"""Write each article to the database and the export folder.

Database and file I/O block, so they run on one writer thread of their own:
the crawl never waits on a disk, and writes reach SQLite one at a time.
The database row is written first; an export failure is counted and logged
and loses no row.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError

from ..config import FinewsConfig
from ..export import ExportError, ExportFolder
from ..items import Article
from ..jekyll import SiteLinks, post_filename, render_post
from ..stats import ARTICLES, POSTS, count_error, drop
from ..storage import ArticleStore, Outcome

logger = logging.getLogger(__name__)

POSTS_DIR = "_posts"


def row_values(item: Article, post: str, post_path: str) -> dict[str, Any]:
    """The database columns of an article."""
    return {
        "info_code": item.info_code, "title": item.title, "published_at": item.published,
        "source": item.source, "media": item.media, "page_media": item.page_media, "category": item.category, "tags": item.tags, "digest": item.digest,
        "feeds": item.feeds, "template": item.template, "url": item.url, "share_url": item.share_url,
        "body_raw": item.body_raw, "body": item.body, "post": post, "post_path": post_path,
        "fetched_at": item.fetched_at,
    }


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    post_written: bool
    export_error: str | None = None


class StorePipeline:
    def __init__(self, crawler: Crawler, config: FinewsConfig) -> None:
        self.stats = crawler.stats
        self.config = config
        self.links = SiteLinks(config.site_base)
        self.store: ArticleStore | None = None
        self.folder = ExportFolder(config.export_dir) if config.export_dir else None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finews-store")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, FinewsConfig.from_settings(crawler.settings))

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._writer, function, *args)

    async def open_spider(self) -> None:
        if self.config.database_url:
            self.store = await self._run(ArticleStore.from_url, self.config.database_url)
        if self.folder is not None:
            try:
                added = await self._run(self.folder.scaffold, "jekyll")
            except ExportError as exc:
                count_error(self.stats, "export")
                logger.error("Cannot prepare the export folder: %s", exc)
            else:
                if added:
                    logger.info("Added Jekyll starter files to %s: %s", self.folder.root, ", ".join(added))
        if self.store is None and self.folder is None:
            logger.warning("Both stores are off (FINEWS_STORE_DATABASE, FINEWS_STORE_EXPORT): articles are not kept")

    async def close_spider(self) -> None:
        if self.store is not None:
            await self._run(self.store.close)
        self._writer.shutdown(wait=True)

    def _write(self, item: Article) -> Stored:
        """Runs on the writer thread: database first, then the post file."""
        post = render_post(item, self.links)
        path = f"{POSTS_DIR}/{post_filename(item.info_code, item.published)}"  # type: ignore[arg-type]
        outcome = self.store.upsert(row_values(item, post, path)) if self.store else Outcome("new")
        if self.folder is None or (outcome.status == "unchanged" and self.folder.exists(path)):
            return Stored(outcome, post_written=False)
        try:
            self.folder.write(path, post)
            if outcome.previous_post_path:
                self.folder.remove(outcome.previous_post_path)
        except ExportError as exc:
            return Stored(outcome, post_written=False, export_error=str(exc))
        return Stored(outcome, post_written=True)

    async def process_item(self, item: Article) -> Article:
        try:
            stored: Stored = await self._run(self._write, item)
        except SQLAlchemyError as exc:
            count_error(self.stats, "database")
            drop(self.stats, "not_stored", f"{item.info_code}: database write failed: {exc.__class__.__name__}: {exc}")
        self.stats.inc_value(ARTICLES + stored.outcome.status)
        if stored.post_written:
            self.stats.inc_value(POSTS + "written")
        if stored.export_error:
            count_error(self.stats, "export")
            logger.error("%s: stored in the database, but the post was not exported: %s",
                         item.info_code, stored.export_error)
        return item
