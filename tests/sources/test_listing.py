"""sources/feeds/listing.py: what one feed page lists, read without a crawler."""

from datetime import datetime

import pytest

from finews_crawler.domain.dates import BEIJING
from finews_crawler.sources.feeds import FeedEntry, FeedError, FeedSpec
from finews_crawler.sources.feeds.listing import read_listing, windowed

ROLL = FeedSpec("roll", "roll", category="emnews", tag="东财滚动新闻")


def _item(n: int, **fields):
    return {"infoCode": f"NW2022042823637994{n:02d}", "title": f"标题{n}", "showtime": "2022-04-28 13:52:55", **fields}


def test_a_page_is_read_up_to_twice_the_items_asked_and_the_rest_is_counted_as_cut():
    listing = read_listing(ROLL, 1, {"rc": 1, "records": [_item(n) for n in range(25)]}, asked=10)
    assert (listing.items, len(listing.entries), listing.cut) == (25, 20, 5)


def test_each_unusable_item_is_a_reason_and_its_siblings_are_read_on():
    payload = {"rc": 1, "records": [_item(1), _item(2, showtime=""), "not an object", _item(3, infoCode="x")]}
    listing = read_listing(ROLL, 1, payload, asked=10)
    assert [e.info_code for e in listing.entries] == ["NW202204282363799401"]
    assert {reason: len(details) for reason, details in listing.rejected.items()} == {
        "no_time": 1, "bad_feed_item": 1, "invalid_info_code": 1}


def test_an_answer_of_an_unexpected_shape_is_a_feed_error_not_a_crash():
    with pytest.raises(FeedError, match="unexpected shape|not a list"):
        read_listing(ROLL, 1, {"rc": 1, "records": {"a": 1}}, asked=10)


def test_the_window_keeps_what_was_published_inside_and_says_when_a_page_lies_before_it():
    entries = [FeedEntry("NW1234561", time="2026-11-15 12:00:00"), FeedEntry("NW1234562", time="2026-11-01 09:00:00")]
    since, until = datetime(2026, 11, 2, tzinfo=BEIJING), datetime(2026, 11, 15, 12, tzinfo=BEIJING)
    assert windowed(entries, since, until) == ([], False)  # until is outside; one is before since
    assert windowed(entries, None, None) == (entries, False)
    assert windowed(entries[1:], since, None) == ([], True)
    assert windowed(entries, datetime(2026, 11, 1, tzinfo=BEIJING), None) == (entries, False)
