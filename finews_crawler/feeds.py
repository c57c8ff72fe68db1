"""The source's JSON list feeds: URLs, payload decoding and entry mapping.

Three feed kinds answer with three spellings of the same facts (`infoCode`
vs `infocode`, `showtime` vs `datetime`, `from` vs `medianame`), sometimes
wrapped as JSONP.  This module turns any of them into `FeedEntry` values
and says precisely why an entry or a page is unusable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .dates import parse_beijing_time

INFO_CODE = re.compile(r"^[A-Z]{2}\d{6,30}$", re.ASCII)  # ASCII: \d would take full-width digits

FEED_KINDS = ("roll", "media", "market", "fast", "column")
# Today's list endpoints (SOURCE-SITE.md §6), read from the list base rather than the API base.
TODAY_KINDS = frozenset({"fast", "column"})
# Today's article code: the 18 digits of a legacy infoCode (NW + code is the same article).
TODAY_CODE = re.compile(r"^\d{18}$", re.ASCII)
# A security id as feeds and quote links write it (SOURCE-SITE.md §7): market id, dot, code.
SECID = re.compile(r"^\d{1,3}\.[A-Za-z0-9]{1,12}$", re.ASCII)
MAX_STOCKS = 50

# The head of a JSONP answer: `var ajaxResult=` or `callback(` (anchored, no backtracking into the body).
_JSONP_HEAD = re.compile(r"(?:/\*\*/)?+(?:var\s++[\w$]++\s*+=|[\w$.]++\s*+\()\s*+")  # `/**/`: a common JSONP guard
# The roll feed's digest starts with the title in 【】.
_DIGEST_TITLE = re.compile(r"^\s*【[^】]*】\s*")


class FeedError(ValueError):
    """A feed page that cannot be read at all (not JSON, wrong shape, rc != 1)."""


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

    def __post_init__(self) -> None:
        if self.kind not in FEED_KINDS:
            raise ValueError(f"feed {self.name!r}: unknown kind {self.kind!r} (expected one of {', '.join(FEED_KINDS)})")
        if self.kind == "market" and self.market_type is None:
            raise ValueError(f"feed {self.name!r}: a market feed needs market_type")
        if self.kind in TODAY_KINDS and not (self.column and str(self.column).isdigit()):
            raise ValueError(f"feed {self.name!r}: a {self.kind} feed needs its column number (column: …)")
        if (self.category is None) != (self.tag is None):
            raise ValueError(f"feed {self.name!r}: category and tag are set together or not at all")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FeedSpec:
        unknown = set(data) - {"name", "kind", "market_type", "category", "tag", "column"}
        if unknown:
            raise ValueError(f"feed {data.get('name', '?')!r}: unknown keys {sorted(unknown)}")
        if "name" not in data or "kind" not in data:
            raise ValueError(f"feed {dict(data)!r}: name and kind are required")
        return cls(**{**data, **({"column": str(data["column"])} if data.get("column") is not None else {})})

    def url(self, base: str, page: int, count: int, cursor: str = "") -> str:
        """The URL of page `page` (1-based) of this feed; a fast feed pages by `cursor` (the last `sortEnd`)."""
        base = base.rstrip("/")
        if self.kind == "fast":
            query = {"client": "web", "biz": "web_724", "fastColumn": self.column, "sortEnd": cursor,
                     "pageSize": count, "req_trace": page}
            return f"{base}/comm/web/getFastNewsList?{urlencode(query)}"
        if self.kind == "column":
            query = {"client": "web", "biz": "web_news_col", "column": self.column, "order": 1, "needInteractData": 0,
                     "page_index": page, "page_size": count, "req_trace": page}
            return f"{base}/comm/web/getNewsByColumns?{urlencode(query)}"
        if self.kind == "market":
            query = {"marketType": self.market_type, "count": count, "pageindex": page}
            return f"{base}/information/newmarket/web/webapi?{urlencode(query)}"
        feed_type = 102 if self.kind == "roll" else 45
        query = {"type": feed_type, "count": count, "newsid": 1, "pageindex": page}
        return f"{base}/web/webapi?{urlencode(query)}"


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
        return asdict(self)


def unwrap_jsonp(text: str) -> str | None:
    """The JSON inside `var x={…};` or `cb({…});`, by an anchored head and string ends: linear in any input."""
    head = _JSONP_HEAD.match(text)
    if head is None:
        return None
    body = text[head.end():].rstrip().removesuffix(";").rstrip()
    if head.group().rstrip().endswith("("):
        body = body.removesuffix(")").rstrip()
    return body


def decode_payload(text: str) -> dict[str, Any]:
    """Decode a feed answer that is JSON or JSONP into its top-level object."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise FeedError("empty answer")
    try:
        payload = json.loads(stripped)
    except json.JSONDecodeError:
        body = unwrap_jsonp(stripped)
        if body is None:
            raise FeedError(f"neither JSON nor JSONP: {stripped[:60]!r}") from None
        try:
            payload = json.loads(body)
        except json.JSONDecodeError as exc:
            raise FeedError(f"malformed JSONP body: {exc}") from None
    if not isinstance(payload, dict):
        raise FeedError(f"expected a JSON object, got {type(payload).__name__}")
    return payload


