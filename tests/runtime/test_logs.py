"""A log people read: the summary last (also at WARNING), progress lines, no library chatter."""

from __future__ import annotations

import logging
import socket
import threading

import pytest

from conftest import run_crawl
from finews_crawler.runtime.logs import articles_done, progress_line, quiet_libraries


def _stores(workdir):
    return {"FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(workdir / "site")}


def test_progress_line_says_done_rate_queue_and_time_left_once_the_feeds_are_read():
    assert progress_line(120, 2.0, 300, feeds_done=False) == (
        "finews: progress: 120 articles done (60.0/s), 300 requests queued, feeds still being read")
    assert progress_line(1200, 20.0, 3000, feeds_done=True) == (
        "finews: progress: 1,200 articles done (60.0/s), 3,000 requests queued, feeds done, about 50 s left")
    assert progress_line(0, 0.0, 0, feeds_done=True).endswith("0 requests queued, feeds done")


def test_articles_done_counts_stored_and_dropped_not_skipped():
    stats = {"finews/articles/new": 3, "finews/articles/unchanged": 2, "finews/articles/skipped": 40,
             "finews/dropped/withdrawn": 1, "downloader/request_count": 99}
    assert articles_done(stats) == 6


def test_library_errors_finews_reports_itself_become_one_line(caplog):
    quiet_libraries()
    robots = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    retry = logging.getLogger("scrapy.downloadermiddlewares.retry")
    with caplog.at_level(logging.DEBUG):
        try:
            raise ConnectionRefusedError("refused")
        except ConnectionRefusedError:
            robots.error("Error downloading %(request)s: %(f_exception)s", {"request": "<GET x>", "f_exception": "e"},
                         exc_info=True)
        retry.error("Gave up retrying %(request)s (failed %(retry_times)d times): %(reason)s",
                    {"request": "<GET x>", "retry_times": 4, "reason": "refused"})
    records = [r for r in caplog.records if r.name.startswith("scrapy.downloadermiddlewares")]
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]


@pytest.mark.e2e
def test_the_summary_is_the_last_line_and_shows_at_warning_level_without_the_stats_dump(tmp_path, replay_server):
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_API_BASE": replay_server.url, **_stores(tmp_path),
                                              "LOG_LEVEL": "WARNING"})
    assert returncode == 0, log[-2000:]
    last = log.rstrip("\n").rsplit("\n", 1)[-1]
    assert "[finews] SUMMARY: finews: 142 articles stored (142 new," in last
    assert " INFO: " not in log and "Dumping Scrapy stats" not in log and "'downloader/request_count'" not in log


@pytest.mark.e2e
def test_an_info_log_has_progress_lines_and_no_alembic_or_stats_dump(tmp_path, replay_server):
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_API_BASE": replay_server.url, **_stores(tmp_path),
                                              "FINEWS_PROGRESS_INTERVAL": "0.05"})
    assert returncode == 0, log[-2000:]
    assert "finews: progress: " in log
    assert "[alembic" not in log and "Dumping Scrapy stats" not in log and "Crawled 0 pages" not in log
    assert log.rstrip("\n").rsplit("\n", 1)[-1].split("] ", 1)[1].startswith("SUMMARY: finews: ")


@pytest.mark.e2e
def test_a_robots_txt_that_cannot_be_fetched_is_one_warning_without_traceback(tmp_path):
    """The host accepts connections (the start-up check passes) and resets every request."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        def reset_all() -> None:
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                connection.close()

        threading.Thread(target=reset_all, daemon=True).start()
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": url, **_stores(tmp_path), "RETRY_TIMES": "0"})
    assert returncode == 1 and "Traceback" not in log
    assert "the run failed: no feed page could be read" in log
    assert sum("Gave up retrying" in line for line in log.splitlines()) == 0


@pytest.mark.e2e
def test_on_a_terminal_progress_is_a_live_bar_not_log_lines(tmp_path, replay_site):
    import os
    import subprocess
    import sys

    from finews_crawler.replay.server import ReplayServer
    from helpers import REPO

    with ReplayServer(replay_site, latency=0.02) as server:
        command = [sys.executable, "-m", "scrapy", "crawl", "finews", "-s", f"FINEWS_API_BASE={server.url}",
                   *[arg for key, value in _stores(tmp_path).items() for arg in ("-s", f"{key}={value}")]]
        leader, follower = os.openpty()
        process = subprocess.Popen(command, cwd=REPO, stdout=follower, stderr=follower)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=120)
        os.close(leader)
    text = output.decode("utf-8", "replace")
    assert process.returncode == 0, text[-2000:]
    assert "\r\x1b[Kfinews: progress: " in text
    assert "INFO: finews: progress" not in text  # the bar replaces the lines
    assert text.rstrip().splitlines()[-1].split("] ", 1)[1].startswith("SUMMARY: finews: ")
