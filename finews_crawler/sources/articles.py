"""Where an article is read, in order: its page, then the pages that stand in when that one has no body.

Today's article page (`/a/{code}.html`) falls back to the mobile page
(SOURCE-SITE.md §6); a 2021 share page, or any chain whose pages have no
body, to the text API (§3).  The spider requests `endpoints(...)[0]` and
moves down the list only as far as it must.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from finews_crawler.sources.pages import PageFields, desktop, mobile, read_page, read_text_api, text_api


@dataclass(frozen=True)
class Bases:
    """The configured bases an article's pages are fetched from ("" where not configured)."""

    page: str = ""
    mobile: str = ""
    share: str = ""
    api: str = ""


@dataclass(frozen=True)
class Endpoint:
    """One place an article can be read.

    `page`: an HTML page (read by a template, else by the generic
    extractor); otherwise an API answer.  `missing_without_body`: a page
    with no article container here means the article is missing, not that
    the layout changed (today's pages, SOURCE-SITE.md §6), so the next
    endpoint is tried and, at the end, the article is settled as gone.
    """

    name: str
    url: str
    read: Callable[[str, datetime | None], PageFields]  # the answer, and the article's listed time
    page: bool = True
    missing_without_body: bool = False
    # What the source's own site sends asking for it (FINEWS_HEADERS["page"] adds to them): a reader comes
    # to an article from the source's lists.
    headers: tuple[tuple[str, str], ...] = (("Referer", "https://finance.eastmoney.com/"),)


def endpoints(bases: Bases, info_code: str) -> list[Endpoint]:
    """The endpoints of one article, in the order they are tried."""
    if bases.page:
        chain = [Endpoint("page", desktop.article_url(bases.page, info_code), read_page, missing_without_body=True)]
        if bases.mobile:
            chain.append(Endpoint("mobile", mobile.article_url(bases.mobile, info_code), read_page,
                                  missing_without_body=True))
    else:
        chain = [Endpoint("share", desktop.share_url(bases.share, info_code), read_page)]
    if bases.api:
        chain.append(Endpoint("text_api", text_api.url(bases.api, info_code), read_text_api, page=False))
    return chain
