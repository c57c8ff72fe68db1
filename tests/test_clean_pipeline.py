"""The clean pipeline: off the reactor thread, under a time budget, counted on the reactor thread."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from scrapy.exceptions import DropItem

import finews_crawler.pipelines.clean as clean_module
from finews_crawler.items import Article
from finews_crawler.pipelines.clean import CleanPipeline
from finews_crawler.stats import CountingStats


def _article(code: str, body: str = "<p>正文</p>") -> Article:
    return Article(code, "http://h/x", "https://finance.eastmoney.com/a/x.html", title="标题", body_raw=body)


def test_cleaning_runs_on_another_thread_and_keeps_the_reactor_free(monkeypatch):
    threads = []
    real = clean_module.clean_body
    monkeypatch.setattr(clean_module, "clean_body", lambda *a: threads.append(threading.current_thread().name)
                        or real(*a))
    pipeline = CleanPipeline(CountingStats())
    item = asyncio.run(pipeline.process_item(_article("NW202204282363799455")))
    pipeline.close_spider()
    assert item.body == "<p>正文</p>" and threads and threads[0].startswith("finews-clean")


def test_a_page_over_its_budget_is_dropped_counted_and_costs_the_others_nothing(monkeypatch):
    real = clean_module.clean_body

    def slow_for_one(markup, base):
        if "慢" in markup:
            time.sleep(2)
        return real(markup, base)

    monkeypatch.setattr(clean_module, "clean_body", slow_for_one)
    stats = CountingStats()
    pipeline = CleanPipeline(stats, budget=0.3)

    async def crawl():
        slow = asyncio.ensure_future(pipeline.process_item(_article("NW202204282363799455", "<p>慢</p>")))
        started = time.monotonic()
        fast = await pipeline.process_item(_article("NW202205302396506117"))
        fast_took = time.monotonic() - started
        with pytest.raises(DropItem, match=r"\[too_slow\] NW202204282363799455: cleaning took more than 0.3 s"):
            await slow
        return fast, fast_took

    fast, fast_took = asyncio.run(crawl())
    pipeline.close_spider()
    assert fast.body == "<p>正文</p>" and fast_took < 0.3
    assert stats.values == {"finews/dropped/too_slow": 1}


def test_unusable_bodies_are_dropped_with_their_reason():
    stats = CountingStats()
    pipeline = CleanPipeline(stats)
    for body, reason in (("<div>" * 300 + "x", "unsafe_markup"), ("<script>x</script>", "empty_body")):
        with pytest.raises(DropItem, match=rf"\[{reason}\]"):
            asyncio.run(pipeline.process_item(_article("NW202204282363799455", body)))
    pipeline.close_spider()
    assert stats.values == {"finews/dropped/unsafe_markup": 1, "finews/dropped/empty_body": 1}
