"""`scrapy crawl`, with finews's checks before and its exit status after.

Before: a bad YAML file, `-s` value, spider name or `-a` argument ends the
command with one line naming the problem (exit status 2); a store, Redis
server or source host that cannot be used with one line too (exit status 1),
before anything is fetched (`finews_crawler.runtime.preflight`); another run holding
the database or export folder ends it with exit status 75 (or makes it wait up
to FINEWS_LOCK_WAIT seconds).  With no source configured, the bundled replay
site is served on loopback and becomes the source (`finews_crawler.demo`).
After: the summary line is the last line of the log, and a run that failed its
job (`summary.run_failure`) exits 1.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.spiderloader import get_spider_loader

from finews_crawler.cli import ConfiguredCommand, finews_config, usage_error, run_locked
from finews_crawler.config import ConfigError, FinewsConfig
from finews_crawler.config.options import closest
from finews_crawler.demo import demo_source
from finews_crawler.politeness import EXIT_REFUSED, REFUSED, profile
from finews_crawler.runtime.preflight import open_database, start_fault
from finews_crawler.config.arguments import ARGUMENTS, spider_arguments
from finews_crawler.runtime.summary import EXIT_READ_IN_PART, EXIT_TEMPLATE_CHANGED, FAILED, TEMPLATE_CHANGED, log_summary, read_in_part

HELP = """Run a spider: `scrapy crawl finews` mirrors the configured source (with none, the bundled demo site).

The finews spider's arguments (-a NAME=VALUE):
{arguments}

Settings: -s NAME=VALUE, or a YAML file (-s FINEWS_CONFIG=finews.yml, or ./finews.yml);
every one is listed in docs/configuration.md, exit statuses and logs in docs/operations.md."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, ScrapyHelpFormatter):
    """Scrapy's help layout, with the description's lines kept as written (one line per argument)."""


class Command(ConfiguredCommand, ScrapyCrawl):
    def long_desc(self) -> str:
        arguments = "\n".join(f"  {name:10} {doc}" for name, doc in ARGUMENTS.items())
        return HELP.format(arguments=arguments)

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = _HelpFormatter

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Every usage check, before Scrapy starts a crawler process (and logs its start-up lines)."""
        super().process_options(args, opts)
        assert self.settings is not None
        self._check_spider(args)
        config = finews_config(self.settings)
        try:
            config = config.with_arguments(spider_arguments(opts.spargs))
            profile(config)
        except ConfigError as exc:
            usage_error(str(exc))
        if (misuse := config.demo_misuse() or config.feeds_fault()) is not None:
            usage_error(f"configuration: {misuse}")
        if config.redis_url and not config.api_base:
            usage_error("configuration: FINEWS_REDIS_URL needs FINEWS_API_BASE: every process must crawl the same source")
        self.config = config

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        with demo_source(self.settings, self.config) as config:
            self._checked_crawl(config, args, opts)

    def _check_spider(self, args: list[str]) -> None:
        """One spider, and one that exists: a typo names the closest spider instead of a traceback."""
        if len(args) != 1:
            usage_error("name one spider: scrapy crawl finews")
        known = get_spider_loader(self.settings).list()
        if args[0] not in known:
            usage_error(f"no spider named {args[0]!r}{closest(args[0], known)} (known: {', '.join(sorted(known))})")

    def _checked_crawl(self, config: FinewsConfig, args: list[str], opts: argparse.Namespace) -> None:
        """The crawl, once the stores and the source answer, under the run lock."""
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
        assert self.crawler_process is not None and self.settings is not None
        crawler = self.crawler_process.create_crawler(args[0])
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
        elif read_in_part(stats) is not None:
            self.exitcode = EXIT_READ_IN_PART