# Per kind: the list key, then the field names for code, time and media.
_SHAPES: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "roll": ("records", "infoCode", "showtime", None, "digest"),
    "media": ("nodeList", "infocode", "showtime", "from", "simdigest"),
    "market": ("record", "infoCode", "datetime", "medianame", None),
    "fast": ("fastNewsList", "code", "showTime", None, "summary"),
    "column": ("list", "code", "showTime", "mediaName", "summary"),
}


# The longest a feed field is taken (the shared queue refuses longer, `distributed/serializer.py`).
FIELD_LIMITS = {"title": 1000, "time": 64, "media": 300, "digest": 5000}


def _text(value: Any, field: str) -> str:
    return value.strip()[: FIELD_LIMITS[field]] if isinstance(value, str) else ""


def _today_data(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `data` object of today's answers: `code` is the string "1" on success; `data: null` is an error."""
    if payload.get("code") != "1":
        raise FeedError(f"code={payload.get('code')!r} ({payload.get('message', '')!s:.80})")
    data = payload.get("data")
    if data is None:
        raise FeedError("data: null (the source wants sortEnd and req_trace)")
    if not isinstance(data, Mapping):
        raise FeedError(f"data is {type(data).__name__}, not an object")
    return data


def next_cursor(kind: str, payload: Mapping[str, Any]) -> str:
    """A fast feed's cursor for the next older page (its `sortEnd`); "" when there is none."""
    if kind != "fast":
        return ""
    cursor = _today_data(payload).get("sortEnd")
    if isinstance(cursor, int) and not isinstance(cursor, bool):
        cursor = str(cursor)  # a number where clients expect a string: the same cursor
    return cursor if isinstance(cursor, str) and cursor.isascii() and cursor.isdigit() else ""


def feed_items(kind: str, payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The raw item list of a decoded page; an error names what is wrong."""
    if kind in TODAY_KINDS:
        payload = _today_data(payload)
    elif payload.get("rc", 1) != 1:
        raise FeedError(f"rc={payload.get('rc')!r}")
    list_key = _SHAPES[kind][0]
    items = payload.get(list_key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise FeedError(f"{list_key!r} is {type(items).__name__}, not a list")
    return items


def _stocks(value: Any) -> list[str]:
    """The secids of a fast-news item's `stockList`, as given; anything else in the list is left out."""
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(s for s in value if isinstance(s, str) and SECID.fullmatch(s)))[:MAX_STOCKS]


def entries(feed: FeedSpec, items: list[Mapping[str, Any]]) -> Iterator[FeedEntry | Rejected]:
    """Map raw items to entries, and each unusable item to why it is unusable."""
    _, code_key, time_key, media_key, digest_key = _SHAPES[feed.kind]
    for item in items:
        if not isinstance(item, Mapping):
            yield Rejected("bad_feed_item", f"item is {type(item).__name__}, not an object")
            continue
        # Each feed has its own casing, but tolerate the other one too.
        raw = item.get(code_key) or item.get("infoCode") or item.get("infocode")
        code = raw if isinstance(raw, str) else repr(raw)
        if feed.kind in TODAY_KINDS and TODAY_CODE.fullmatch(code):
            code = f"NW{code}"  # today's code is the legacy infoCode's digits: one article, one row
        if not INFO_CODE.fullmatch(code):
            yield Rejected("invalid_info_code", f"infoCode {code[:80]!r} does not match {INFO_CODE.pattern}")
            continue
        time = _text(item.get(time_key), "time")
        if parse_beijing_time(time) is None:
            # The contract: an item with an empty or unparsable time is invalid.
            yield Rejected("no_time", f"{code}: no parsable time ({time!r})")
            continue
        digest = _text(item.get(digest_key), "digest") if digest_key else ""
        yield FeedEntry(
            info_code=code,
            title=_text(item.get("title"), "title"),
            time=time,
            media=_text(item.get(media_key), "media") if media_key else "",
            digest=_DIGEST_TITLE.sub("", digest),
            feeds=[feed.name],
            stocks=_stocks(item.get("stockList")),
        )
