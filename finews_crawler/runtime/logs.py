"""A log people read: one line per fault, a progress line, the summary last.

Scrapy and the libraries under it log for their developers: a traceback
for an unreachable robots.txt, a "gave up retrying" line before finews's
own line for the same failure (Alembic is quieted where it is imported,
`storage.migrate`).  `quiet_libraries` turns those into one line or nothing (finews logs every failure itself,
counted); `Progress` replaces Scrapy's per-minute page counter with
articles done, rate, queue and time left, or a live bar on a terminal.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler

from finews_crawler.config import FinewsConfig
from finews_crawler.runtime.stats import DROPPED, stored_count, with_prefix

# The summary's level: shown at WARNING (`-L WARNING`), hidden only at ERROR and above.
SUMMARY = 35
logging.addLevelName(SUMMARY, "SUMMARY")


class _OneLine(logging.Filter):
    """A library's error about something finews reports itself: one warning line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


class _Drop(logging.Filter):
    """A library's line that repeats one finews logs itself (a download that gave up: the errback says so)."""

    def __init__(self, startswith: str) -> None:
        super().__init__()
        self.startswith = startswith

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.startswith)


def quiet_libraries() -> None:
    """Install the filters once per process (idempotent)."""
    robots = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    if not any(isinstance(f, _OneLine) for f in robots.filters):
        robots.addFilter(_OneLine())
    retry = logging.getLogger("scrapy.downloadermiddlewares.retry")
    if not any(isinstance(f, _Drop) for f in retry.filters):
        retry.addFilter(_Drop("Gave up retrying"))


def articles_done(stats: dict[str, Any]) -> int:
    """Articles finished this run: stored (any outcome) or dropped."""
    return stored_count(stats) + sum(with_prefix(stats, DROPPED).values())


def progress_line(done: int, elapsed: float, queued: int, feeds_done: bool) -> str:
    rate = done / elapsed if elapsed > 0 else 0.0
    line = f"finews: progress: {done:,} articles done ({rate:.1f}/s), {queued:,} requests queued, "
    if not feeds_done:
        return line + "feeds still being read"
    if queued and rate > 0:
        return line + f"feeds done, about {max(1, round(queued / rate)):,} s left"
    return line + "feeds done"


class _LiveBar:
    """One self-rewriting status line on a terminal; log lines clear it before they print."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def show(self, text: str) -> None:
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


class _ClearBar(logging.Filter):
    def __init__(self, bar: _LiveBar) -> None:
        super().__init__()
        self.bar = bar

    def filter(self, record: logging.LogRecord) -> bool:
        self.bar.clear()
        return True


class Progress:
    """Every FINEWS_PROGRESS_INTERVAL seconds a progress line; on a terminal, a live bar instead."""

    BAR_INTERVAL = 0.5

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO | None) -> None:
        self.crawler = crawler
        self.interval = interval
        self.bar = _LiveBar(stream) if stream is not None else None
        self._task: asyncio.Task[None] | None = None
        self._started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        quiet_libraries()
        config = FinewsConfig.of(crawler)
        terminal = not crawler.settings.get("LOG_FILE") and sys.stderr.isatty()
        extension = cls(crawler, config.progress_interval, sys.stderr if terminal else None)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        if self.interval <= 0:
            return
        self._started = time.monotonic()
        if self.bar is not None:
            for handler in logging.getLogger().handlers:
                handler.addFilter(_ClearBar(self.bar))
        self._task = asyncio.ensure_future(self._report())

    def closed(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.bar is not None:
            self.bar.clear()

    def line(self) -> str:
        engine, spider = self.crawler.engine, self.crawler.spider
        scheduler = engine.scheduler if engine is not None else None
        queued = (len(scheduler) if scheduler is not None else 0) + len(getattr(spider, "_pending", ()))  # type: ignore[arg-type]
        return progress_line(articles_done(self.crawler.stats.get_stats()), time.monotonic() - self._started,
                             queued, bool(getattr(spider, "feeds_done", False)))

    async def _report(self) -> None:
        every = self.BAR_INTERVAL if self.bar is not None else self.interval
        while True:
            await asyncio.sleep(every)
            if self.bar is not None:
                self.bar.show(self.line())
            else:
                logging.getLogger("finews").info("%s", self.line())
