"""Today's lists in every shape other public clients' fixtures show (SOURCE-SITE.md §6a), a list that gives no
way on, each endpoint's headers, and a backfill by time: never a silent partial crawl."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.domain.dates import BEIJING
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.today import NO_CURSOR, SHAPES, code_of
from finews_crawler.sources.feeds import KINDS, FeedEntry
from finews_crawler.sources.feeds.kind import TODAY_CODE
from finews_crawler.sources.feeds.fast import real_sort
from finews_crawler.sources.feeds.paging import End, paging_end
from finews_crawler.sources.feeds.kind import NextPage
from helpers import read_post

FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS": "16",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}  # the pace is test_politeness.py's


def _settings(tmp_path, url: str, **extra: str) -> dict[str, str]:
    return {"FINEWS_SOURCE": "eastmoney", "FINEWS_LIST_BASE": url, "FINEWS_PAGE_BASE": url,
            "FINEWS_MOBILE_BASE": f"{url}/m", "FINEWS_FEED_PAGE_SIZE": "30", "FINEWS_FEED_MAX_PAGES": "50",
            "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site"),
            **FAST, **extra}


def _stored(tmp_path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        return {code: (title, published) for code, title, published
                in connection.execute("select info_code, title, published_at from articles")}


def _listed_today(site) -> set[str]:
    """What today's two lists name: the fast list's (roll) articles and column 1207's (media-named) ones."""
    return {f"NW{code_of(a)}" for a in site.articles if a.status == "ok" and a.showtime and a.title
            and TODAY_CODE.fullmatch(code_of(a))}


@pytest.mark.e2e
def test_every_shape_of_todays_lists_is_read_whole_as_the_plain_answer_is(tmp_path, replay_site):
    """Pages capped at 10, no sortEnd (paged on by realSort, some in milliseconds), an item twice in a page,
    empty titles, column answers with no code: every article stored, titled, and the run exits 0."""
    with ReplayServer(replace(replay_site, shapes=SHAPES)) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
        kinds = server_stats(server)["kinds"]
    assert returncode == 0, log[-3000:]
    assert kinds["fast"] > 5 and kinds["column"] >= 5  # many pages of ten: both lists were paged through
    stored = _stored(tmp_path)
    expected = _listed_today(replay_site) - {code for code, in _gone(tmp_path)}
    assert set(stored) == expected
    titles = {f"NW{code_of(a)}": " ".join(a.title.split()) for a in replay_site.articles}
    assert all(title for title, _ in stored.values())
    assert sum(stored[code][0] == titles[code][:300] for code in stored) >= len(stored) - 2  # headlines from summaries
    assert "finews/feeds/listed_again" in stats  # the repeated items are one article each
    assert "read only in part" not in log


def _gone(tmp_path) -> list[tuple[str]]:
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        return connection.execute("select info_code from gone").fetchall()


@pytest.mark.e2e
def test_a_full_page_with_no_way_on_is_a_counted_anomaly_the_status_says_so_and_the_next_run_reads_on(
        tmp_path, replay_site):
    with ReplayServer(replace(replay_site, shapes=frozenset({NO_CURSOR}))) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
        assert returncode == 5, log[-3000:]
        assert stats["finews/errors/feed_anomaly"] == 1
        assert "Feed fast page 1" in log and "ends in a page of items with no way to the next one" in log
        assert log.rstrip().splitlines()[-1].endswith(
            "finews: feeds read only in part, the next run reads on from there: fast (page 1: a page of items with "
            "no way to the next one) (exit status 5)")
        server.replace_site(replay_site)  # the list gives its cursor again
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
    assert returncode == 0, log[-3000:]
    assert "An earlier run did not read feed fast to its end" in log
    assert set(_stored(tmp_path)) == _listed_today(replay_site) - {code for code, in _gone(tmp_path)}


@pytest.mark.e2e
def test_a_backfill_stores_exactly_the_articles_of_its_window(tmp_path, replay_site):
    since, until = "2022-05-01", "2022-05-30T12:00"
    with ReplayServer(replay_site) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url), "-a", f"since={since}",
                                           "-a", f"until={until}")
    assert returncode == 0, log[-3000:]
    start, end = datetime(2022, 5, 1, tzinfo=BEIJING), datetime(2022, 5, 30, 12, tzinfo=BEIJING)
    inside = {f"NW{code_of(a)}" for a in replay_site.articles if f"NW{code_of(a)}" in _listed_today(replay_site)
              and start <= datetime.strptime(a.showtime, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING) < end}
    assert inside and set(_stored(tmp_path)) == inside - {code for code, in _gone(tmp_path)}
    assert stats["finews/feeds/outside_window"] > 0
    for path in (tmp_path / "site" / "_posts").glob("*.md"):
        assert "2022-05-01" <= read_post(path)[0]["date"][:10] <= "2022-05-30"


@pytest.mark.parametrize("since, until, message", [
    ("2026-11-15", "2026-11-01", "is not before -a until="),
    ("yesterday", None, "-a since='yesterday': expected a date or date-time"),
])
def test_a_bad_backfill_window_is_one_line_and_status_2(tmp_path, since, until, message):
    args = ["-a", f"since={since}"] + (["-a", f"until={until}"] if until else [])
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_DEMO": "1"}, *args)
    assert returncode == 2 and message in log.strip().splitlines()[-1]


