"""The categorise pipeline: the pinyin dictionary loads in a thread, and only for an article filed under its media."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from helpers import crawler_with

from finews_crawler.items import Article
from finews_crawler.pipelines import categorise as module
from finews_crawler.pipelines.categorise import CategorisePipeline


def _article(code: str, media: str, feeds: list[str]) -> Article:
    item = Article(code, "http://h/x", "https://finance.eastmoney.com/a/x.html", media=media, feeds=feeds)
    item.source = media or "上海证券报"
    return item


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The threads the pipeline loaded the dictionary on (each load a slow one)."""
    threads: list[str] = []

    def load() -> None:
        threads.append(threading.current_thread().name)
        time.sleep(0.3)

    monkeypatch.setattr(module, "load_dictionary", load)
    return threads


def _pipeline() -> CategorisePipeline:
    return CategorisePipeline.from_crawler(crawler_with())


def test_the_first_media_article_loads_the_dictionary_once_in_a_thread_while_the_loop_goes_on(loads):
    pipeline = _pipeline()

    async def crawl() -> tuple[list[Article], int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        running = asyncio.ensure_future(ticker())
        items = await asyncio.gather(*(pipeline.process_item(_article(f"NW{n}", "央行网站", ["media"])) for n in range(3)))
        running.cancel()
        return items, ticks

    items, ticks = asyncio.run(crawl())
    assert [item.category for item in items] == ["yanghangwangzhan"] * 3 and items[0].tags == ["央行网站新闻"]
    assert len(loads) == 1 and loads[0] != threading.main_thread().name
    assert ticks >= 10  # the loop ran on through the 0.3 s load


def test_roll_only_articles_never_load_the_dictionary(loads):
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(_article("NW1", "", ["roll"])))
    assert (item.category, item.tags, loads) == ("emnews", ["东财滚动新闻"], [])
