"""Publish an article: its database row first, then its post file and category page.

Both the crawl's store pipeline and the re-clean command publish through
here, so a post is written the same way whoever writes it.  The database
row is the source of truth: an export failure is reported and loses no row.
Every call blocks (database, disk); callers run it off the reactor thread,
the crawl in a writer process of its own (`publish_in_writer`).
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from finews_crawler.outputs.folder import ExportError, ExportFolder
from finews_crawler.items import Article
from finews_crawler.outputs.jekyll import (PostSource, SiteLinks, category_page_path, category_title, post_filename,
                     render_category_page, render_post, render_security_page, security_page_path)
from finews_crawler.outputs.rotation import POSTS_DIR, Rotation, archived
from finews_crawler.storage.database import ArticleRow, ArticleStore, Outcome


def row_values(item: Article, post: str, post_path: str) -> dict[str, Any]:
    """The database columns of an article."""
    return {
        "info_code": item.info_code, "title": item.title, "original_title": item.original_title,
        "published_at": item.published,
        "source": item.source, "media": item.media, "page_media": item.page_media, "category": item.category,
        "tags": item.tags, "digest": item.digest, "feeds": item.feeds, "stock_list": item.stock_list,
        "template": item.template, "url": item.url,
        "share_url": item.share_url, "body_raw": item.body_raw, "body": item.body, "post": post,
        "post_path": post_path, "fetched_at": item.fetched_at,
        "securities": [security.to_dict() for security in item.securities],  # the link table's rows (storage.py)
    }


@dataclass(frozen=True)
class Published:
    outcome: Outcome
    post_written: bool
    export_error: str | None = None


class Publisher:
    """Writes articles to the store and/or the export folder (either may be off)."""

    def __init__(self, store: ArticleStore | None, folder: ExportFolder | None, links: SiteLinks,
                 rotation: Rotation | None = None) -> None:
        self.store = store
        self.folder = folder
        self.links = links
        self.rotation = rotation
        self._category_pages: set[str] = set()
        self._security_pages: set[str] = set()

    def publish(self, item: Article) -> Published:
        """Publish one article; a database error is raised."""
        result = self.publish_many([item])[0]
        if isinstance(result, SQLAlchemyError):
            raise result
        return result

    def publish_many(self, items: list[Article]) -> list[Published | SQLAlchemyError]:
        """Publish a batch: its rows in one transaction, then its post files; one result per item.

        A batch the database refuses is retried item by item, so one bad row
        costs only itself (its result is the error).
        """
        posts = [(render_post(item, self.links), f"{POSTS_DIR}/{post_filename(item.info_code, item.published)}")
                 for item in items]  # type: ignore[arg-type]
        values = [{**row_values(item, post, path), "post_exported": self.folder is None}
                  for item, (post, path) in zip(items, posts)]
        results: list[Published | SQLAlchemyError] = []
        exported = []
        for item, (post, path), outcome in zip(items, posts, self._upsert(values)):
            if isinstance(outcome, SQLAlchemyError):
                results.append(outcome)
                continue
            published = self._export(item, post, path, outcome)
            if published.post_written:
                exported.append(item.info_code)
            results.append(published)
        if self.store and exported:
            self.store.mark_exported(exported)
        return results

    def _upsert(self, values: list[dict[str, Any]]) -> list[Outcome | SQLAlchemyError]:
        if self.store is None:
            return [Outcome("new") for _ in values]
        try:
            return list(self.store.upsert_many(values))
        except SQLAlchemyError as exc:
            if len(values) == 1:
                return [exc]
        outcomes: list[Outcome | SQLAlchemyError] = []
        for one in values:
            try:
                outcomes.append(self.store.upsert(one))
            except SQLAlchemyError as exc:
                outcomes.append(exc)
        return outcomes

    def _export(self, item: Article, post: str, path: str, outcome: Outcome) -> Published:
        if self.folder is None or (outcome.status == "unchanged" and self._post_exists(path)):
            return Published(outcome, post_written=False)
        try:
            self.write_post(path, post, outcome.previous_post_path)
            self.ensure_pages(item)
        except ExportError as exc:
            return Published(outcome, post_written=False, export_error=str(exc))
        return Published(outcome, post_written=True)

    def repair(self) -> tuple[list[str], list[str]]:
        """Write the posts of rows a killed run stored but never exported: (repaired, still failing) infoCodes.

        One row whose post cannot be written does not stop the others.
        """
        if self.store is None or self.folder is None:
            return [], []
        repaired, failed = [], []
        for row in self.store.unexported():
            try:
                self.export_row(row)
            except ExportError as exc:
                failed.append(f"{row.info_code} ({exc})")
                continue
            repaired.append(row.info_code)
        self.store.mark_exported(repaired)
        return repaired, failed

    def export_row(self, row: ArticleRow) -> bool:
        """Write a stored row's post as stored, and its category page; False if the post was already so."""
        written = self.write_post(row.post_path, row.post)
        self.ensure_pages(row)
        return written

    def _post_exists(self, path: str) -> bool:
        assert self.folder is not None
        twin = archived(self.rotation, path)
        return self.folder.exists(path) or (twin is not None and self.folder.exists(twin))

    def write_post(self, path: str, post: str, replaces: str | None = None) -> bool:
        """Write a post under `_posts/` (dropping its rotated and renamed copies); False if it was already so."""
        assert self.folder is not None
        unchanged = self.folder.read(path) == post
        if not unchanged:
            self.folder.write(path, post)
        stale = [archived(self.rotation, path)]
        if replaces:
            stale += [replaces, archived(self.rotation, replaces)]
        for other in stale:
            if other and other != path:
                self.folder.remove(other)
        return not unchanged

    def ensure_pages(self, post: PostSource) -> None:
        """Write the post's `category/{slug}.html` and a `stock/{symbol}.html` per security it names, each once;
        an existing page (perhaps edited) is kept."""
        self._ensure(self._category_pages, post.category, category_page_path(post.category),
                     lambda: render_category_page(post.category, category_title(post)))
        for security in post.securities:
            self._ensure(self._security_pages, security.symbol, security_page_path(security.symbol),
                         lambda: render_security_page(security))

    def _ensure(self, done: set[str], key: str, path: str, render: Callable[[], str]) -> None:
        assert self.folder is not None
        if key in done:
            return
        if not self.folder.exists(path):
            self.folder.write(path, render())
        done.add(key)


@dataclass(frozen=True)
class Target:
    """Where a writer process publishes: what it needs to open its own store and folder."""

    database_url: str
    export_dir: Path | None
    links: SiteLinks
    rotation: Rotation | None


@dataclass(frozen=True)
class NotStored:
    """A database error, as text: a driver's exception need not survive the trip between processes."""

    error: str


@cache
def _publisher(target: Target) -> Publisher:
    """The writer process's publisher for `target`, opened by its first batch and closed when the process ends."""
    store = ArticleStore.acquire(target.database_url) if target.database_url else None
    if store is not None:
        atexit.register(store.release)
    folder = ExportFolder(target.export_dir) if target.export_dir is not None else None
    return Publisher(store, folder, target.links, target.rotation)


def publish_in_writer(target: Target, items: list[Article]) -> list[Published | NotStored]:
    """`Publisher.publish_many` run in a writer process (`finews_crawler.runtime.processes`)."""
    return [NotStored(f"{result.__class__.__name__}: {result}") if isinstance(result, SQLAlchemyError) else result
            for result in _publisher(target).publish_many(items)]
