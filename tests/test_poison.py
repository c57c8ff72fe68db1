"""One poisoned field of one item touches only that item (issue 23, class 1).

Property tests poison one field of one item at a time, in every feed kind's answer (the 2021
feeds and today's lists, as the replay site writes them), in article pages and in text-API
answers: the item is a counted drop or a clean entry, its siblings are read exactly as
without the poison, and nothing raises. A real crawl then serves fixed poisons (an offset no
clock has, a date in year 9999, NUL characters, a feed answer nested 100,000 levels deep) and
checks every sibling is stored, on SQLite and on PostgreSQL, and that the next run is not failed
by the same items again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import create_engine, text

from conftest import run_crawl
from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import ReplayArticle, ReplaySite, Response
from finews_crawler.sources.feeds import FeedEntry, FeedError, FeedSpec, TODAY_FEEDS, decode_payload, entries
from finews_crawler.sources.pages import PageError, read_page, read_text_api

TIMES = ["2025-03-01T10:00:00+99:00", "9999-12-31T23:59:59-14:00", "9999-12-31 23:59:59", "2022-04-28T13:52:55+24:00",
         "2022-04-28 13:52:55\x00", "\x00", "0000-00-00 00:00:00"]
POISON = st.one_of(
    st.sampled_from(TIMES),
    st.text(max_size=40),  # NUL, controls, surrogates' neighbours, anything
    st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just([[[[[[]]]]]]),
)
FEEDS = [FeedSpec("roll", "roll", category="emnews", tag="东财滚动新闻"), FeedSpec("media", "media"),
         FeedSpec("market37", "market", market_type=37), *TODAY_FEEDS]


@pytest.fixture(scope="module")
def pages(replay_site: ReplaySite) -> dict[str, list[dict]]:
    """Three real items of each feed kind, decoded from the replay site's own answers."""
    found = {}
    for feed in FEEDS:
        url = feed.url("http://replay", 1, 3)
        parts = urlsplit(url)
        answer = replay_site.respond(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
        payload = decode_payload(answer.body.decode("utf-8"))
        found[feed.name] = feed.endpoint.items(payload)
        assert len(found[feed.name]) == 3, feed.name
    return found


def _read(feed: FeedSpec, items: list) -> list[FeedEntry | object]:
    return list(entries(feed, items))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(feed=st.sampled_from(FEEDS), victim=st.integers(0, 2), data=st.data(), poison=POISON)
def test_a_poisoned_field_of_one_feed_item_costs_only_that_item(pages, feed, victim, data, poison):
    clean = [dict(item) for item in pages[feed.name]]
    field = data.draw(st.sampled_from(sorted(clean[victim])), label="field")
    poisoned = [dict(item) for item in clean]
    poisoned[victim][field] = poison
    before, after = _read(feed, clean), _read(feed, poisoned)
    assert len(after) == 3
    for index in range(3):
        if index != victim:
            assert after[index] == before[index]
    one = after[victim]
    if isinstance(one, FeedEntry):  # a clean entry: a time it keeps is a real one, no text holds a NUL
        assert parse_beijing_time(one.time) is not None
        assert "\x00" not in one.title + one.media + one.digest + one.time


@given(poison=POISON)
@settings(max_examples=60, deadline=None)
def test_a_poisoned_page_field_is_a_page_or_a_page_error_never_a_crash(poison):
    value = poison if isinstance(poison, str) else json.dumps(poison)
    html = ('<html><head><title>标题_东方财富网</title></head><body><div class="newsContent"><h1>{t}</h1>'
            '<div class="infos"><div class="item">{t}</div><div class="item">来源：{t}</div></div>'
            '<div class="txtinfos" id="ContentBody"><p>正文。{t}</p></div></div></body></html>').format(t=value)
    try:
        page = read_page(html)
    except PageError:
        return
    assert "\x00" not in page.title + page.media + page.time


@given(field=st.sampled_from(["rc", "title", "showtime", "medianame", "text", "content"]), poison=POISON)
@settings(max_examples=80, deadline=None)
def test_a_poisoned_text_api_field_is_a_page_or_a_page_error_never_a_crash(field, poison):
    payload = {"rc": 1, "infoCode": "NW202204282363799455", "title": "标题", "showtime": "2022-04-28 13:52:55",
               "medianame": "财联社", "text": "<p>正文。</p>", field: poison}
    try:
        page = read_text_api(json.dumps(payload))
    except PageError:
        return
    assert "\x00" not in page.title + page.media + page.time + page.body_html


@pytest.mark.parametrize("depth", [100_000])
def test_an_answer_nested_beyond_reading_is_a_feed_or_page_error(depth):
    for deep in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        with pytest.raises(FeedError, match="nested too deeply"):
            decode_payload(deep)
        with pytest.raises(PageError, match="nested too deeply"):
            read_text_api(deep)


# -- a real crawl of poisoned answers ------------------------------------------------------------------

SIBLINGS = [f"NW20220605000000{n:04d}" for n in range(1, 4)]
PARAGRAPH = "<p>沪深两市今日窄幅震荡，成交额维持在万亿元上下。</p>"


def _poisoned_site(base: ReplaySite) -> ReplaySite:
    """A media feed of siblings and poisoned items; a market feed whose second page is nested too deeply."""
    def article(code: str, **fields: object) -> ReplayArticle:
        return replace(ReplayArticle(code, f"正常标题{code[-2:]}", "2022-06-05 10:00:00", "证券时报", "", PARAGRAPH,
                                     ("media",)), **fields)
    articles = [article(code) for code in SIBLINGS] + [
        article("NW202206050000000011", showtime="2025-03-01T10:00:00+99:00"),
        article("NW202206050000000012", showtime="9999-12-31T23:59:59-14:00"),
        article("NW202206050000000013", showtime="9999-12-31 23:59:59"),
        article("NW202206050000000014", title="含\x00空字符的标题"),
        article("NW202206050000000015", template="shell", body="<p>正文含\x00空字符。</p>" + PARAGRAPH),
        article("NW202206050000000016", feeds=("market37",)),
    ]
    deep = b"[" * 100_000 + b"]" * 100_000
    overrides = {"feed:market37:2": Response(200, "application/json", deep, "feed")}
    return ReplaySite(articles, base.templates, overrides)


STORED = {*SIBLINGS, "NW202206050000000014", "NW202206050000000015", "NW202206050000000016"}


def test_a_crawl_of_poisoned_answers_stores_every_sibling_and_the_next_run_is_not_failed_again(
        tmp_path, replay_site, database_url):
    with ReplayServer(_poisoned_site(replay_site)) as server:
        settings_ = {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": database_url,
                     "FINEWS_EXPORT_DIR": str(tmp_path / "site")}
        returncode, log, stats = run_crawl(tmp_path, settings_)
        assert "Traceback" not in log and "RecursionError" not in log
        assert stats["finews/dropped/no_time"] == 3 and stats["finews/errors/feed"] == 1, log[-3000:]
        engine = create_engine(database_url)
        with engine.connect() as connection:
            rows = dict(connection.execute(text("select info_code, title || body_raw || body || post from articles")).all())
        engine.dispose()
        assert set(rows) == STORED and not any("\x00" in value for value in rows.values())
        returncode, log, stats = run_crawl(tmp_path, settings_)
        assert stats.get("finews/articles/new", 0) == 0 and "finews/errors/database" not in stats, log[-3000:]


class _Exploding(dict):
    """An item whose every read fails: what no parser of ours foresaw."""

    def get(self, key, default=None):
        raise RuntimeError("boom")


def test_an_item_whose_reading_fails_in_an_unforeseen_way_is_a_counted_drop_and_its_siblings_are_read(pages):
    feed = FEEDS[1]
    clean = list(pages[feed.name])
    read = _read(feed, [clean[0], _Exploding(clean[1]), clean[2]])
    assert read[0] == _read(feed, clean)[0] and read[2] == _read(feed, clean)[2]
    assert read[1].reason == "bad_feed_item" and "RuntimeError: boom" in read[1].detail
