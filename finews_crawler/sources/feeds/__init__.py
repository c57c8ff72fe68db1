"""The source's list feeds: configured feeds, and what they say about each article.

Feed kinds (one module each: `roll`, `media`, `market` of 2021, `fast`,
`column` of today) answer with different spellings of the same facts
(`infoCode` vs `code`, `showtime` vs `showTime`, `from` vs `mediaName`),
sometimes wrapped as JSONP.  This module turns any of them into
`FeedEntry` values and says precisely why an entry or a page is unusable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.domain.securities import SECID
from finews_crawler.sources.characters import printable
from finews_crawler.sources.feeds.column import Column
from finews_crawler.sources.feeds.fast import Fast
from finews_crawler.sources.feeds.kind import INFO_CODE, FeedKind, NextPage
from finews_crawler.sources.feeds.market import Market
from finews_crawler.sources.feeds.media import Media
from finews_crawler.sources.feeds.payload import FeedError, Refused, decode_payload, unwrap_jsonp
from finews_crawler.sources.feeds.roll import Roll
from finews_crawler.sources.feeds.search import Search

__all__ = ["DEFAULT_FEEDS", "FEED_MAXSIZE", "INFO_CODE", "KINDS", "PAGE_ITEMS_FACTOR", "TODAY_FEEDS", "FeedEntry", "FeedError", "FeedKind", "FeedSpec",
           "NextPage", "Refused", "Rejected", "decode_payload", "entries", "unwrap_jsonp"]

KINDS: dict[str, FeedKind] = {kind.name: kind for kind in (Roll(), Media(), Market(), Fast(), Column(), Search())}
MAX_STOCKS = 50
# A security's code as a search keyword: ASCII letters and digits (600519, 00700, NIO, BK0477).
KEYWORD = re.compile(r"^[A-Za-z0-9]{1,12}$", re.ASCII)

# The roll feed's digest starts with the title in 【】.
_DIGEST_TITLE = re.compile(r"^\s*【([^】]*)】\s*")


@dataclass(frozen=True)
class Rejected:
    """A feed item that is not an article: `reason` is the stats key, `detail` the log text."""

    reason: str
    detail: str


@dataclass(frozen=True)
class FeedSpec:
    """One configured feed: what to request and how to file what it lists.

    `category`/`tag` pin the category of articles this feed alone lists
    (the roll feed's `emnews` / `东财滚动新闻`); a feed that names the media
    outlet leaves them unset, and the media decides.
    """

    name: str
    kind: str
    market_type: int | None = None
    category: str | None = None
    tag: str | None = None
    column: str | None = None  # fast: the fastColumn (102); column: the column id (1207)
    keyword: str | None = None  # search: the security's code (600519, 00700, BK0477)
    page_size: int | None = None  # items per request, where this feed's differs from FINEWS_FEED_PAGE_SIZE
    options: tuple[tuple[str, str], ...] = ()  # request options of its kind (the search's sort, scope, highlighting)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"feed {self.name!r}: unknown kind {self.kind!r} (expected one of {', '.join(KINDS)})")
        if "market_type" in KINDS[self.kind].needs and self.market_type is None:
            raise ValueError(f"feed {self.name!r}: a market feed needs market_type")
        if "column" in KINDS[self.kind].needs and not (self.column and str(self.column).isdigit()):
            raise ValueError(f"feed {self.name!r}: a {self.kind} feed needs its column number (column: …)")
        if "keyword" in KINDS[self.kind].needs and not (self.keyword and KEYWORD.fullmatch(self.keyword)):
            raise ValueError(f"feed {self.name!r}: a search feed needs the security's code (keyword: 600519)")
        if self.page_size is not None and not (isinstance(self.page_size, int) and 1 <= self.page_size <= 100):
            raise ValueError(f"feed {self.name!r}: page_size must be a whole number from 1 to 100")
        if (self.category is None) != (self.tag is None):
            raise ValueError(f"feed {self.name!r}: category and tag are set together or not at all")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FeedSpec:
        unknown = set(data) - {"name", "kind", "market_type", "category", "tag", "column", "keyword", "page_size"}
        if unknown:
            raise ValueError(f"feed {data.get('name', '?')!r}: unknown keys {sorted(unknown)}")
        if "name" not in data or "kind" not in data:
            raise ValueError(f"feed {dict(data)!r}: name and kind are required")
        return cls(**{**data, **({"column": str(data["column"])} if data.get("column") is not None else {})})

    @property
    def endpoint(self) -> FeedKind:
        """The kind's module: URL, paging and item keys."""
        return KINDS[self.kind]

    def url(self, base: str, page: int, count: int, cursor: str = "") -> str:
        """The URL of page `page` (1-based) of this feed; a fast feed pages by `cursor` (the last `sortEnd`)."""
        return self.endpoint.url(self, base.rstrip("/"), page, count, cursor)


# Today's profile (`FINEWS_SOURCE=eastmoney`): the 7×24 list is the roll feed's successor.
TODAY_FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("fast", "fast", category="emnews", tag="东财滚动新闻", column="102"),
    FeedSpec("column1207", "column", column="1207"),
)
DEFAULT_FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("roll", "roll", category="emnews", tag="东财滚动新闻"),
    FeedSpec("media", "media"),
    FeedSpec("market37", "market", market_type=37),
    FeedSpec("market38", "market", market_type=38),
    FeedSpec("market39", "market", market_type=39),
)


