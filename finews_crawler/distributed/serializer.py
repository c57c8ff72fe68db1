"""What the shared Redis queue holds: article entries (plain data), never requests.

Whoever can write to Redis must not be able to steer the workers.  A
serialised request carries instructions (a class to import, a callback
name, a URL, headers, meta such as `proxy` or `download_maxsize`); an
article entry carries only what the feeds said of one article.  Each
worker builds the request from an entry with its own configuration
(`FinewsSpider.article_request`), so an entry can name an article of the
configured source and nothing else.  `loads` checks every field's type,
length and form; anything else is a `QueueEntryError`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from finews_crawler.domain.securities import SECID
from finews_crawler.sources.feeds import FIELD_LIMITS, INFO_CODE, MAX_STOCKS, FeedEntry

# Field -> longest accepted text (characters): what the feeds take (feeds.FIELD_LIMITS).
LIMITS = {"info_code": 40, **FIELD_LIMITS}
MAX_FEEDS = 32
_FEED_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)
MAX_ENTRY_BYTES = 64 * 1024


class QueueEntryError(ValueError):
    """A queue entry that is not an article entry; the text says why."""


def dumps(entry: dict[str, Any]) -> bytes:
    """An article entry (`FeedEntry.to_dict()`) as compact JSON."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def loads(data: bytes | str) -> FeedEntry:
    """The article entry `data` holds, checked field by field; QueueEntryError otherwise."""
    if len(data) > MAX_ENTRY_BYTES:
        raise QueueEntryError(f"{len(data)} bytes, more than an article entry ({MAX_ENTRY_BYTES})")
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise QueueEntryError(f"not JSON: {bytes(data[:40]) if isinstance(data, bytes) else data[:40]!r}") from None
    if not isinstance(value, dict):
        raise QueueEntryError(f"a JSON {type(value).__name__}, not an article entry")
    unknown = set(value) - set(LIMITS) - {"feeds", "stocks"}
    if unknown:
        raise QueueEntryError(f"fields an article entry does not have: {sorted(unknown)[:5]}")
    for name, limit in LIMITS.items():
        field = value.get(name, "")
        if not isinstance(field, str) or len(field) > limit:
            raise QueueEntryError(f"{name} is not a text of at most {limit} characters")
    if not INFO_CODE.fullmatch(value.get("info_code", "")):
        raise QueueEntryError(f"info_code {value.get('info_code', '')[:40]!r} does not match {INFO_CODE.pattern}")
    feeds = value.get("feeds", [])
    if (not isinstance(feeds, list) or len(feeds) > MAX_FEEDS
            or not all(isinstance(name, str) and _FEED_NAME.fullmatch(name) for name in feeds)):
        raise QueueEntryError("feeds is not a short list of feed names")
    stocks = value.get("stocks", [])
    if (not isinstance(stocks, list) or len(stocks) > MAX_STOCKS
            or not all(isinstance(secid, str) and SECID.fullmatch(secid) for secid in stocks)):
        raise QueueEntryError("stocks is not a short list of secids")
    return FeedEntry(**value)
