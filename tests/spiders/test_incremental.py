"""Incremental runs: known articles are not fetched again, changed ones are updated."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from urllib.request import urlopen

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.replay.site import ReplaySite

pytestmark = pytest.mark.e2e

CHANGED = "NW202204282363799455"
WITHDRAWN, MISSING = "NW202205312399000001", "NW202205312399000002"


def _settings(workdir, server, **extra):
    return {"FINEWS_API_BASE": server.url, "FINEWS_PUBLIC_SHARE_BASE": "http://share.example",
            "FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "FINEWS_EXPORT_DIR": str(workdir / "site"), "FINEWS_FEED_PAGE_SIZE": "20", **extra}


def _reset(server):
    urlopen(f"{server.url}/__reset").close()


@pytest.fixture
def first_run(tmp_path, replay_server):
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-2000:]
    _reset(replay_server)
    return stats


def test_an_unchanged_rerun_requests_the_feeds_and_zero_share_pages(tmp_path, replay_server, first_run):
    posts = {p: p.stat().st_mtime_ns for p in (tmp_path / "site" / "_posts").glob("*.md")}
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-2000:]
    counted = server_stats(replay_server)
    # No stored article is asked for again, nor the two the source withdrew or lost.
    assert counted["share_pages"] == {}
    assert "text_api" not in counted["kinds"]
    # Paging stops at each feed's first page: all its items are known.
    assert {kind: n for kind, n in counted["kinds"].items() if kind.startswith("feed:")} == {
        "feed:roll": 1, "feed:media": 1, "feed:market37": 1, "feed:market38": 1, "feed:market39": 1}
    assert stats.get("finews/articles/new", 0) == 0 and stats["finews/articles/skipped"] > 0
    assert {p: p.stat().st_mtime_ns for p in posts} == posts


def test_the_summary_says_what_cpu_a_run_spent_and_an_unchanged_run_starts_no_helper_process(
        tmp_path, replay_server, first_run):
    assert first_run["finews/cpu/crawl"] > 0 and first_run["finews/cpu/helpers"] > 0  # cleaned and written
    assert "ms per article stored" in first_run["finews/summary"]
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-2000:]
    assert stats["finews/cpu/crawl"] > 0 and stats["finews/cpu/helpers"] == 0
    assert "(crawl " in log and "cleaning and writing 0.0 s)" in log


def test_refresh_updates_a_changed_article_in_place_and_leaves_the_rest(tmp_path, replay_server, replay_site,
                                                                        first_run):
    articles = [replace(a, body=a.body.replace("保定市已作为全省唯一地市", "保定市作为全省唯一地市（更正）"))
                if a.info_code == CHANGED else a for a in replay_site.articles]
    replay_server.replace_site(ReplaySite(articles, replay_site.templates))
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server, FINEWS_REFRESH="1"))
    assert returncode == 0, log[-2000:]
    assert stats["finews/articles/updated"] == 1
    assert stats["finews/articles/unchanged"] == first_run["finews/articles/new"] - 1
    assert stats["finews/posts/written"] == 1
    post = next((tmp_path / "site" / "_posts").glob(f"*{CHANGED}.md")).read_text(encoding="utf-8")
    assert "（更正）" in post
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        created, updated, body = connection.execute(
            "select created_at, updated_at, body from articles where info_code = ?", (CHANGED,)).fetchone()
    assert updated > created and "（更正）" in body


def test_a_max_age_refetches_only_articles_fetched_longer_ago(tmp_path, replay_server, first_run):
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        connection.execute("update articles set fetched_at = '2020-01-01 00:00:00' where info_code = ?", (CHANGED,))
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server, FINEWS_REFRESH_MAX_AGE="1",
                                                           FINEWS_FEED_MAX_PAGES="20"))
    assert returncode == 0, log[-2000:]
    assert set(server_stats(replay_server)["share_pages"]) == {CHANGED}
    assert stats["finews/articles/unchanged"] == 1


def test_withdrawn_and_missing_articles_are_remembered_and_checked_again_on_refresh(tmp_path, replay_server,
                                                                                 first_run):
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        gone = dict(connection.execute("select info_code, reason from gone"))
    assert gone == {WITHDRAWN: "withdrawn", MISSING: "not_found"}
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server, FINEWS_REFRESH="1"))
    assert returncode == 0, log[-2000:]
    assert {WITHDRAWN, MISSING} <= set(server_stats(replay_server)["share_pages"])


def test_rotation_after_a_crawl_archives_old_posts_and_a_refresh_leaves_them_there(tmp_path, replay_server):
    rotating = _settings(tmp_path, replay_server, FINEWS_ROTATE_DAYS="3")
    returncode, log, stats = run_crawl(tmp_path, rotating)
    assert returncode == 0, log[-2000:]
    archived = list((tmp_path / "site" / "old_post").glob("*.md"))
    assert not list((tmp_path / "site" / "_posts").glob("*.md"))  # the corpus is from 2021-2022
    assert len(archived) == stats["finews/posts/rotated"] == stats["finews/articles/new"]
    returncode, log, stats = run_crawl(tmp_path, {**rotating, "FINEWS_REFRESH": "1"})
    assert returncode == 0, log[-2000:]
    assert stats.get("finews/posts/written", 0) == 0 and stats.get("finews/posts/rotated") == 0
    assert sorted((tmp_path / "site" / "old_post").glob("*.md")) == sorted(archived)


def _forget_roll_only_articles_beyond_the_first_page(workdir, replay_site):
    """What a run killed while paging leaves: the roll feed's first pages stored, articles deeper in it never
    seen (20 a page here: the 41st listed and later are past its second page)."""
    deeper = [a.info_code for a in replay_site.feeds["roll"][40:] if a.feeds == ("roll",)]
    with sqlite3.connect(workdir / "db.sqlite3") as connection:
        stored = {code for (code,) in connection.execute("select info_code from articles")}
        unseen = [code for code in deeper if code in stored][:5]
        connection.executemany("delete from articles where info_code = ?", [(code,) for code in unseen])
    return set(unseen)


def _stored(workdir):
    with sqlite3.connect(workdir / "db.sqlite3") as connection:
        return {code for (code,) in connection.execute("select info_code from articles")}


def test_a_feed_a_killed_run_left_part_read_is_read_past_its_known_pages_by_the_next_run(
        tmp_path, replay_server, replay_site, first_run):
    unseen = _forget_roll_only_articles_beyond_the_first_page(tmp_path, replay_site)
    assert len(unseen) == 5
    # Without the mark a killed run leaves, a run stops at the roll feed's first page, all known (by design).
    returncode, log, _ = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-2000:]
    assert not unseen & _stored(tmp_path)
    # A run that starts paging marks each feed until it has read it to where a run stops; a killed run
    # leaves the mark, and the next run reads that feed past its known pages.
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        assert connection.execute("select count(*) from paging").fetchone() == (0,)
        connection.execute("insert into paging (feed, started_at) values ('roll', '2026-12-02 00:00:00')")
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-2000:]
    assert "did not read feed roll to its end" in log
    assert unseen <= _stored(tmp_path) and stats["finews/articles/new"] == len(unseen)
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        assert connection.execute("select count(*) from paging").fetchone() == (0,)


def test_a_refresh_re_dating_a_stored_article_moves_it_only_when_its_page_agrees(tmp_path, replay_site):
    """A feed that re-lists a stored article under another time does not re-date its post (a post dated in the
    future is one Jekyll hides); when the article's own page shows the new time too, it moves."""
    import sqlite3
    from dataclasses import replace as replaced

    from conftest import run_crawl
    from finews_crawler.replay.server import ReplayServer

    article = next(a for a in replay_site.articles if a.status == "ok" and a.feeds == ("media",)
                   and a.template == "desktop")
    old_page = replay_site.respond("/html_News/NewsShare.html", {"infoCode": article.info_code})
    moved = replaced(article, showtime="2022-07-01 09:30:00")
    relisted = [moved if a.info_code == article.info_code else a for a in replay_site.articles]
    settings = {"FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site")}

    def stored_time() -> str:
        with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
            return connection.execute("select published_at from articles where info_code = ?",
                                      (article.info_code,)).fetchone()[0]

    with ReplayServer(replay_site) as server:
        run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, **settings})
        before = stored_time()
        server.replace_site(replaced(replay_site, articles=relisted,
                                     overrides={f"share:{article.info_code}": old_page}))
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_REFRESH": "1", **settings})
        assert returncode == 0 and stored_time() == before and stats["finews/articles/time_kept"] == 1, log[-2000:]
        assert len(list((tmp_path / "site" / "_posts").glob(f"*{article.info_code}.md"))) == 1
        server.replace_site(replaced(replay_site, articles=relisted))  # the page shows the new time too
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_REFRESH": "1", **settings})
    assert returncode == 0 and stored_time() != before and "finews/articles/time_kept" not in stats
    assert [p.name[:10] for p in (tmp_path / "site" / "_posts").glob(f"*{article.info_code}.md")] == ["2022-07-01"]
