"""What finews's Scrapy commands (`finews_crawler.commands`) share.

Kept outside the commands package: Scrapy takes every command class found
there for a command of its own.  The commands share two things: the
configuration is read and checked the way the crawl reads it (settings.py,
the YAML file, `-s`), and whatever writes to a database or export folder
holds the run lock (`finews_crawler.runlock`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn
from datetime import datetime
from pathlib import Path

from dateutil import parser as date_parser
from scrapy.commands import ScrapyCommand
from scrapy.settings import BaseSettings

from .config import ConfigError, FinewsConfig, YamlConfig
from .dates import BEIJING
from .runlock import EXIT_LOCKED, RunLocked, run_lock


class FinewsCommand(ScrapyCommand):
    """A finews command that works on the stores, not through a crawler."""

    requires_project = True
    requires_crawler_process = False
    # The commands print their own one-line result; Scrapy's start-up lines would bury it.
    default_settings = {"LOG_LEVEL": "WARNING"}

    @staticmethod
    def add_since(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--since", help="only articles published at or after this date (Beijing time)")


EXIT_USAGE = 2


def usage_error(message: str) -> NoReturn:
    """End the command with one line on stderr and exit status 2 (Scrapy's UsageError adds its usage block)."""
    print(f"scrapy: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def finews_config(settings: BaseSettings) -> FinewsConfig:
    """The configuration a crawl would use; a bad one ends the command (exit 2) with one line."""
    settings = settings.copy()
    try:
        YamlConfig().update_settings(settings)
        return FinewsConfig.from_settings(settings)
    except ConfigError as exc:
        usage_error(f"configuration: {exc}")


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
