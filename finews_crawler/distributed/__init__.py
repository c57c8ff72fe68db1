"""Distributed crawling on scrapy-redis: one shared queue, one shared database.

Setting `FINEWS_REDIS_URL` turns it on (the `DistributedAddon` below
switches Scrapy's scheduler and dupefilter).  One process per job is the
coordinator (`FINEWS_ROLE=coordinator`, the default): it reads the feeds,
merges their entries and puts one share-page request per new article into
the shared queue, and fetches from that queue itself.  Any number of
workers (`FINEWS_ROLE=worker`) only fetch from the queue.  See
`scheduler.py` for how a job starts, ends and is resumed.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings


def key_prefix(settings: BaseSettings) -> str:
    return str(settings.get("FINEWS_REDIS_PREFIX") or "finews")


class DistributedAddon:
    """Scrapy addon: with FINEWS_REDIS_URL, use the Redis scheduler the safe way."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("FINEWS_REDIS_URL")
        if not url:
            return
        prefix = key_prefix(settings)
        for name, value in {
            "SCHEDULER": "finews_crawler.distributed.scheduler.RedisScheduler",
            "DUPEFILTER_CLASS": "finews_crawler.distributed.scheduler.RedisDupeFilter",
            # Never flush the shared queue when one process finishes (scrapy-redis's default).
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_SERIALIZER": "finews_crawler.distributed.serializer",
            "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
            "REDIS_URL": url,
        }.items():
            settings.set(name, value, priority="addon")
