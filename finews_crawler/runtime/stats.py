"""Namespaced stats keys, so every drop and error is counted the same way."""

from __future__ import annotations

import re
from typing import NoReturn

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

DROPPED = "finews/dropped/"
ERRORS = "finews/errors/"
ARTICLES = "finews/articles/"
POSTS = "finews/posts/"
FEEDS_IN_PART = "finews/feeds/read_in_part/"  # per feed: why its list was not read to where a run stops


def count_drop(stats: StatsCollector, reason: str, count: int = 1) -> None:
    stats.inc_value(DROPPED + reason, count)


def count_error(stats: StatsCollector, kind: str) -> None:
    stats.inc_value(ERRORS + kind)


# Drops whose cause may be finews's own (our database failed, a cleaning process died while it was in its pool,
# cleaning took longer than its budget on this machine): fetch it again next run. Only the source's own verdicts
# (404, withdrawn, no article in the page) settle an article as gone.
RETRYABLE_DROPS = frozenset({"not_stored", "cleaner_crashed", "too_slow"})
_REASON = re.compile(r"\[(\w+)\] ")


def drop_reason(exception: BaseException) -> str | None:
    """The reason `drop` put in a DropItem's message, if it was `drop`'s."""
    match = _REASON.match(str(exception))
    return match.group(1) if match else None


def drop(stats: StatsCollector, reason: str, message: str) -> NoReturn:
    """Count a dropped item under `reason` and raise DropItem with `message`."""
    count_drop(stats, reason)
    raise DropItem(f"[{reason}] {message}")


# The outcomes of an article the store wrote (`skipped` and `resumed` count articles not stored this way).
STORED_OUTCOMES = ("new", "updated", "unchanged")


def stored_count(stats: dict) -> int:
    """Articles the store wrote this run, whatever the outcome."""
    return sum(stats.get(ARTICLES + outcome, 0) for outcome in STORED_OUTCOMES)


def with_prefix(stats: dict, prefix: str) -> dict[str, int]:
    """The counters under one prefix, keyed by the rest of their name."""
    return {key[len(prefix):]: value for key, value in sorted(stats.items()) if key.startswith(prefix)}


class CountingStats:
    """The part of Scrapy's stats collector the pipelines use, for running them outside a crawl."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key: str, default: int = 0) -> int:
        return self.values.get(key, default)
