"""Faults: server errors, timeouts, resets and truncated bodies; SIGKILL at random points; a
database that is down; an export folder that refuses writes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import crawl_command, server_stats
from finews_crawler.replay.server import Fault, ReplayServer
from helpers import REPO, refusing_writes

pytestmark = pytest.mark.e2e

A, B, C, D, E = ("NW202204282363799455", "NW202205302396665475", "NW202112082206672930", "NW202112082206703990",
                 "NW202112082206704122")


def _settings(workdir, server, **extra):
    return {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "FINEWS_EXPORT_DIR": str(workdir / "site"), "DOWNLOAD_TIMEOUT": "2", **extra}


def _stored(workdir):
    with sqlite3.connect(workdir / "db.sqlite3") as connection:
        return {code for (code,) in connection.execute("select info_code from articles")}


def test_transient_faults_are_retried_until_the_page_arrives(tmp_path, replay_server, crawl):
    replay_server.inject({A: Fault("status", times=2, status=503), B: Fault("status", times=1, status=500),
                          C: Fault("slow", times=1, delay=3.0), D: Fault("reset", times=2),
                          E: Fault("truncate", times=1)})
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0, log[-3000:]
    assert _stored(tmp_path) == set(crawl.posts)
    # Scrapy retries each failure; Twisted itself silently retries a request whose pooled
    # connection was reset, so a reset is not always a Scrapy retry.
    assert stats["retry/count"] >= 5 and stats.get("retry/max_reached", 0) == 0
    fetched = server_stats(replay_server)["share_pages"]
    assert (fetched[A], fetched[B], fetched[C], fetched[E]) == (3, 2, 2, 2) and fetched[D] == 3


def test_a_page_that_always_fails_is_counted_and_fetched_by_the_next_run(tmp_path, replay_server, crawl):
    replay_server.inject({A: Fault("status", times=0, status=503)})
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server, RETRY_TIMES="2"))
    assert returncode == 0, log[-3000:]  # one article's download failing is not the run failing
    assert stats["finews/errors/download"] == 1 and stats["retry/max_reached"] == 1
    assert f"{A}: download failed" in log
    assert _stored(tmp_path) == set(crawl.posts) - {A}
    replay_server.inject({})
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0 and stats["finews/articles/new"] == 1 and _stored(tmp_path) == set(crawl.posts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_crawl_killed_at_a_random_point_leaves_whole_posts_and_a_consistent_database(tmp_path, replay_site,
                                                                                        crawl, seed):
    with ReplayServer(replay_site, latency=0.05) as server:
        settings = _settings(tmp_path, server, CONCURRENT_REQUESTS_PER_DOMAIN="4", AUTOTHROTTLE_ENABLED="0")
        process = subprocess.Popen(crawl_command(tmp_path, settings, name="killed"), cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(random.Random(seed).uniform(1.5, 4.5))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        posts = tmp_path / "site" / "_posts"
        for post in posts.glob("*.md") if posts.exists() else []:
            assert post.read_text(encoding="utf-8").endswith("｜[返回首页](/)\n"), post
        if (tmp_path / "db.sqlite3").exists():
            with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
                assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
                migrated = connection.execute("select 1 from sqlite_master where name = 'articles'").fetchone()
                exported = {code for (code,) in connection.execute(  # killed before the schema: nothing stored
                    "select info_code from articles where post_exported")} if migrated else set()
            assert exported <= {p.stem.split("-", 3)[3] for p in posts.glob("*.md")}
        returncode, log, _ = run_crawl(tmp_path, settings)
        assert returncode == 0, log[-3000:]
    assert _stored(tmp_path) == set(crawl.posts)
    assert {p.stem.split("-", 3)[3] for p in (tmp_path / "site" / "_posts").glob("*.md")} == set(crawl.posts)
    assert not list((tmp_path / "site").rglob("*.tmp"))


def test_a_database_that_is_down_gives_one_clear_line_and_exit_1(tmp_path, replay_server):
    returncode, log, _ = run_crawl(tmp_path, _settings(
        tmp_path, replay_server, FINEWS_DATABASE_URL="postgresql+psycopg://finews:secret@127.0.0.1:1/finews"))
    assert returncode == 1
    assert "finews crawl: cannot open the database postgresql+psycopg://finews:***@127.0.0.1:1/finews" in log
    assert "secret" not in log and "Traceback" not in log
    assert server_stats(replay_server)["kinds"] == {}  # nothing was fetched


def test_an_export_folder_refusing_writes_fails_the_run_clearly_and_loses_no_row(tmp_path, replay_server, crawl):
    with refusing_writes(tmp_path / "site" / "_posts"):
        returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 1
    assert stats["finews/errors/export"] == len(crawl.posts)
    assert "stored in the database, but the post was not exported: cannot write into" in log
    assert "the run failed: " in log and "Traceback" not in log
    assert _stored(tmp_path) == set(crawl.posts)
    returncode, log, stats = run_crawl(tmp_path, _settings(tmp_path, replay_server))
    assert returncode == 0 and stats["finews/posts/repaired"] == len(crawl.posts)
    assert len(list((tmp_path / "site" / "_posts").glob("*.md"))) == len(crawl.posts)
