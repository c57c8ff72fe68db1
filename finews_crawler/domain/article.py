"""The cleaning step of one article: what the clean pipeline's helper processes run.

Kept apart from the pipeline so a worker imports only the cleaning code
(lxml, nh3, the securities reader), not Scrapy.  The attribution line is
taken out of the cleaned body here too, while the body is in the worker:
the attribution pipeline only names the media from what it said.
"""

from __future__ import annotations

from typing import Any

from finews_crawler.domain.attribution import split_attribution
from finews_crawler.domain.cleaning import DIGEST_LIMIT, TITLE_LIMIT, clean_body, clean_name, clean_text, text_of_markup, unsafe_to_clean
from finews_crawler.items import Article
from finews_crawler.domain.securities import securities_in
from finews_crawler.domain.markup import has_text

Dropped = tuple[str, str]  # (drop reason, message)

# What cleaning writes into an article: all a worker sends back (the raw body stays where it was).
CLEANED_FIELDS = ("title", "original_title", "digest", "media", "page_media", "securities", "body", "line_media")


def clean_article(item: Article) -> Dropped | None:
    """Clean an article in place; (drop reason, message) when nothing usable is left. Touches no shared state."""
    item.title = clean_text(item.title, TITLE_LIMIT)
    item.original_title = clean_text(item.original_title, TITLE_LIMIT)
    if item.original_title == item.title:  # a page that repeats its title names no other
        item.original_title = ""
    item.digest = text_of_markup(item.digest, DIGEST_LIMIT)
    item.media, item.page_media = clean_name(item.media), clean_name(item.page_media)
    if (unsafe := unsafe_to_clean(item.body_raw)) is not None:
        return "unsafe_markup", f"{item.info_code}: {unsafe}"
    # Before cleaning unwraps the quote links; the feeds' text names what the body's markup leaves unnamed.
    item.securities = securities_in(item.body_raw, item.stock_list, (item.title, item.digest))
    body = clean_body(item.body_raw, item.share_url)  # relative URLs resolve as readers see them
    if not body:
        return "empty_body", f"{item.info_code}: nothing of the body is left after cleaning"
    item.body, line_media = split_attribution(body)
    item.line_media = clean_name(line_media)
    if not has_text(item.body):
        return "empty_body", f"{item.info_code}: the body is only an attribution line"
    return None


def cleaned_fields(item: Article) -> tuple[dict[str, Any], Dropped | None]:
    """`clean_article` in a worker process: the fields it wrote travel back, not the whole article."""
    dropped = clean_article(item)
    return {name: getattr(item, name) for name in CLEANED_FIELDS}, dropped
