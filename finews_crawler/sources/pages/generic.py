"""A page no template knows: the generic main-content extractor (trafilatura)."""

from __future__ import annotations

import re

from .markup import has_text, squash
from .template import TITLE_SUFFIX, PageError, PageFields

GENERIC = "generic"
_EXTRACTED_BODY = re.compile(r"^\s*<html>\s*<body>(?P<body>.*)</body>\s*</html>\s*$", re.S)


def generic_page(html: str, listed_title: str = "") -> PageFields:
    """A page no template knows: trafilatura's main content and title, flagged as `generic`.

    trafilatura (imported here, by the first page that needs it) finds the
    article in any page skeleton; what it returns goes through the same
    cleaning and sanitising as any body.  Main content is a guess, so it
    is taken only when the page is the article the feed listed (its title
    names the listed title, or the other way round): an error page with
    the site's navigation around it is not an article.  Otherwise, or when
    it finds nothing, a PageError.
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
    if listed_title and not _same_title(title, listed_title):
        raise PageError(f"no known article container, and the page's title {title[:60]!r} is not the listed "
                        f"title {listed_title[:60]!r}")
    return PageFields(template=GENERIC, title=title, time=(metadata.date or "") if metadata else "", body_html=body)


def _same_title(page_title: str, listed_title: str) -> bool:
    page_title, listed_title = squash(page_title), squash(listed_title)
    return bool(page_title) and (listed_title in page_title or page_title in listed_title)
