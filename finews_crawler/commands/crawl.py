"""`scrapy crawl`, with finews's checks before and its exit status after.

Before: a bad YAML file or `-s` value ends the command with one line naming
the problem (exit status 2); an unreachable database with one line too
(exit status 1), before anything is fetched; another run holding the
database or export folder ends it with exit status 75 (or makes it wait up
to FINEWS_LOCK_WAIT seconds).  After: a run that failed its job
(`summary.run_failure`) exits 1.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..storage import ArticleStore
from ..summary import FAILED
from ..cli import finews_config, run_locked


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        config = finews_config(self.settings)
        if config.database_url and not _database_ready(config.database_url):
            self.exitcode = 1
            return
        if not config.run_lock:
            self._crawl(args, opts)
            return
        status = run_locked("crawl", config.export_dir, config.database_url, config.lock_wait,
                            lambda: self._crawl(args, opts))
        self.exitcode = status or self.exitcode

    def _crawl(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl finews")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or (crawler.stats and crawler.stats.get_value(FAILED)):
            self.exitcode = 1


def _database_ready(url: str) -> bool:
    """Open (and migrate) the database now: unreachable, it is one line, not a traceback from the engine."""
    try:
        ArticleStore.from_url(url).close()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"finews crawl: cannot open the database {make_url(url).render_as_string()}: {reason}", file=sys.stderr)
        return False
    return True
