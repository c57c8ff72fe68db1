"""storage/ledger.py: what the spider asks the database, on a real SQLite file (PostgreSQL too with the marker)."""

import asyncio
from datetime import timedelta

import pytest

from finews_crawler.sources.feeds import FeedEntry
from finews_crawler.storage.database import ArticleStore
from finews_crawler.storage.ledger import Ledger
from helpers import row_values

CODE = "NW202204282363799455"


@pytest.fixture
def ledger(database_url):
    ledger = asyncio.run(Ledger.open(database_url))
    yield ledger
    asyncio.run(ledger.close())


def test_a_stored_article_is_known_unless_the_run_refreshes(ledger):
    ledger.store.upsert(row_values())
    assert asyncio.run(ledger.known({CODE, "NW202205312399000001"})) == {CODE}
    refreshing = Ledger(ledger.store, refresh=True)
    assert asyncio.run(refreshing.known({CODE})) == set()
    stale = Ledger(ledger.store, refresh_max_age=timedelta(days=1))  # last checked (fetched) long before that
    assert asyncio.run(stale.known({CODE})) == set()


def test_a_dispatched_entry_is_laid_over_what_is_stored_and_pending_until_stored(ledger):
    ledger.store.upsert(row_values(media="财联社", feeds=["media"]))
    listed = FeedEntry(CODE, title="", time="", feeds=["roll"])
    [entry], stored_times = asyncio.run(ledger.dispatch([listed]))
    assert (entry.media, entry.feeds, entry.title) == ("财联社", ["media", "roll"], "标题")  # a fact added, none lost
    assert stored_times == {CODE: "2022-04-28 13:52:55"}
    assert [e.info_code for e in asyncio.run(ledger.pending())] == [CODE]
    asyncio.run(ledger.mark_gone({CODE: "withdrawn"}))
    assert asyncio.run(ledger.pending()) == []


def test_a_feed_a_run_did_not_finish_is_named_to_the_next(ledger):
    assert asyncio.run(ledger.start_paging(["roll", "fast"])) == set()
    asyncio.run(ledger.finish_paging("fast"))
    again = Ledger(ArticleStore.from_url(str(ledger.store.engine.url)))
    assert asyncio.run(again.start_paging(["roll", "fast"])) == {"roll"}
    again.store.close()
