"""The store pipeline: batches written by a writer process, its outcomes counted on the reactor thread."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import text
from helpers import crawler_with
from test_publish import article

from finews_crawler.pipelines.store import StorePipeline
from finews_crawler.storage import ArticleStore


def _pipeline(tmp_path) -> StorePipeline:
    return StorePipeline.from_crawler(crawler_with(FINEWS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                                   FINEWS_EXPORT_DIR=str(tmp_path / "site")))


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
    items = [article(info_code=code) for code in _codes(3)]
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

    good, refused = (article(info_code=code) for code in _codes(2))
    good_result, refused_result = _crawl(pipeline, good, replace(refused, title="拒"), before=refuse_one)
    assert good_result is good
    assert isinstance(refused_result, DropItem)
    assert "[not_stored]" in str(refused_result) and "refused by the test" in str(refused_result)
    assert pipeline.stats.get_value("finews/dropped/not_stored") == 1
    assert pipeline.stats.get_value("finews/errors/database") == 1
    assert pipeline.stats.get_value("finews/articles/new") == 1
