"""The article item that flows from the spider through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from finews_crawler.domain.securities import Security

# The `template` of an article read by the generic extractor (a page no template knows): a guess, flagged.
GENERIC_TEMPLATE = "generic"


@dataclass
class Article:
    """One article: what the crawl found (raw) and what the pipelines derive.

    Feed facts (`media`, the time text) are kept apart from the page's
    (`page_media`) so the pipelines can rank them: the feed wins.
    """

    info_code: str
    url: str
    share_url: str
    title: str = ""
    original_title: str = ""  # the title the article first ran under, where its page says (`原标题：…`)
    time_text: str = ""
    published: datetime | None = None
    media: str = ""
    page_media: str = ""
    digest: str = ""
    feeds: list[str] = field(default_factory=list)
    stock_list: list[str] = field(default_factory=list)  # secids the feeds named (raw, SOURCE-SITE.md §7)
    template: str = ""
    body_raw: str = ""
    fetched_at: datetime | None = None
    # Filled in by the pipelines.
    body: str = ""  # cleaned, without its attribution line until the attribution pipeline renders one
    line_media: str = ""  # what the body's attribution line named (cleaned), if it had one
    source: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    securities: list[Security] = field(default_factory=list)  # what the raw body and stockList name (securities.py)
