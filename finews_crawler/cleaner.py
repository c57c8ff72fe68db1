"""The cleaning step of one article: what the clean pipeline's worker processes run.

Kept apart from the pipeline so a worker imports only the cleaning code
(lxml, nh3, the securities reader), not Scrapy.
"""

from __future__ import annotations

from .cleaning import DIGEST_LIMIT, TITLE_LIMIT, clean_body, clean_name, clean_text, text_of_markup, unsafe_to_clean
from .items import Article
from .securities import securities_in

Dropped = tuple[str, str]  # (drop reason, message)


def clean_article(item: Article) -> Dropped | None:
    """Clean an article in place; (drop reason, message) when nothing usable is left. Touches no shared state."""
    item.title = clean_text(item.title, TITLE_LIMIT)
    item.digest = text_of_markup(item.digest, DIGEST_LIMIT)
    item.media, item.page_media = clean_name(item.media), clean_name(item.page_media)
    if (unsafe := unsafe_to_clean(item.body_raw)) is not None:
        return "unsafe_markup", f"{item.info_code}: {unsafe}"
    item.securities = securities_in(item.body_raw, item.stock_list)  # before cleaning unwraps the quote links
    item.body = clean_body(item.body_raw, item.share_url)  # relative URLs resolve as readers see them
    if not item.body:
        return "empty_body", f"{item.info_code}: nothing of the body is left after cleaning"
    return None


def cleaned_copy(item: Article) -> tuple[Article, Dropped | None]:
    """`clean_article` in a worker process: the cleaned item travels back."""
    return item, clean_article(item)