def test_paging_ends_only_for_a_named_reason_and_a_missing_or_stuck_cursor_is_read_in_part():
    common = {"items": 10, "all_known": False, "past_window": False, "page": 2, "max_pages": 10}
    assert paging_end(**common, following=NextPage(3, "5"), cursor="9") is None
    assert paging_end(**common, following=None, cursor="9") is End.NO_WAY_ON
    assert paging_end(**common, following=NextPage(3, "9"), cursor="9") is End.CURSOR_STUCK
    assert paging_end(**{**common, "items": 0}, following=None, cursor="") is End.EMPTY
    assert paging_end(**{**common, "page": 10}, following=NextPage(11), cursor="") is End.MAX_PAGES


def test_the_fast_list_pages_on_by_sort_end_else_by_its_oldest_real_sort_on_one_scale():
    fast = KINDS["fast"]
    answer = {"data": {"fastNewsList": [{"realSort": "1773814478044522"}, {"realSort": "1773814400123"}]}}
    assert fast.next_page(1, answer) == NextPage(2, "1773814400123999")  # milliseconds on the 16-digit scale
    assert fast.next_page(1, {"data": {**answer["data"], "sortEnd": "1773814000000000"}}).cursor == "1773814000000000"
    assert fast.next_page(1, {"data": {"fastNewsList": [{"title": "no cursor"}]}}) is None
    assert real_sort("abc") is None and real_sort(1773814478044522) == 1773814478044522


@pytest.mark.parametrize("payload", [{"data": {"list": []}}, {"code": 0, "data": {"list": []}},
                                     {"code": "0", "message": "", "data": {"list": []}}])
def test_a_column_answer_is_judged_by_its_list_not_its_code(payload):
    assert KINDS["column"].items(payload) == []


def test_each_list_sends_the_headers_its_own_page_would_and_configured_ones_win():
    from finews_crawler.config import FinewsConfig
    from finews_crawler.spiders.finews import FinewsSpider
    from helpers import crawler_with

    crawler = crawler_with(FinewsSpider, FINEWS_SOURCE="eastmoney", FINEWS_WATCH=["600519"],
                           FINEWS_HEADERS={"column": {"Referer": "https://x/"}, "search": {"Cookie": "qgqp=1"}})
    spider = FinewsSpider.from_crawler(crawler)
    config = FinewsConfig.of(crawler)
    fast, column, search = (spider._feed_request(feed, 1) for feed in config.feeds)
    assert fast.headers[b"Referer"] == b"https://kuaixun.eastmoney.com/" and column.headers[b"Referer"] == b"https://x/"
    # The search page's own headers, with the configured ones added: one option for every kind.
    assert (search.headers[b"Referer"], search.headers[b"Cookie"]) == (b"https://so.eastmoney.com/", b"qgqp=1")
    assert search.headers[b"Accept-Language"] == b"zh-CN,zh;q=0.9"
    page = spider.article_request(FeedEntry("NW202204282363799455"))
    assert page.headers[b"Referer"] == b"https://finance.eastmoney.com/" and config.headers["column"]


@pytest.mark.e2e
def test_a_flash_without_an_article_page_is_stored_from_its_summary_unless_the_summary_is_cut_short(
        tmp_path, replay_site):
    from finews_crawler.replay.site import ReplayArticle

    flash = ReplayArticle("NW202206080000000001", "快讯：央行开展逆回购操作", "2022-06-08 09:15:00", "", "央行今日开展2000亿元"
                          "7天期逆回购操作，中标利率2.1%。", "", ("roll",), status="missing")
    cut = replace(flash, info_code="NW202206080000000002", title="快讯：截断", digest="这是一条被截断的快讯[点击查看全文]")
    site = replace(replay_site, articles=[*replay_site.articles, flash, cut])
    with ReplayServer(site) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
    assert returncode == 0, log[-3000:]
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        rows = dict(connection.execute("select info_code, template || ':' || body from articles "
                                       "where info_code like 'NW20220608%'").fetchall())
        gone = {code for code, in connection.execute("select info_code from gone")}
    assert rows[flash.info_code].startswith("summary:") and "中标利率2.1%" in rows[flash.info_code]
    assert cut.info_code not in rows and cut.info_code in gone
    assert stats["finews/pages/summary"] == 1


def test_todays_page_titles_in_div_title_and_names_the_media_in_a_sourcebox():
    from finews_crawler.sources.pages import read_page

    page = ('<html><head><title>沪指收涨 _ 东方财富网</title></head><body><div class="newsContent"><div class="title">'
            '沪指收涨</div><div class="infos"><div class="item">2026年08月19日 17:46</div></div>'
            '<div class="txtinfos" id="ContentBody"><p>正文。</p></div></div><div class="sourcebox">文章来源：'
            '东方财富Choice数据 郑重声明：东方财富发布此内容旨在传播更多信息，与本站立场无关。</div></body></html>')
    read = read_page(page)
    assert (read.title, read.media, read.time) == ("沪指收涨", "东方财富Choice数据", "2026年08月19日 17:46")


@pytest.mark.parametrize("sublab, original", [
    ("原标题：沪指收涨0.5% 券商板块领涨", "沪指收涨0.5% 券商板块领涨"),
    ("原标题: <b>旧标题</b> ", "旧标题"),
    ("责任编辑：王某", ""),  # a sublab that does not say 原标题 names no title
])
def test_an_original_title_in_div_sublab_is_read_apart_from_the_title(sublab, original):
    from finews_crawler.sources.pages import read_page

    page = ('<html><body><div class="newsContent"><h1>沪指收涨</h1>'
            f'<div class="sublab">{sublab}</div><div class="infos"><div class="item">2026年08月19日 17:46</div></div>'
            '<div class="txtinfos" id="ContentBody"><p>正文。</p></div></div></body></html>')
    read = read_page(page)
    assert (read.title, read.original_title) == ("沪指收涨", original)
    assert "原标题" not in read.body_html
