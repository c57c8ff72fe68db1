"""What every feed kind says about itself: where it is read from, how it pages, which keys name what.

A kind is a small object (one module each beside this one); `FeedSpec`
names a configured feed of a kind.  The two generations of the source
differ in the envelope (`rc: 1` around a list vs `code: "1"` around a
`data` object) and in the article code (`NW…` vs its 18 digits), so each
generation has a base class here and each kind only fills in its URL and
its keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from finews_crawler.sources.feeds.payload import FeedError

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec

INFO_CODE = re.compile(r"^[A-Z]{2}\d{6,30}$", re.ASCII)  # ASCII: \d would take full-width digits
# Today's article code: the 18 digits of a legacy infoCode (NW + code is the same article).
TODAY_CODE = re.compile(r"^\d{18}$", re.ASCII)


def article_code(raw: str) -> str | None:
    """The one code of an article, from either generation's spelling (`NW…`, or today's 18 digits), or None."""
    code = f"NW{raw}" if TODAY_CODE.fullmatch(raw) else raw
    return code if INFO_CODE.fullmatch(code) else None


@dataclass(frozen=True)
class Keys:
    """The item keys a kind spells its facts with (None: the kind does not say it)."""

    items: str
    code: str
    time: str
    media: str | None
    digest: str | None


@dataclass(frozen=True)
class NextPage:
    """The request after this one: its 1-based number, and a cursor for kinds that page by one."""

    page: int
    cursor: str = ""


class FeedKind:
    """One list endpoint of the source; subclasses are the kinds."""

    # The headers the kind's own web page sends with its requests (FINEWS_HEADERS adds to them).
    headers: ClassVar[Mapping[str, str]] = {}
    name: ClassVar[str]
    base: ClassVar[str]  # the configured base it is read from: "api" (2021 feeds), "list" or "search" (today's)
    keys: ClassVar[Keys]
    needs: ClassVar[tuple[str, ...]] = ()  # FeedSpec fields a feed of this kind must set

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        raise NotImplementedError

    def data(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        """The object that holds the item list; a FeedError says why the answer is not a success."""
        raise NotImplementedError

    def items(self, payload: Mapping[str, Any]) -> list[Any]:
        """The raw item list of a decoded page; an error names what is wrong."""
        items = self.data(payload).get(self.keys.items)
        if items is None:
            return []
        if not isinstance(items, list):
            raise FeedError(f"{self.keys.items!r} is {type(items).__name__}, not a list")
        return items

    def next_page(self, page: int, payload: Mapping[str, Any]) -> NextPage | None:
        """The next older page after `page`, or None when the answer says there is none."""
        return NextPage(page + 1)

    def code(self, raw: str) -> str:
        """The article's infoCode as finews stores it."""
        return raw

    def prepare(self, item: Mapping[str, Any]) -> Mapping[str, Any]:
        """An item as the mapping to `FeedEntry` reads it (a kind whose items need undoing first overrides this)."""
        return item


class LegacyKind(FeedKind):
    """The 2021 feeds (SOURCE-SITE.md §1): `rc: 1` and the list beside it, `NW…` codes."""

    base = "api"

    def data(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        if payload.get("rc", 1) != 1:
            raise FeedError(f"rc={payload.get('rc')!r}")
        return payload


class TodayKind(FeedKind):
    """Today's lists (SOURCE-SITE.md §6): a `data` object holding the item list, 18-digit codes.

    An answer is judged by its list, not its `code`: clients' fixtures show
    `"1"`, `0`, `"0"` and no code at all beside a list (§6a).  An answer
    without its list is never "no news": a FeedError says what it held.
    """

    base = "list"
    needs = ("column",)

    def data(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        data = payload.get("data")
        if isinstance(data, Mapping) and isinstance(data.get(self.keys.items), list):
            return data
        said = f"code={payload.get('code')!r} ({payload.get('message', '')!s:.80})"
        if data is None:
            raise FeedError(f"data: null, {said} (the source wants sortEnd and req_trace)")
        if not isinstance(data, Mapping):
            raise FeedError(f"data is {type(data).__name__}, not an object, {said}")
        raise FeedError(f"no {self.keys.items!r} list in the answer, {said}")

    def code(self, raw: str) -> str:
        return article_code(raw) or raw  # one article across generations, one row (a bad code is rejected later)
