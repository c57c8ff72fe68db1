"""Which category and tags a post gets.

A feed that names the media outlet makes the media decide (category = its
pinyin slug, tag `{media}新闻`).  An article only listed by a feed with a
fixed category (the roll feed: `emnews` / `东财滚动新闻`) gets that.  The
config's override map pins slugs for names pypinyin reads differently from
the site's history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Protocol

from finews_crawler.domain.pinyin import category_slug

TAG_SUFFIX = "新闻"


class FixedFeed(Protocol):
    """A feed that files every article it alone lists under one category (`FeedSpec`: the roll feed's emnews)."""

    category: str | None
    tag: str | None


MAX_SLUG = 60  # characters: a file name (category/{slug}.html) stays far below the file system's limit


def media_slug(media: str, overrides: Mapping[str, str]) -> str:
    """The slug for a media name; a name with no pinyin or ASCII gets a stable hash slug, a long one a stable short one."""
    digest = hashlib.sha1(media.encode("utf-8")).hexdigest()[:10]
    slug = category_slug(media, overrides) or "m" + digest
    return slug if len(slug) <= MAX_SLUG else slug[: MAX_SLUG - len(digest)] + digest


def fixed_category(named_by_feed: bool, feeds: Iterable[str], specs: Mapping[str, FixedFeed]) -> tuple[str, list[str]] | None:
    """(category, tags) of a feed with a fixed category that listed the article, unless a feed named its media."""
    if named_by_feed:
        return None
    fixed = next((specs[name] for name in feeds if name in specs and specs[name].category), None)
    if fixed is not None and fixed.category and fixed.tag:
        return fixed.category, [fixed.tag]
    return None


def categorise(source: str, named_by_feed: bool, feeds: Iterable[str], specs: Mapping[str, FixedFeed],
               overrides: Mapping[str, str]) -> tuple[str, list[str]]:
    """(category, tags) of an article from its media and the feeds that listed it."""
    return fixed_category(named_by_feed, feeds, specs) or (media_slug(source, overrides), [f"{source}{TAG_SUFFIX}"])
