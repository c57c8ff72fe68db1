"""Category slugs: toneless pinyin of a media name, as the original site used.

pypinyin reads phrases, so polyphones come out right (重庆日报 → chongqingribao,
银行家 → yinhangjia, 央行 → yanghang); the original site's slugs got some of
these wrong (央行网站 → `yangxingwangzhan`), which a config override can pin.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from functools import lru_cache

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)  # a crawl names a few hundred media, each thousands of times
def pinyin_slug(name: str) -> str:
    """Toneless pinyin without separators; ASCII letters and digits kept, lower case.

    pypinyin's phrase dictionary costs ~35 MB and 0.15-0.5 s to load: it is
    loaded for the first article that needs a slug (`load_dictionary`, in a
    thread during a crawl), never by a run that stores nothing (an unchanged
    scheduled run).
    """
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="default", strict=False)
    return _NOT_SLUG.sub("", "".join(syllables).lower())


def load_dictionary() -> None:
    """Import pypinyin and its phrase dictionary, so the next `pinyin_slug` costs only its lookup."""
    importlib.import_module("pypinyin")


def category_slug(name: str, overrides: Mapping[str, str] | None = None) -> str:
    """The slug for a media name, an override from the config winning."""
    if overrides and name in overrides:
        return overrides[name]
    return pinyin_slug(name)
