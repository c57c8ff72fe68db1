"""`scrapy resetjob [--force]`: drop the shared Redis queue and fingerprints of this job.

Nothing clears them by accident (no process flushes the queue when it
finishes); this is the deliberate way, e.g. after changing the source or to
abandon a backfill.  It refuses while a coordinator is running, unless
--force.  Stored articles are not touched: the next run starts a new job.
"""

from __future__ import annotations

import argparse


from finews_crawler.cli import FinewsCommand, fault, masked, usage_error
from finews_crawler.config import FinewsConfig
from finews_crawler.distributed import JobKeys


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "[--force]"

    def short_desc(self) -> str:
        return "Clear the shared Redis queue and request fingerprints (distributed mode)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--force", action="store_true", help="even while a coordinator is running")

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        if not config.redis_url:
            usage_error("resetjob clears the Redis queue: set FINEWS_REDIS_URL")
        from redis import Redis
        from redis.exceptions import RedisError

        keys = JobKeys.of(config.redis_prefix)
        try:
            server = Redis.from_url(config.redis_url)
            holder = server.get(keys.coordinator)
            if holder and not opts.force:
                usage_error(f"a coordinator ({holder.decode()}) is running this job; stop it or use --force")
            waiting = server.zcard(keys.requests)
            server.delete(*keys.all())
        except RedisError as exc:
            fault("resetjob", f"Redis at {masked(config.redis_url)}: {exc}")
        print(f"finews resetjob: cleared {config.redis_prefix}:* ({waiting} requests were waiting)")
        return 0
