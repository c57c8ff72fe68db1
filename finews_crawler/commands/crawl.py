"""`scrapy crawl`, with finews's checks before and its exit status after.

Before: a bad YAML file, `-s` value or `-a` argument ends the command with
one line naming the problem (exit status 2); a store, Redis server or
source host that cannot be used with one line too (exit status 1), before
anything is fetched (`finews_crawler.preflight`); another run holding the
database or export folder ends it with exit status 75 (or makes it wait up
to FINEWS_LOCK_WAIT seconds).  After: the summary line is the last line of
the log, and a run that failed its job (`summary.run_failure`) exits 1.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from ..cli import finews_config, run_locked, usage_error
from ..config import ConfigError
from ..politeness import EXIT_REFUSED, REFUSED, profile
from ..preflight import open_database, start_fault
from ..spiders.finews import spider_arguments, watched
from ..summary import EXIT_TEMPLATE_CHANGED, FAILED, TEMPLATE_CHANGED, log_summary


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        config = finews_config(self.settings)
        try:
            config = config.watching(watched(spider_arguments(opts.spargs)))
            profile(config)
        except ConfigError as exc:
            usage_error(str(exc))
        if (misuse := config.demo_misuse() or config.feeds_fault()) is not None:
            usage_error(f"configuration: {misuse}")
        if config.redis_url and not config.api_base:
            usage_error("configuration: FINEWS_REDIS_URL needs FINEWS_API_BASE: every process must crawl the same source")
        # The database is opened once for the whole run: the spider and the store pipeline share it.
        held, fault = open_database(config.database_url) if config.database_url else (None, None)
        try:
            fault = fault or start_fault(config)
            if fault is not None:
                print(f"finews crawl: {fault}", file=sys.stderr)
                self.exitcode = 1
                return
            if not config.run_lock:
                self._crawl(args, opts)
                return
            status = run_locked("crawl", config.export_dir, config.database_url, config.lock_wait,
                                lambda: self._crawl(args, opts))
            self.exitcode = status or self.exitcode
        finally:
            if held is not None:
                held.release()

    def _crawl(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl finews")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        log_summary(stats)
        if stats.get("finish_reason") == REFUSED:
            self.exitcode = EXIT_REFUSED
        elif stats.get(TEMPLATE_CHANGED):
            self.exitcode = EXIT_TEMPLATE_CHANGED
        elif self.crawler_process.bootstrap_failed or stats.get(FAILED):
            self.exitcode = 1
