"""Which facts make an article: the feed's over the page's, a stored time over a disagreeing listing.

The feeds and the article's pages each say what the article is (title,
time, media, digest); this module ranks them into one `Article`, and says
when a 7×24 flash's summary is its whole text (SOURCE-SITE.md §6a).  Pure:
the spider hands it an entry, a page and what is stored, and logs what it
decided.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from finews_crawler.domain.dates import parse_beijing_time, settled_time
from finews_crawler.items import GENERIC_TEMPLATE, Article
from finews_crawler.sources.pages import PageFields

# A 7×24 summary cut short: the article page has the rest (SOURCE-SITE.md §6a).
TRUNCATED = "[点击查看全文]"
SUMMARY_TEMPLATE = "summary"  # the `template` of a flash stored from its summary


def whole_summary(entry: dict[str, Any]) -> str:
    """A 7×24 flash's summary when it is the flash's whole text (§6a), or "": not a flash, or cut short."""
    summary = entry["digest"].strip()
    return summary if "fast" in entry["feeds"] and not summary.endswith(TRUNCATED) else ""


def summary_page(entry: dict[str, Any]) -> PageFields | None:
    """The page a flash without an article page is stored from: its whole summary; None for any other entry."""
    if not (summary := whole_summary(entry)):
        return None
    return PageFields(template=SUMMARY_TEMPLATE, body_html=f"<p>{html.escape(summary, quote=False)}</p>")


@dataclass(frozen=True)
class Ranked:
    """The article the facts make, and whether its stored time stayed against the feed's (the page disagreed)."""

    article: Article
    time_kept: bool


def ranked_article(entry: dict[str, Any], page: PageFields, url: str, share_url: str,
                   stored_time: str = "") -> Ranked:
    """Feed facts win over the page's: the feed time has seconds, the feed media is authoritative; a stored
    article's time moves only when its page agrees (`dates.settled_time`; a generic guess has no say)."""
    listed, stored, on_page = (parse_beijing_time(text) for text in (entry["time"], stored_time, page.time))
    trusted = on_page if page.template != GENERIC_TEMPLATE else None
    # Neither the feed nor a template's page says: what is stored stays; a new article takes the guess.
    published = settled_time(listed, trusted, stored) or stored or on_page
    kept = published is not None and published == stored and listed is not None and listed != stored
    time_text = next((text for text, when in ((entry["time"], listed), (stored_time, stored), (page.time, on_page))
                      if when is not None and when == published), entry["time"] or page.time)
    return Ranked(Article(
        info_code=entry["info_code"],
        url=url,
        share_url=share_url,
        title=page.title or entry["title"],
        original_title=page.original_title,
        time_text=time_text,
        published=published,
        media=entry["media"],
        page_media=page.media,
        digest=entry["digest"] or page.digest,
        feeds=list(entry["feeds"]),
        stock_list=list(entry.get("stocks", [])),
        template=page.template,
        body_raw=page.body_html,
        fetched_at=datetime.now(UTC),
    ), kept)
