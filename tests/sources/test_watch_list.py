"""Following a watch-list: the per-stock search of each watched security, against the replay site's search."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.replay import today
from finews_crawler.replay.server import ReplayServer

pytestmark = pytest.mark.e2e


def _settings(tmp_path, url):
    # One 2021 feed besides the watch-list: the articles BK0477's search lists are not in it.
    return {"FINEWS_SEARCH_BASE": url, "FINEWS_API_BASE": url, "FINEWS_FEEDS": '[{"name": "media", "kind": "media"}]',
            "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site"),
            "FINEWS_WATCH": "BK0477"}


def _stored(tmp_path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        return dict(connection.execute("select info_code, category from articles"))


def _naming(site, code: str) -> set[str]:
    return {a.info_code for a in site.articles if a.status == "ok" and a.showtime
            and any(secid.endswith(f".{code}") for secid in today.stock_list(a))}


def test_a_watch_list_crawl_fetches_and_files_the_articles_each_search_lists(tmp_path, replay_site):
    expected = _naming(replay_site, "600519") | _naming(replay_site, "BK0477")
    assert len(expected) >= 3
    with ReplayServer(replay_site) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url), "-a", "stocks=600519.SH")
        counted = server_stats(server)["kinds"]
    assert returncode == 0, log[-3000:]
    assert stats["finews/feeds/pages/watch:600519"] >= 1 and stats["finews/feeds/pages/watch:BK0477"] >= 1
    assert counted["search"] == stats["finews/feeds/pages/watch:600519"] + stats["finews/feeds/pages/watch:BK0477"]
    stored = _stored(tmp_path)
    assert expected <= set(stored)
    media = {a.info_code: a.media for a in replay_site.articles}
    assert all(stored[code] != "emnews" for code in expected), "filed by media, like any media-naming feed"
    assert {code for code in expected if media[code]} <= set(stored)


def test_a_refused_search_is_counted_and_reported_never_taken_for_no_news(tmp_path, replay_site):
    expected = _naming(replay_site, "BK0477")
    assert expected and not any("media" in a.feeds for a in replay_site.articles if a.info_code in expected)
    with ReplayServer(replay(replay_site, refuse=True)) as server:
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
        assert returncode == 5, log[-3000:]  # a list it could not read: the run says so
        assert stats["finews/refusals/search"] == 1 and not stats.get("finews/errors/feed")
        assert "Feed watch:BK0477 page 1 refused" in log and "counted as a refusal, not as no news" in log
        summary = next(line for line in log.splitlines() if "SUMMARY" in line)
        assert "1 refused by the source (search=1)" in summary
        assert log.rstrip().splitlines()[-1].endswith("watch:BK0477 (page 1 refused) (exit status 5)")
        assert not set(_stored(tmp_path) if (tmp_path / "db.sqlite3").exists() else {}) & expected
        server.replace_site(replay(replay_site, refuse=False))  # the next run, when the source answers again
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, server.url))
    assert returncode == 0 and expected <= set(_stored(tmp_path))


def replay(site, refuse: bool):
    return replace(site, refuse_search=refuse)


def test_a_watched_name_that_is_not_a_security_is_one_line_and_exit_2(tmp_path):
    returncode, log, _ = run_crawl(tmp_path, {}, "-a", "stocks=600519,贵州茅台")
    assert returncode == 2 and "-a stocks: expected securities such as" in log and "Traceback" not in log
