"""Why a feed's paging ends after a page: every way is named, and those that leave the list unread are anomalies.

A feed ends where the list does (an empty page), where a run stops reading
(the first page of known articles, `FINEWS_FEED_MAX_PAGES`, a backfill's
window left behind), or where the answer gives no way on: a page of items
with no cursor to the next one, or a cursor that does not move.  The last
two leave the list read only in part: the run says so (exit status 5) and
the next one reads on from there (the `paging` table).
"""

from __future__ import annotations

from enum import StrEnum

from finews_crawler.sources.feeds.kind import NextPage


class End(StrEnum):
    EMPTY = "an empty page"
    ALL_KNOWN = "a page of known articles"
    MAX_PAGES = "FINEWS_FEED_MAX_PAGES"
    WINDOW = "the start of the backfill window"
    NO_WAY_ON = "a page of items with no way to the next one"
    CURSOR_STUCK = "a cursor that does not move"


IN_PART = frozenset({End.NO_WAY_ON, End.CURSOR_STUCK})


def paging_end(*, items: int, all_known: bool, past_window: bool, page: int, max_pages: int,
               following: NextPage | None, cursor: str) -> End | None:
    """Why paging ends after this page (`cursor`: the one it was asked with), or None to read the next."""
    if not items:
        return End.EMPTY
    if all_known:
        return End.ALL_KNOWN
    if past_window:
        return End.WINDOW
    if page >= max_pages:
        return End.MAX_PAGES
    if following is None:
        return End.NO_WAY_ON
    if following.cursor and following.cursor == cursor:
        return End.CURSOR_STUCK
    return None