@dataclass
class FeedEntry:
    """What the feeds say about one article; plain data so requests stay serialisable."""

    info_code: str
    title: str = ""
    time: str = ""
    media: str = ""
    digest: str = ""
    feeds: list[str] = field(default_factory=list)
    stocks: list[str] = field(default_factory=list)  # secids a feed names (the fast list's stockList), raw

    def merge(self, other: FeedEntry, prefer_other: bool) -> None:
        """Fold another listing of the same article into this one.

        Empty fields are filled from `other`; where both have a value,
        `prefer_other` decides (the caller ranks feeds that name the media
        above feeds that do not).
        """
        for name in ("title", "time", "media", "digest"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs and (not mine or prefer_other):
                setattr(self, name, theirs)
        self.feeds = sorted(set(self.feeds) | set(other.feeds))
        self.stocks = list(dict.fromkeys([*self.stocks, *other.stocks]))

    def over(self, stored: FeedEntry | None) -> FeedEntry:
        """This listing laid over what finews stored of the article before: it adds facts, loses none."""
        if stored is None:
            return self
        result = replace(stored, feeds=list(stored.feeds))
        result.merge(self, prefer_other=True)
        return result

    def to_dict(self) -> dict[str, Any]:
        """A copy as plain data (dataclasses.asdict's deep copy cost ~2 % of a crawl's CPU)."""
        return {**self.__dict__, "feeds": list(self.feeds), "stocks": list(self.stocks)}


# A feed page is read up to this many times the items it was asked for; the rest is a counted anomaly (a
# page of 150,000 items took the crawl to 925 MB). Its answer is at most FEED_MAXSIZE bytes (100 items
# are ~100 KB): a larger one is cancelled like any page over DOWNLOAD_MAXSIZE.
PAGE_ITEMS_FACTOR = 2
FEED_MAXSIZE = 2 * 1024 * 1024

# The longest a feed field is taken (the shared queue refuses longer, `distributed/serializer.py`).
FIELD_LIMITS = {"title": 1000, "time": 64, "media": 300, "digest": 5000}


def _text(value: Any, field: str) -> str:
    return printable(value.strip()[: FIELD_LIMITS[field]]) if isinstance(value, str) else ""


def _stocks(value: Any) -> list[str]:
    """The secids of a fast-news item's `stockList`, as given; anything else in the list is left out."""
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(s for s in value if isinstance(s, str) and SECID.fullmatch(s)))[:MAX_STOCKS]


def entries(feed: FeedSpec, items: list[Mapping[str, Any]]) -> Iterator[FeedEntry | Rejected]:
    """Map raw items to entries, and each unusable item to why it is unusable.

    Whatever one field of one item holds costs only that item: an item that
    cannot be read is a `Rejected`, and its siblings are read on.
    """
    for item in items:
        try:
            yield _entry(feed, item)
        except Exception as exc:  # noqa: BLE001 - the boundary of one item: nothing in it may end the page
            yield Rejected("bad_feed_item", f"item unreadable ({type(exc).__name__}: {str(exc)[:80]})")


def _entry(feed: FeedSpec, item: Any) -> FeedEntry | Rejected:
    kind = feed.endpoint
    keys = kind.keys
    if not isinstance(item, Mapping):
        return Rejected("bad_feed_item", f"item is {type(item).__name__}, not an object")
    item = kind.prepare(item)
    # Each feed has its own casing, but tolerate the other one too.
    raw = item.get(keys.code) or item.get("infoCode") or item.get("infocode")
    code = kind.code(raw) if isinstance(raw, str) else repr(raw)
    if not INFO_CODE.fullmatch(code):
        return Rejected("invalid_info_code", f"infoCode {code[:80]!r} does not match {INFO_CODE.pattern}")
    time = _text(item.get(keys.time), "time")
    if parse_beijing_time(time) is None:
        # The contract: an item with an empty or unparsable time is invalid.
        return Rejected("no_time", f"{code}: no parsable time ({time!r})")
    digest = _text(item.get(keys.digest), "digest") if keys.digest else ""
    headline = _DIGEST_TITLE.match(digest)
    return FeedEntry(
        info_code=code,
        # An empty title (§6a): the headline the summary opens with (`【…】`); else the article page's.
        title=_text(item.get("title"), "title") or (headline.group(1).strip() if headline else ""),
        time=time,
        media=_text(item.get(keys.media), "media") if keys.media else "",
        digest=_DIGEST_TITLE.sub("", digest),
        feeds=[feed.name],
        stocks=_stocks(item.get("stockList")),
    )
