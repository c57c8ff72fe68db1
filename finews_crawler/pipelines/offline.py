"""The configured item pipelines run over stored articles, without a crawl (`scrapy reclean`).

The stored row keeps everything the spider found (raw body, feed and page
media, feeds, times), so an article rebuilt from it goes through the same
pipelines as a crawled one, `ITEM_PIPELINES` in their order (a pipeline
added there is run too), and is published the same way: a post whose
output changed is rewritten, the rest are left alone.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from scrapy.exceptions import DropItem

from scrapy.crawler import Crawler
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object

from finews_crawler.items import Article
from finews_crawler.outputs.publish import Publisher
from finews_crawler.storage.database import ArticleRow

logger = logging.getLogger(__name__)


Step = Callable[[Article], Any]


def processing_steps(crawler: Crawler) -> list[Step]:
    """The crawler's ITEM_PIPELINES in their order, each as a step over one article.

    The pipeline that stores (`stores = True`) is left out: the caller
    publishes each article itself.  A pipeline's `process_offline`, where it
    has one, is its form for this: cleaning in this process, the pinyin
    dictionary loaded at once.  Any other pipeline's `process_item` is run
    as is (a coroutine is awaited).
    """
    steps: list[Step] = []
    for path in build_component_list(crawler.settings.getwithbase("ITEM_PIPELINES")):
        cls = load_object(path)
        if getattr(cls, "stores", False):
            continue
        pipeline = build_from_crawler(cls, crawler)
        steps.append(getattr(pipeline, "process_offline", None) or pipeline.process_item)
    return steps


def article_from_row(row: ArticleRow) -> Article:
    """The article as the spider handed it over, from what was stored.

    Rows stored before migration 0002 have no feed or page media: their stored
    source stands in for the page's, so it stays unless the body names one.
    """
    page_media = row.page_media or ("" if row.media else row.source)
    return Article(
        info_code=row.info_code, url=row.url, share_url=row.share_url, title=row.title,
        original_title=row.original_title or "",
        published=row.published_at, media=row.media, page_media=page_media, digest=row.digest,
        feeds=list(row.feeds), stock_list=list(row.stock_list or []), template=row.template, body_raw=row.body_raw,
        fetched_at=row.fetched_at,
    )


def reclean(rows: Iterable[ArticleRow], steps: Sequence[Step], publisher: Publisher) -> Counter[str]:
    """Process and publish every row again; counts of updated / unchanged / dropped / export_errors.

    One event loop serves every row, so a pipeline whose `process_item` is
    a coroutine keeps what it holds on the loop (a client session) from one
    article to the next, as in a crawl.
    """
    return asyncio.run(_reclean(rows, steps, publisher))


async def _reclean(rows: Iterable[ArticleRow], steps: Sequence[Step], publisher: Publisher) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        item = article_from_row(row)
        try:
            for step in steps:
                item = step(item)
                if inspect.isawaitable(item):
                    item = await item
        except DropItem as exc:
            counts["dropped"] += 1
            logger.warning("%s: kept as stored, cleaning it again drops it: %s", row.info_code, exc)
            continue
        published = publisher.publish(item)
        counts[published.outcome.status] += 1
        if published.export_error:
            counts["export_errors"] += 1
            logger.error("%s: updated in the database, but the post was not exported: %s",
                         row.info_code, published.export_error)
    return counts
