"""The source's hosts: today's live bases, where its articles are published, and which bases are stand-ins.

A replay site on a loopback address (the bundled one, on a random port, or
any other) stands in for the real source: its articles link to the
source's public page, never to a local address.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address
from urllib.parse import urlsplit

from finews_crawler.sources.pages import desktop

# Today's live hosts (SOURCE-SITE.md §6), the eastmoney profile's bases unless set.
EASTMONEY = {"list": "https://np-listapi.eastmoney.com", "page": "https://finance.eastmoney.com",
             "mobile": "https://wap.eastmoney.com", "search": "https://search-api-web.eastmoney.com"}

# Where the articles of a replay site are published (the roll feed's `url_w`, SOURCE-SITE.md §6).
REPLAY_PUBLIC_BASE = "https://finance.eastmoney.com"


def is_loopback(base: str) -> bool:
    """Whether a base is on this machine (a replay site), not the source."""
    host = urlsplit(base).hostname or ""
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


PublicPage = tuple[Callable[[str, str], str], str]  # (the URL shape of an infoCode, its base)


def public_page(public_share_base: str, page_base: str, share_base: str) -> PublicPage:
    """Where readers reach an article: the configured public share base, else the page crawled, else (for a
    loopback stand-in) the source's own public page."""
    if public_share_base:
        return desktop.share_url, public_share_base
    if is_loopback(page_base or share_base):
        return desktop.article_url, REPLAY_PUBLIC_BASE
    if page_base:
        return desktop.article_url, page_base
    return desktop.share_url, share_base
