"""What the database knows of the source's articles, asked from the crawl's event loop.

The spider asks which listed articles are known (stored, or settled as
gone), records the articles it dispatches as pending (a killed run's are
dispatched again), marks the feeds it is paging (a feed not read to its
end is read past its known pages next time) and, at the end, the articles
the source withdrew or lost.  Each call runs the blocking database work
on a thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from finews_crawler.sources.feeds import FeedEntry
from finews_crawler.storage.database import ArticleStore


class Ledger:
    def __init__(self, store: ArticleStore, refresh: bool = False, refresh_max_age: timedelta | None = None) -> None:
        self.store = store
        self.refresh = refresh  # every listed article is fetched again
        self.refresh_max_age = refresh_max_age  # a known article checked longer ago is fetched again

    @classmethod
    async def open(cls, database_url: str, refresh: bool = False,
                   refresh_max_age: timedelta | None = None) -> Ledger:
        """The ledger of the crawl's database (shared by the crawl's components: `ArticleStore.acquire`)."""
        return cls(await asyncio.to_thread(ArticleStore.acquire, database_url), refresh, refresh_max_age)

    async def known(self, codes: set[str]) -> set[str]:
        """The codes already stored or gone (and checked recently enough): they are not fetched again."""
        if self.refresh or not codes:
            return set()
        since = datetime.now(UTC) - self.refresh_max_age if self.refresh_max_age else None
        return await asyncio.to_thread(self.store.known, codes, since)

    async def start_paging(self, feeds: list[str]) -> set[str]:
        """Mark the feeds as being paged; the ones an earlier run left part-read."""
        return await asyncio.to_thread(self.store.start_paging, feeds)

    async def finish_paging(self, feed: str) -> None:
        """The feed is read to where a run stops: the next run may stop at its first known page again."""
        await asyncio.to_thread(self.store.finish_paging, feed)

    async def pending(self) -> list[FeedEntry]:
        """Articles an earlier run dispatched but never stored (it was killed)."""
        return [FeedEntry(**data) for data in await asyncio.to_thread(self.store.pending)]

    async def dispatch(self, entries: list[FeedEntry]) -> tuple[list[FeedEntry], dict[str, str]]:
        """Lay each entry over what is stored of it (a re-fetch adds facts, loses none) and record it as pending:
        (the entries, the stored time of those stored before)."""
        return await asyncio.to_thread(self._dispatch, entries)

    def _dispatch(self, entries: list[FeedEntry]) -> tuple[list[FeedEntry], dict[str, str]]:
        stored = self.store.feed_facts([entry.info_code for entry in entries])
        entries = [entry.over(FeedEntry(**stored[entry.info_code]) if entry.info_code in stored else None)
                   for entry in entries]
        self.store.add_pending([entry.to_dict() for entry in entries])
        return entries, {code: facts["time"] for code, facts in stored.items()}

    async def mark_gone(self, gone: dict[str, str]) -> None:
        """Remember articles (infoCode -> why) settled without a row: withdrawn, missing, unusable."""
        await asyncio.to_thread(self.store.mark_gone, gone)

    async def close(self) -> None:
        await asyncio.to_thread(self.store.release)
