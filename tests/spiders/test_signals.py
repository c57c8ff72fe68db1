"""`articles_dispatched`: the spider sends it with its first article request, and the pipelines start their processes on it."""

from __future__ import annotations

import asyncio

import pytest
from helpers import child_pids, crawler_with

from finews_crawler.pipelines.clean import CleanPipeline
from finews_crawler.pipelines.store import StorePipeline
from finews_crawler.signals import articles_dispatched
from finews_crawler.sources.feeds import FeedEntry
from finews_crawler.spiders.finews import FinewsSpider


def _crawler(tmp_path, **settings):
    return crawler_with(FinewsSpider, FINEWS_API_BASE="http://127.0.0.1:9", FINEWS_EXPORT_DIR=str(tmp_path / "site"),
                          **settings)


def test_the_spider_sends_it_once_with_its_first_article_request_and_never_without_one(tmp_path):
    crawler = _crawler(tmp_path)
    spider = FinewsSpider.from_crawler(crawler)
    sent = []

    def receiver() -> None:  # held here: Scrapy's signals keep only weak references
        sent.append(len(spider.holding.dispatched))

    crawler.signals.connect(receiver, signal=articles_dispatched)

    async def dispatch():
        assert await spider._dispatch([]) == [] and sent == []
        first = await spider._dispatch([FeedEntry("NW202204282363799455")])
        second = await spider._dispatch([FeedEntry("NW202204282363799456")])
        return first + second

    requests = asyncio.run(dispatch())
    assert len(requests) == 2 and sent == [0]  # once, before the first request went out


@pytest.mark.parametrize("pipeline, processes", [(CleanPipeline, 2), (StorePipeline, 1)])
def test_a_pipeline_starts_its_processes_and_their_first_costs_on_it_before_any_item(tmp_path, pipeline, processes):
    crawler = _crawler(tmp_path, FINEWS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    async def crawl():
        before = child_pids()
        component = pipeline.from_crawler(crawler)
        assert child_pids() == before  # nothing before the signal
        crawler.signals.send_catch_log(signal=articles_dispatched)
        pool = component._pool if pipeline is CleanPipeline else component._writer
        answers = await pool._starting  # the start the signal began
        started = child_pids() - before
        await pool.close()
        return started, answers

    started, answers = asyncio.run(crawl())
    assert len(started) == processes
    assert answers == [None] * processes if pipeline is CleanPipeline else answers == [[]]  # nothing failed
    if pipeline is StorePipeline:  # the writer opened the database (an empty batch) before any article
        assert (tmp_path / "db.sqlite3").exists()
