"""The eastmoney profile: today's lists and article pages (SOURCE-SITE.md §6), pointed at the replay site."""

from __future__ import annotations

import json
import sqlite3
from urllib.request import urlopen

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.sources.feeds import DEFAULT_FEEDS, TODAY_FEEDS
from helpers import post_body, read_post
from finews_crawler.testing.text import visible_text

pytestmark = pytest.mark.e2e


def _settings(tmp_path, url, **extra):
    # The pace is not under test here (tests/test_politeness.py is): the profile's delay is lifted.
    return {"FINEWS_SOURCE": "eastmoney", "FINEWS_LIST_BASE": url, "FINEWS_PAGE_BASE": url,
            "FINEWS_MOBILE_BASE": f"{url}/m", "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
            "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "FINEWS_FEED_PAGE_SIZE": "30",
            "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site"),
            **extra}


def _posts(tmp_path):
    return {path.stem.split("-", 3)[3]: path for path in (tmp_path / "site" / "_posts").glob("*.md")}


def test_the_eastmoney_profile_stores_every_article_as_the_legacy_profile_does(tmp_path, replay_server, crawl):
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server.url))
    assert returncode == 0, log[-3000:]
    today, legacy = _posts(tmp_path), crawl.posts
    assert set(legacy) <= set(today)
    for code, path in legacy.items():
        front, rest = read_post(today[code])
        expected_front, expected_rest = read_post(path)
        for key in ("title", "date", "categories", "tags", "source"):
            assert front[key] == expected_front[key], (code, key)
        assert visible_text(post_body(rest)) == visible_text(post_body(expected_rest)), code
    assert stats["finews/pages/mobile"] >= 1  # script-shell articles came from today's mobile pages
    assert "全新妙想" not in "".join(p.read_text() for p in today.values())
    kinds = server_stats(replay_server)["kinds"]
    assert set(kinds) <= {"fast", "column", "page", "other"}  # no 2021 endpoint was asked


def test_an_article_both_generations_list_is_one_row_one_post_one_page_fetch(tmp_path, replay_server, replay_site):
    feeds = [{"name": f.name, "kind": f.kind, **({"market_type": f.market_type} if f.market_type else {}),
              **({"category": f.category, "tag": f.tag} if f.category else {}),
              **({"column": f.column} if f.column else {})} for f in (*TODAY_FEEDS, *DEFAULT_FEEDS)]
    returncode, log, _ = run_crawl(tmp_path, _settings(tmp_path, replay_server.url, FINEWS_API_BASE=replay_server.url,
                                                       FINEWS_FEEDS=json.dumps(feeds, ensure_ascii=False)))
    assert returncode == 0, log[-3000:]
    counted = server_stats(replay_server)["share_pages"]
    shells = {a.info_code for a in replay_site.articles if a.template == "shell"}
    assert counted and all(times == (2 if code in shells else 1) for code, times in counted.items()), counted
    # (a script-shell article's empty desktop page is followed by its mobile page: the one fallback fetch)
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        rows = connection.execute("select info_code, feeds from articles").fetchall()
    assert len(rows) == len({code for code, _ in rows}) == len(_posts(tmp_path))
    both = [code for code, listed in rows if {"fast", "roll"} <= set(json.loads(listed))]
    assert both, "no article listed by both generations"


def test_an_unchanged_rerun_reads_todays_lists_and_no_article_page(tmp_path, replay_server):
    settings = _settings(tmp_path, replay_server.url)
    assert run_crawl(tmp_path, settings)[0] == 0
    urlopen(f"{replay_server.url}/__reset").close()
    returncode, log, stats = run_crawl(tmp_path, settings)
    assert returncode == 0, log[-2000:]
    assert set(server_stats(replay_server)["kinds"]) <= {"fast", "column", "other"}
    assert stats.get("finews/articles/new", 0) == 0


