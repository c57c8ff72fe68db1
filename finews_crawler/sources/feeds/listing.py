"""What one feed page lists: its usable entries, why the others are unusable, the next page, the window.

Pure: the spider decodes an answer, hands it here and logs and counts
what comes back.  A page is read up to `PAGE_ITEMS_FACTOR` times the items
asked for (a page of 150,000 items took a crawl to 925 MB); any answer
its kind cannot read is a `FeedError`, never a crash.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.sources.feeds import PAGE_ITEMS_FACTOR, FeedEntry, FeedError, FeedSpec, Rejected, entries
from finews_crawler.sources.feeds.kind import NextPage


@dataclass
class Listing:
    """One feed page read: `items` it held for the `asked` (`cut` of them past the bound, not read), its usable
    entries, the rejected ones' details by reason, and the page after it (None: the answer says there is none)."""

    asked: int
    items: int
    entries: list[FeedEntry]
    rejected: dict[str, list[str]] = field(default_factory=dict)
    following: NextPage | None = None
    cut: int = 0


def read_listing(spec: FeedSpec, page: int, payload: Mapping[str, Any], asked: int) -> Listing:
    """The entries of a decoded feed answer asked for `asked` items; FeedError if its kind cannot read it."""
    try:
        items, following = spec.endpoint.items(payload), spec.endpoint.next_page(page, payload)
    except FeedError:
        raise
    except Exception as exc:  # noqa: BLE001 - an answer of an unexpected shape is unreadable, never a crash
        raise FeedError(f"an answer of an unexpected shape ({type(exc).__name__}: {str(exc)[:80]})") from None
    bound = PAGE_ITEMS_FACTOR * asked
    listed: list[FeedEntry] = []
    rejected: defaultdict[str, list[str]] = defaultdict(list)
    for entry in entries(spec, items[:bound]):
        if isinstance(entry, Rejected):
            rejected[entry.reason].append(entry.detail)
        else:
            listed.append(entry)
    return Listing(asked, len(items), listed, dict(rejected), following, max(0, len(items) - bound))


def windowed(listed: list[FeedEntry], since: datetime | None, until: datetime | None) -> tuple[list[FeedEntry], bool]:
    """(the entries published in [since, until), whether the page lies wholly before `since`)."""
    if since is None and until is None:
        return listed, False
    times = {entry.info_code: parse_beijing_time(entry.time) for entry in listed}  # every entry has one
    inside = [entry for entry in listed if (since is None or times[entry.info_code] >= since)  # type: ignore[operator]
              and (until is None or times[entry.info_code] < until)]  # type: ignore[operator]
    before = bool(listed) and since is not None and all(times[e.info_code] < since for e in listed)  # type: ignore[operator]
    return inside, before
