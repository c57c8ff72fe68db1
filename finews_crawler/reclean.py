"""Re-run cleaning and rendering on the stored raw bodies, without the network.

The stored row keeps everything the spider found (raw body, feed and page
media, feeds, times), so an article rebuilt from it goes through the same
pipeline steps as a crawled one and is published the same way: a post
whose output changed is rewritten, the rest are left alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from scrapy.exceptions import DropItem

from .config import FinewsConfig
from .items import Article
from .pipelines.attribution import AttributionPipeline
from .pipelines.categorise import CategorisePipeline
from .pipelines.clean import CleanPipeline
from .pipelines.validate import ValidatePipeline
from .publish import Publisher
from .stats import CountingStats
from .storage import ArticleRow

logger = logging.getLogger(__name__)


Step = Callable[[Article], Article]


def processing_steps(config: FinewsConfig, stats: CountingStats) -> list[Step]:
    """The crawl's processing pipelines, before storage, in their order (cleaning run synchronously)."""
    return [ValidatePipeline(stats).process_item, CleanPipeline(stats).clean,  # type: ignore[arg-type]
            AttributionPipeline(stats).process_item, CategorisePipeline(config).categorise]  # type: ignore[arg-type]


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
    """Process and publish every row again; counts of updated / unchanged / dropped / export_errors."""
    counts: Counter[str] = Counter()
    for row in rows:
        item = article_from_row(row)
        try:
            for step in steps:
                item = step(item)
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
