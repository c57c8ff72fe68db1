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

from dataclasses import astuple, dataclass

from scrapy.settings import BaseSettings

from finews_crawler.config import FinewsConfig


@dataclass(frozen=True)
class JobKeys:
    """The Redis keys of one job (`FINEWS_REDIS_PREFIX`)."""

    requests: str
    dupefilter: str
    coordinator: str
    finished: str  # when the last coordinator finished its job (Unix time), for workers that missed it

    @classmethod
    def of(cls, prefix: str) -> JobKeys:
        return cls(f"{prefix}:requests", f"{prefix}:dupefilter", f"{prefix}:coordinator", f"{prefix}:finished")

    def all(self) -> tuple[str, ...]:
        return astuple(self)


class DistributedAddon:
    """Scrapy addon: with FINEWS_REDIS_URL, use the Redis scheduler the safe way."""

    def update_settings(self, settings: BaseSettings) -> None:
        config = FinewsConfig.from_settings(settings)
        if not config.redis_url:
            return
        keys = JobKeys.of(config.redis_prefix)
        for name, value in {
            "SCHEDULER": "finews_crawler.distributed.scheduler.RedisScheduler",
            "DUPEFILTER_CLASS": "finews_crawler.distributed.scheduler.RedisDupeFilter",
            # Never flush the shared queue when one process finishes (scrapy-redis's default).
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_SERIALIZER": "finews_crawler.distributed.serializer",
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "REDIS_URL": config.redis_url,
        }.items():
            settings.set(name, value, priority="addon")