def test_the_fast_list_answering_data_null_is_one_counted_feed_error(tmp_path, replay_site):
    from dataclasses import replace

    from finews_crawler.replay.server import ReplayServer
    from finews_crawler.replay.site import Response

    null = Response(200, "application/json", b'{"code":"1","message":"success","data":null}', "fast")
    broken = replace(replay_site, overrides={})
    broken.respond = lambda path, query: null if path == "/comm/web/getFastNewsList" else replay_site.respond(path, query)
    with ReplayServer(broken) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
    assert returncode == 5, log[-2000:]
    assert stats["finews/errors/feed"] == 1
    assert "Feed fast page 1 unreadable" in log and "data: null" in log


def test_the_fast_lists_stock_list_is_stored_on_the_article_as_given(tmp_path, replay_site):
    from dataclasses import replace

    from finews_crawler.replay.server import ReplayServer
    from finews_crawler.replay.site import ReplaySite
    from finews_crawler.replay.today import stock_list

    # The corpus's roll items name no security: give one the §7 markup, as today's items do.
    roll = next(a for a in replay_site.articles if a.feeds == ("roll",) and a.status == "ok" and a.showtime)
    marked = replace(roll, body=roll.body + '<p><span id="stock_1.600519"><a class="keytip">贵州茅台</a></span>'
                                            '与<span id="bk_90.BK0437"><a class="keytip">白酒</a></span></p>')
    site = ReplaySite([marked if a is roll else a for a in replay_site.articles], replay_site.templates)
    with ReplayServer(site) as server:
        assert run_crawl(tmp_path, _settings(tmp_path, server.url))[0] == 0
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        stored = {code: json.loads(stocks) for code, stocks in connection.execute("select info_code, stock_list from articles")}
    assert stored[roll.info_code] == stock_list(marked) == ["1.600519", "90.BK0437"]
    fast = [a for a in site.articles if "roll" in a.feeds and a.info_code in stored]
    assert all(stored[a.info_code] == stock_list(a) for a in fast)


def test_an_article_whose_pages_have_no_article_in_them_is_settled_as_gone_not_an_error(tmp_path, replay_site):
    """SOURCE-SITE.md §6: a page without #ContentBody is a missing article (here an error page in the site's chrome)."""
    from dataclasses import replace

    from finews_crawler.replay.server import ReplayServer
    from finews_crawler.replay.site import Response

    # a column article: a 7×24 flash without an article page is stored from its summary (test_today_shapes.py)
    gone = next(a for a in replay_site.articles if "roll" not in a.feeds and a.feeds and a.status == "ok"
                and a.showtime and a.media and a.template == "desktop")
    error_page = Response(200, "text/html; charset=utf-8", (
        "<html><head><title>页面不存在_东方财富网</title></head><body><nav><a href='/'>首页</a> <a href='/x'>财经</a>"
        "</nav><div class='error'><p>抱歉，您访问的页面不存在或已删除，请返回首页浏览更多资讯。</p></div>"
        "<footer>东方财富网版权所有</footer></body></html>").encode(), "page")
    site = replace(replay_site, overrides={})
    site.respond = lambda path, query: error_page if path.endswith(f"/a/{gone.info_code[2:]}.html") \
        else replay_site.respond(path, query)
    with ReplayServer(site) as server:
        settings = _settings(tmp_path, server.url)
        returncode, log, stats = run_crawl(tmp_path, settings)
        assert returncode == 0, log[-2000:]
        assert stats["finews/dropped/not_found"] >= 1 and stats["finews/extraction/none"] == 1
        assert not {k: v for k, v in stats.items() if k.startswith("finews/errors/")}
        assert f"{gone.info_code}: no article in any of its pages" in log
        assert gone.info_code not in _posts(tmp_path)
        urlopen(f"{server.url}/__reset").close()
        assert run_crawl(tmp_path, settings)[0] == 0
        assert set(server_stats(server)["kinds"]) <= {"fast", "column", "other"}  # settled: not fetched again
