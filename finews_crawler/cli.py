"""What finews's Scrapy commands (`finews_crawler.commands`) share.

Kept outside the commands package: Scrapy takes every command class found
there for a command of its own.  The commands share three things: the
configuration is read the way the crawl reads it (settings.py, the YAML file,
`-s`), applied to the command's settings before Scrapy builds a crawler or a
log handler from them; a fault of the stores or the network ends the command
with one line and a non-zero status, never a traceback; and whatever writes to
a database or export folder holds the run lock (`finews_crawler.runtime.runlock`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from dateutil import parser as date_parser
from scrapy.commands import ScrapyCommand
from scrapy.settings import BaseSettings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from finews_crawler.config import ConfigError, FinewsConfig, load_config_file
from finews_crawler.domain.dates import BEIJING
from finews_crawler.runtime.preflight import first_line, masked
from finews_crawler.runtime.runlock import EXIT_LOCKED, RunLocked, run_lock

EXIT_USAGE = 2
EXIT_FAULT = 1


def usage_error(message: str) -> NoReturn:
    """End the command with one line on stderr and exit status 2 (Scrapy's UsageError adds its usage block)."""
    print(f"scrapy: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def fault(command: str, message: str) -> NoReturn:
    """End the command with one line on stderr and exit status 1: a store, folder or server that failed it."""
    print(f"finews {command}: {message}", file=sys.stderr)
    raise SystemExit(EXIT_FAULT)


def prepare_settings(settings: BaseSettings, command: str = "crawl") -> None:
    """Apply the YAML file to the command's settings and make the log and stats files' folders.

    Runs in `process_options`, before Scrapy builds the crawler process, its
    log handler (LOG_FILE) and the crawler from these settings: the file's
    values reach every component, and a log folder that does not exist yet
    (a fresh cron setup) is made instead of being a traceback.
    """
    try:
        stats_file = load_config_file(settings).stats_file
    except ConfigError as exc:
        usage_error(f"configuration: {exc}")
    for name, file in (("LOG_FILE", settings.get("LOG_FILE")), ("FINEWS_STATS_FILE", stats_file)):
        if file:
            try:
                Path(file).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                fault(command, f"cannot make the folder of {name} {file}: {exc.strerror or exc}")


class ConfiguredCommand(ScrapyCommand):
    """A command whose settings take the YAML file before anything is built from them."""

    @property
    def command(self) -> str:
        """The command's name, as Scrapy takes it from the module's."""
        return type(self).__module__.rsplit(".", 1)[-1]

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        prepare_settings(self.settings, self.command)


class FinewsCommand(ConfiguredCommand):
    """A finews command that works on the stores, not through a crawler.

    Subclasses implement `work`; a database, folder or server fault it raises
    ends the command with one line (exit status 1).
    """

    requires_project = True
    requires_crawler_process = False
    # The commands print their own one-line result; Scrapy's start-up lines would bury it.
    default_settings = {"LOG_LEVEL": "WARNING"}

    @staticmethod
    def add_since(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--since", help="only articles published at or after this date (Beijing time)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        config = finews_config(self.settings)
        try:
            self.exitcode = self.work(config, opts)
        except SQLAlchemyError as exc:
            fault(self.command, f"database {masked(config.database_url)}: {first_line(exc)}")
        except OSError as exc:  # ExportError included: the folder refused a file
            fault(self.command, first_line(exc))

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        raise NotImplementedError


def finews_config(settings: BaseSettings) -> FinewsConfig:
    """The configuration a crawl would use; a bad one ends the command (exit 2) with one line."""
    try:
        return FinewsConfig.from_settings(settings)
    except ConfigError as exc:
        usage_error(f"configuration: {exc}")


def existing_database(command: str, url: str) -> str:
    """The database a reading command reads: a SQLite file that does not exist is an error, never created."""
    if not url:
        usage_error(f"{command} reads the database: set FINEWS_DATABASE_URL (and FINEWS_STORE_DATABASE)")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).is_file():
            usage_error(f"{command}: no database at {parsed.database} (FINEWS_DATABASE_URL {url}); "
                        "nothing was created")
    return url


def parse_since(value: str | None) -> datetime | None:
    """`--since 2022-05-01` (Beijing time unless the value names a zone)."""
    if not value:
        return None
    try:
        moment = date_parser.isoparse(value)
    except ValueError:
        usage_error(f"--since: not an ISO 8601 date or time: {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def run_locked(command: str, export_dir: Path | None, database_url: str, wait: float,
               body: Callable[[], None]) -> int:
    """Run `body` holding the run lock; the exit status (EXIT_LOCKED if another run holds it)."""
    try:
        with run_lock(export_dir, database_url, command, wait):
            body()
    except RunLocked as exc:
        print(f"finews {command}: not started, {exc}. Another run is in progress; "
              f"set FINEWS_LOCK_WAIT=<seconds> to wait for it (exit status {EXIT_LOCKED}).", file=sys.stderr)
        return EXIT_LOCKED
    return 0
