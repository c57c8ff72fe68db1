"""Resumable crawls: JOBDIR after a clean stop (SIGINT) and after SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from finews_crawler.testing.runs import crawl_command, crawl_outcome, server_stats
from finews_crawler.runtime.jobdir import MARKER, JobDirGuard
from finews_crawler.replay.server import ReplayServer
from helpers import REPO


def test_a_jobdir_left_by_a_killed_run_loses_its_queue_and_fingerprints(tmp_path):
    (tmp_path / "requests.queue").mkdir()
    (tmp_path / "requests.seen").write_text("abc\n")
    (tmp_path / MARKER).write_text("pid 1\n")
    JobDirGuard(tmp_path).open()
    assert not (tmp_path / "requests.queue").exists() and not (tmp_path / "requests.seen").exists()
    assert (tmp_path / MARKER).read_text() == f"pid {os.getpid()}\n"


def test_a_cleanly_stopped_jobdir_is_resumed_as_it_is(tmp_path):
    (tmp_path / "requests.seen").write_text("abc\n")
    guard = JobDirGuard(tmp_path)
    guard.open()
    guard.close()
    JobDirGuard(tmp_path).open()
    assert (tmp_path / "requests.seen").read_text() == "abc\n"


@pytest.fixture
def slow_server(replay_site):
    with ReplayServer(replay_site, latency=0.2) as server:
        yield server


def _settings(tmp_path, server):
    return {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "FINEWS_EXPORT_DIR": str(tmp_path / "site"), "JOBDIR": str(tmp_path / "job"),
            "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "AUTOTHROTTLE_ENABLED": "0", "FINEWS_FEED_PAGE_SIZE": "20"}


def _crawl_until_some_posts(tmp_path, server, name, at_least=20):
    process = subprocess.Popen(crawl_command(tmp_path, _settings(tmp_path, server), name=name), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    posts = tmp_path / "site" / "_posts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(posts.glob("*.md")) if posts.exists() else []) < at_least:
        assert process.poll() is None, crawl_outcome(tmp_path, name)[0][-2000:]
        time.sleep(0.05)
    return process


def _stored(tmp_path):
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        return {code for (code,) in connection.execute("select info_code from articles")}


def _resume(tmp_path, server):
    done = subprocess.run(crawl_command(tmp_path, _settings(tmp_path, server), name="resume"), cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    log, stats = crawl_outcome(tmp_path, "resume")
    assert done.returncode == 0, log[-2000:] + done.stderr
    return log, stats


@pytest.mark.e2e
def test_a_crawl_killed_with_sigkill_resumes_with_nothing_lost_or_duplicated(tmp_path, slow_server, crawl):
    process = _crawl_until_some_posts(tmp_path, slow_server, "killed")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = _stored(tmp_path)
    assert 0 < len(before) < len(crawl.posts)
    for post in (tmp_path / "site" / "_posts").glob("*.md"):  # whole posts only (at most a temporary file)
        assert post.read_text(encoding="utf-8").endswith("｜[返回首页](/)\n"), post
    log, stats = _resume(tmp_path, slow_server)
    assert not list((tmp_path / "site").rglob("*.tmp"))
    assert "did not stop cleanly; discarding its request queue" in log
    assert _stored(tmp_path) == set(crawl.posts)
    assert stats["finews/articles/new"] == len(crawl.posts) - len(before)
    posts = [p.name for p in (tmp_path / "site" / "_posts").glob("*.md")]
    assert len(posts) == len(set(posts)) == len(crawl.posts)


@pytest.mark.e2e
def test_a_crawl_stopped_with_ctrl_c_resumes_its_queue_and_fetches_no_page_twice(tmp_path, slow_server, crawl):
    process = _crawl_until_some_posts(tmp_path, slow_server, "stopped")
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=120)
    assert 0 < len(_stored(tmp_path)) < len(crawl.posts)
    assert any((tmp_path / "job" / "requests.queue").iterdir())
    log, _ = _resume(tmp_path, slow_server)
    assert "did not stop cleanly" not in log
    assert _stored(tmp_path) == set(crawl.posts)
    fetched = server_stats(slow_server)["share_pages"]
    assert {code for code, n in fetched.items() if n > 1} == set()
