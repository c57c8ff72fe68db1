"""The clean pipeline: in worker processes, under a time budget, counted on the reactor thread."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from cleaning_workers import cleaned_with_pid, dies_when_marked, slow_when_marked
from scrapy.exceptions import DropItem

from finews_crawler.items import Article
from finews_crawler.pipelines.clean import CleanPipeline
from finews_crawler.runtime.stats import RETRYABLE_DROPS, CountingStats
from helpers import REPO


def _article(code: str, body: str = "<p>正文</p>") -> Article:
    return Article(code, "http://h/x", "https://finance.eastmoney.com/a/x.html", title="标题", body_raw=body)


def _run(pipeline: CleanPipeline, *items: Article) -> list[Article | BaseException]:
    async def crawl() -> list[Article | BaseException]:
        try:
            return await asyncio.gather(*(pipeline.process_item(item) for item in items), return_exceptions=True)
        finally:
            await asyncio.wait_for(pipeline.close_spider(), 10)

    return asyncio.run(crawl())


def test_cleaning_runs_in_another_process_and_the_cleaned_item_comes_back():
    [item] = _run(CleanPipeline(CountingStats(), work=cleaned_with_pid), _article("NW202204282363799455",
                                                                                 '<p>正文<script>x</script></p>'))
    assert item.body == "<p>正文</p>" and item.title == "标题"
    assert item.source.isdigit() and int(item.source) != os.getpid()


def test_a_run_that_cleans_nothing_starts_no_process():
    pipeline = CleanPipeline(CountingStats())
    asyncio.run(pipeline.close_spider())
    assert pipeline._pool is None


def test_a_page_over_its_budget_is_dropped_counted_its_process_killed_and_costs_the_others_nothing():
    stats = CountingStats()
    pipeline = CleanPipeline(stats, budget=1.0, work=slow_when_marked)

    async def crawl():
        try:
            await pipeline.process_item(_article("NW202205302396506118"))  # workers up before the clock matters
            slow = asyncio.ensure_future(pipeline.process_item(_article("NW202204282363799455", "<p>慢</p>")))
            started = time.monotonic()
            fast = await pipeline.process_item(_article("NW202205302396506117"))
            fast_took = time.monotonic() - started
            with pytest.raises(DropItem, match=r"\[too_slow\] NW202204282363799455: cleaning took more than 1 s"):
                await slow
            slow_took = time.monotonic() - started
            after = await pipeline.process_item(_article("NW202205302396506119"))  # a fresh process stands in
        finally:
            await asyncio.wait_for(pipeline.close_spider(), 10)
        return fast, fast_took, slow_took, after

    fast, fast_took, slow_took, after = asyncio.run(crawl())
    assert fast.body == "<p>正文</p>" and fast_took < 1.0
    assert slow_took < 5  # the page sleeps 60 s: its process was killed at the budget, not waited for
    assert after.body == "<p>正文</p>"
    assert stats.values == {"finews/dropped/too_slow": 1}


def test_a_dying_worker_costs_only_the_article_that_kills_it_which_is_fetched_again():
    stats = CountingStats()
    pipeline = CleanPipeline(stats, processes=2, work=dies_when_marked)
    innocent, culprit = _run(pipeline, _article("NW202205302396506117"), _article("NW202204282363799455", "<p>崩</p>"))
    assert innocent.body == "<p>正文</p>"
    assert isinstance(culprit, DropItem) and "[cleaner_crashed] NW202204282363799455" in str(culprit)
    assert stats.values == {"finews/dropped/cleaner_crashed": 1}
    assert "cleaner_crashed" in RETRYABLE_DROPS
    # and the next article gets a working pool
    [after] = _run(pipeline, _article("NW202205302396506119"))
    assert after.body == "<p>正文</p>"


def test_unusable_bodies_are_dropped_with_their_reason():
    stats = CountingStats()
    results = _run(CleanPipeline(stats), _article("NW202204282363799455", "<div>" * 300 + "x"),
                   _article("NW202205302396506117", "<script>x</script>"))
    assert [str(r).split("]")[0] + "]" for r in results] == ["[unsafe_markup]", "[empty_body]"]
    assert stats.values == {"finews/dropped/unsafe_markup": 1, "finews/dropped/empty_body": 1}


KILLED_CRAWL = textwrap.dedent("""
    import asyncio, sys, time
    sys.path.insert(0, {tests!r})
    from cleaning_workers import cleaned_with_pid
    from finews_crawler.items import Article
    from finews_crawler.pipelines.clean import CleanPipeline
    from finews_crawler.runtime.stats import CountingStats
    pipeline = CleanPipeline(CountingStats(), work=cleaned_with_pid)


    async def crawl():
        item = await pipeline.process_item(Article("NW202204282363799455", "u", "s", body_raw="<p>x</p>"))
        print(item.source, flush=True)
        time.sleep(120)

    asyncio.run(crawl())
""")


def test_a_crawl_killed_outright_takes_its_cleaning_processes_with_it():
    crawl = subprocess.Popen([sys.executable, "-c", KILLED_CRAWL.format(tests=str(REPO / "tests"))],
                             stdout=subprocess.PIPE)
    worker = int(crawl.stdout.readline())
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the cleaning process outlived the crawl that started it")
    assert crawl.stdout.read() == b""  # nothing holds the crawl's output open any more (cron would wait on it)
