"""A page no template knows: the generic main-content extractor (trafilatura)."""

from __future__ import annotations

import difflib
import re

from ...items import GENERIC_TEMPLATE
from .markup import has_text, squash
from .template import TITLE_SUFFIX, PageError, PageFields

GENERIC = GENERIC_TEMPLATE
_EXTRACTED_BODY = re.compile(r"^\s*<html>\s*<body>(?P<body>.*)</body>\s*</html>\s*$", re.S)


def generic_page(html: str, listed_title: str = "") -> PageFields:
    """A page no template knows: trafilatura's main content and title, flagged as `generic`.

    trafilatura (imported here, by the first page that needs it) finds the
    article in any page skeleton; what it returns goes through the same
    cleaning and sanitising as any body.  Main content is a guess, so it
    is taken only when the page is the article the feed listed: its whole
    title and the listed title are the same but for a few characters
    (`same_title`).  A maintenance page titled `A股` is not the article
    「A股三大指数集体收涨」, though the one names part of the other.
    Otherwise, or when it finds nothing, a PageError.
    """
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")  # one-sentence news items are articles too
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    extracted = trafilatura.extract(html, output_format="html", include_tables=True, include_formatting=True,
                                    include_links=True, favor_recall=True, config=config) or ""
    match = _EXTRACTED_BODY.match(extracted)
    body = match.group("body").strip() if match else extracted
    if not has_text(body):
        raise PageError("no known article container, and the generic extractor found no article either")
    metadata = trafilatura.extract_metadata(html)
    title = TITLE_SUFFIX.sub("", metadata.title or "") if metadata is not None else ""
    if listed_title and not same_title(title, listed_title):
        raise PageError(f"no known article container, and the page's title {title[:60]!r} is not the listed "
                        f"title {listed_title[:60]!r}")
    return PageFields(template=GENERIC, title=title, time=(metadata.date or "") if metadata else "", body_html=body)


# How alike two whole titles must be (difflib's ratio) to name one article: a changed punctuation mark or two.
TITLE_LIKENESS = 0.9
_NOT_WORDS = re.compile(r"[\s\W_]+")


def same_title(page_title: str, listed_title: str) -> bool:
    """Whether a page's title is the listed title, compared whole (site suffix, spaces and punctuation aside)."""
    page, listed = (_NOT_WORDS.sub("", TITLE_SUFFIX.sub("", squash(t))) for t in (page_title, listed_title))
    return bool(page) and bool(listed) and difflib.SequenceMatcher(None, page, listed).ratio() >= TITLE_LIKENESS
