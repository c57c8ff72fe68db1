"""Resumable crawls (`-s JOBDIR=…`) that also survive SIGKILL.

Scrapy persists a paused crawl's queue and request fingerprints in JOBDIR
when it stops cleanly (one Ctrl-C).  A killed run leaves them half written:
the fingerprints (written as requests are scheduled) name requests the
queue (written only at a clean stop) no longer holds, so a resume would
skip those articles for good.  This extension marks a JOBDIR as in use and,
if a run finds the mark of one that never closed, discards that run's queue
and fingerprints before the scheduler reads them.  Nothing is lost: the
feeds are read again and the database says which articles are stored.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

MARKER = "finews.running"
SCHEDULER_STATE = ("requests.queue", "requests.seen")


class JobDirGuard:
    def __init__(self, jobdir: Path) -> None:
        self.jobdir = jobdir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir))
        guard.open()
        crawler.signals.connect(guard.close, signal=signals.spider_closed)
        return guard

    def open(self) -> None:
        marker = self.jobdir / MARKER
        if marker.exists():
            logger.warning("JOBDIR %s: the run that used it (%s) did not stop cleanly; discarding its request "
                           "queue and fingerprints (the feeds and the database say what is left)",
                           self.jobdir, marker.read_text(encoding="utf-8").strip() or "unknown")
            for name in SCHEDULER_STATE:
                path = self.jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
        self.jobdir.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"pid {os.getpid()}\n", encoding="utf-8")

    def close(self) -> None:
        (self.jobdir / MARKER).unlink(missing_ok=True)
