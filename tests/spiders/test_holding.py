"""spiders/holding.py: which listed articles wait, and until when (no crawler needed)."""

from finews_crawler.sources.feeds import FeedEntry
from finews_crawler.spiders.holding import Holding


def test_a_roll_only_entry_waits_while_another_feed_pages_and_goes_when_the_last_one_ends():
    holding = Holding(paging={"roll", "media", "market37"})
    assert not holding.collect(FeedEntry("NW202204282363799455", feeds=["roll"]))
    assert not holding.collect(FeedEntry("NW202205302396506117", feeds=["roll"]))
    assert holding.feed_ended("market37") == [] and not holding.feeds_done  # the media feed may still list them
    # it does list one: that one is settled by the media's listing, the other still waits
    assert holding.collect(FeedEntry("NW202205302396506117", media="央行网站", feeds=["media"]))  # listed again
    assert holding.settled(holding.held["NW202205302396506117"])
    released = holding.feed_ended("media")  # only the roll feed pages on, and it lists them already
    assert sorted((e.info_code, e.media, e.feeds) for e in released) == [
        ("NW202204282363799455", "", ["roll"]), ("NW202205302396506117", "央行网站", ["media", "roll"])]
    assert holding.held == {} and not holding.feeds_done
    # a later roll page's entry has no other feed to wait for
    assert holding.settled(FeedEntry("NW202206010000000003", feeds=["roll"]))
    assert holding.feed_ended("roll") == [] and holding.feeds_done


def test_an_entry_whose_page_was_requested_is_not_held_again_and_ready_releases_only_settled_ones():
    holding = Holding(paging={"roll", "media"}, dispatched={"NW202204282363799455"})
    assert holding.collect(FeedEntry("NW202204282363799455", media="财联社", feeds=["media"]))
    assert holding.held == {}
    holding.collect(FeedEntry("NW202205302396506117", feeds=["roll"]))
    holding.collect(FeedEntry("NW202206010000000003", media="新华社", feeds=["media"]))
    ready = holding.ready({"NW202205302396506117", "NW202206010000000003"})
    assert [e.info_code for e in ready] == ["NW202206010000000003"]
    assert [e.info_code for e in holding.release_all()] == ["NW202205302396506117"] and holding.held == {}
