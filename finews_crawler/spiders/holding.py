"""Which listed articles wait before their page is fetched, and until when.

An article is fetched once no feed still paging could change what its
listing says: a feed that names the media settles it at once (the media
decides the category); an entry only the roll feed lists so far waits
until every other feed has finished paging, in case one of them lists it
too.  Pure bookkeeping: the spider asks, and requests what is released.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from finews_crawler.sources.feeds import FeedEntry


@dataclass
class Holding:
    paging: set[str] = field(default_factory=set)  # feeds whose paging has not ended
    held: dict[str, FeedEntry] = field(default_factory=dict)  # listed, not yet settled
    dispatched: set[str] = field(default_factory=set)  # infoCodes whose page was requested this run

    def settled(self, entry: FeedEntry) -> bool:
        """Whether no later listing can change what an entry says: its feed named the media, or every feed
        that has not listed it has finished paging."""
        return bool(entry.media) or self.paging <= set(entry.feeds)

    def collect(self, entry: FeedEntry) -> bool:
        """Hold a listed entry, merged with an earlier listing of it; True if it was listed before this run."""
        earlier = self.held.get(entry.info_code)
        if earlier is None:
            if entry.info_code in self.dispatched:
                return True
            self.held[entry.info_code] = entry
            return False
        # A feed that names the media outranks one that does not (the roll feed).
        earlier.merge(entry, prefer_other=bool(entry.media) and not earlier.media)
        return True

    def ready(self, codes: Iterable[str]) -> list[FeedEntry]:
        """The held entries among `codes` that are settled now, released."""
        return [self.held.pop(code) for code in codes if code in self.held and self.settled(self.held[code])]

    def feed_ended(self, feed: str) -> list[FeedEntry]:
        """A feed has no more pages to read (or failed): the entries it kept waiting, released."""
        self.paging.discard(feed)
        return self.ready(list(self.held))

    def release_all(self) -> list[FeedEntry]:
        """Every held entry (the engine is idle: a feed whose end went unseen keeps none waiting)."""
        released, self.held = list(self.held.values()), {}
        return released

    @property
    def feeds_done(self) -> bool:
        return not self.paging
