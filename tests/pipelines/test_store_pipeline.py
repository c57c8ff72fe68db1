"""The store pipeline: batches written by a writer process, its outcomes counted on the reactor thread."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import text
from helpers import crawler_with

from finews_crawler.pipelines.store import StorePipeline
from finews_crawler.storage.database import ArticleStore
from helpers import sample_article


def _engine(downloading: int = 0, in_pipelines: int = 1, queued: bool = False) -> SimpleNamespace:
    """The parts of Scrapy's engine the store pipeline reads to tell whether more articles are on their way."""
    return SimpleNamespace(downloader=SimpleNamespace(active=set(range(downloading))),
                           scraper=SimpleNamespace(slot=SimpleNamespace(queue=[], itemproc_size=in_pipelines)),
                           scheduler=SimpleNamespace(has_pending_requests=lambda: queued))


def _pipeline(tmp_path) -> StorePipeline:
    """The pipeline in a crawl that is still downloading (so its batches wait for BATCH_DELAY)."""
    crawler = crawler_with(FINEWS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                           FINEWS_EXPORT_DIR=str(tmp_path / "site"))
    crawler.engine = _engine(downloading=1)
    return StorePipeline.from_crawler(crawler)


def _crawl(pipeline: StorePipeline, *items, before=None) -> list:
    async def crawl():
        await pipeline.open_spider()
        if before:
            before()
        try:
            return await asyncio.gather(*(pipeline.process_item(item) for item in items), return_exceptions=True)
        finally:
            await asyncio.wait_for(pipeline.close_spider(), 30)

    return asyncio.run(crawl())


def _codes(n: int) -> list[str]:
    return [f"NW20220428236379945{i}" for i in range(n)]


def test_articles_reach_the_database_and_the_export_folder_through_the_writer_process(tmp_path):
    pipeline = _pipeline(tmp_path)
    items = [sample_article(info_code=code) for code in _codes(3)]
    assert _crawl(pipeline, *items) == items
    store = ArticleStore.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        assert sorted(row.info_code for row in store.rows()) == _codes(3)
    finally:
        store.close()
    assert len(list((tmp_path / "site" / "_posts").glob("*.md"))) == 3
    assert pipeline.stats.get_value("finews/articles/new") == 3
    assert pipeline.stats.get_value("finews/posts/written") == 3


def test_a_run_with_nothing_to_store_starts_no_writer_process(tmp_path):
    pipeline = _pipeline(tmp_path)
    _crawl(pipeline)
    assert pipeline._writer is None


def test_a_row_the_database_refuses_is_dropped_as_not_stored_and_its_batch_mates_are_kept(tmp_path):
    pipeline = _pipeline(tmp_path)

    def refuse_one() -> None:
        store = ArticleStore.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        with store.engine.begin() as connection:
            connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = '拒' "
                                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        store.close()

    good, refused = (sample_article(info_code=code) for code in _codes(2))
    good_result, refused_result = _crawl(pipeline, good, replace(refused, title="拒"), before=refuse_one)
    assert good_result is good
    assert isinstance(refused_result, DropItem)
    assert "[not_stored]" in str(refused_result) and "refused by the test" in str(refused_result)
    assert pipeline.stats.get_value("finews/dropped/not_stored") == 1
    assert pipeline.stats.get_value("finews/errors/database") == 1
    assert pipeline.stats.get_value("finews/articles/new") == 1


@pytest.mark.parametrize("engine, waits", [
    (_engine(), False),  # the run's last article: written at once
    (_engine(downloading=3), True),  # pages still downloading: the batch waits for them
    (_engine(in_pipelines=2), True),  # another article still being cleaned
    (_engine(queued=True), True),  # requests still queued
])
def test_a_batch_waits_for_more_articles_only_while_more_are_on_their_way(tmp_path, engine, waits):
    pipeline = _pipeline(tmp_path)
    pipeline.crawler.engine = engine

    async def crawl():
        await pipeline.open_spider()
        try:
            stored = asyncio.ensure_future(pipeline.process_item(sample_article(info_code=_codes(1)[0])))
            await asyncio.sleep(0)
            waiting = len(pipeline._batch)
            await stored
            return waiting
        finally:
            await asyncio.wait_for(pipeline.close_spider(), 30)

    assert asyncio.run(crawl()) == (1 if waits else 0)


def test_the_last_article_goes_at_once_while_the_batch_before_it_is_still_being_written(tmp_path):
    pipeline = _pipeline(tmp_path)
    first, last = (sample_article(info_code=code) for code in _codes(2))

    async def crawl():
        await pipeline.open_spider()
        try:
            written = asyncio.ensure_future(pipeline.process_item(first))
            await asyncio.sleep(0)
            pipeline._flush()  # the first article's batch is with the writer
            pipeline.crawler.engine = _engine(in_pipelines=2)  # and nothing but the two is left
            stored = asyncio.ensure_future(pipeline.process_item(last))
            await asyncio.sleep(0)
            waiting = len(pipeline._batch)
            await asyncio.gather(written, stored)
            return waiting
        finally:
            await asyncio.wait_for(pipeline.close_spider(), 30)

    assert asyncio.run(crawl()) == 0
