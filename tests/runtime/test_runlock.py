import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from finews_crawler.testing.runs import crawl_command, crawl_outcome
from finews_crawler.replay.server import ReplayServer
from finews_crawler.runtime.runlock import EXIT_LOCKED, RunLocked, run_lock
from helpers import REPO

HOLD = """
import sys, time
from pathlib import Path
from finews_crawler.runtime.runlock import run_lock
with run_lock(Path(sys.argv[1]), sys.argv[2], "crawl"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_run_is_refused_and_told_who_holds_the_lock(tmp_path):
    with run_lock(tmp_path / "site", f"sqlite:///{tmp_path / 'db.sqlite3'}", "crawl"):
        with pytest.raises(RunLocked, match=rf"crawl \(pid {os.getpid()} on .*, started .*\) holds .*\.finews\.lock"):
            with run_lock(tmp_path / "site", "", "export"):
                pass


def test_the_sqlite_database_is_locked_even_with_another_export_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with run_lock(tmp_path / "a", url, "crawl"):
        with pytest.raises(RunLocked, match=r"db\.sqlite3\.run-lock"):
            with run_lock(tmp_path / "b", url, "crawl"):
                pass


def test_the_lock_is_free_again_after_the_run(tmp_path):
    with run_lock(tmp_path, "", "crawl"):
        pass
    with run_lock(tmp_path, "", "crawl"):
        pass


def test_waiting_gives_up_after_the_timeout(tmp_path):
    with run_lock(tmp_path, "", "crawl"):
        started = time.monotonic()
        with pytest.raises(RunLocked):
            with run_lock(tmp_path, "", "crawl", wait=0.6):
                pass
        assert time.monotonic() - started >= 0.6


def _holder(tmp_path, database_url):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "site"), database_url],
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout.readline().strip() == "held"
    return process


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_killed_run_leaves_no_stale_lock(tmp_path, request, backend):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    holder = _holder(tmp_path, url)
    try:
        with pytest.raises(RunLocked):
            with run_lock(None, url, "crawl"):
                pass
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    with run_lock(tmp_path / "site", url, "crawl", wait=10):  # the server notices the dead session
        pass


@pytest.mark.postgres
def test_postgresql_runs_in_one_schema_exclude_each_other(postgres_url):
    with run_lock(None, postgres_url, "crawl"):
        with pytest.raises(RunLocked, match="advisory lock"):
            with run_lock(None, postgres_url, "crawl"):
                pass


# -- two crawls against one database and export folder ----------------------------------------

def _start_crawl(tmp_path, server, name, **extra):
    settings = {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "FINEWS_EXPORT_DIR": str(tmp_path / "site"), "FINEWS_FEED_PAGE_SIZE": "20", **extra}
    return subprocess.Popen(crawl_command(tmp_path, settings, name=name), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_until_locked(tmp_path, process):
    lock = tmp_path / "site" / ".finews.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lock.exists() and f'"pid": {process.pid}' in lock.read_text():
            return
        time.sleep(0.05)
    raise AssertionError("the first crawl never took the lock")


@pytest.fixture
def slow_server(replay_site):
    with ReplayServer(replay_site, latency=0.3) as server:
        yield server


def _one_copy_of_each_post(tmp_path):
    names = [p.name for p in (tmp_path / "site").rglob("*") if p.is_file() and "NW" in p.name]
    assert len(names) == len(set(names)) and not list((tmp_path / "site").rglob("*.tmp"))
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        (rows,) = connection.execute("select count(*) from articles").fetchone()
    assert rows == len(names)
    return rows


@pytest.mark.e2e
def test_a_second_crawl_started_during_the_first_exits_at_once_with_status_75(tmp_path, slow_server):
    first = _start_crawl(tmp_path, slow_server, "first")
    _wait_until_locked(tmp_path, first)
    second = _start_crawl(tmp_path, slow_server, "second")
    _, second_err = second.communicate(timeout=120)
    assert second.returncode == EXIT_LOCKED
    assert f"finews crawl: not started, crawl (pid {first.pid} on" in second_err and "FINEWS_LOCK_WAIT" in second_err
    assert "Traceback" not in second_err
    assert first.poll() is None  # it was refused while the first still ran
    first.communicate(timeout=300)
    assert first.returncode == 0
    _, stats = crawl_outcome(tmp_path, "first")
    assert _one_copy_of_each_post(tmp_path) == stats["finews/articles/new"] > 100


@pytest.mark.e2e
def test_with_a_wait_the_second_crawl_runs_after_the_first_and_adds_no_copies(tmp_path, slow_server):
    first = _start_crawl(tmp_path, slow_server, "first")
    _wait_until_locked(tmp_path, first)
    second = _start_crawl(tmp_path, slow_server, "second", FINEWS_LOCK_WAIT="300")
    first.communicate(timeout=300)
    second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0)
    first_stats, second_stats = crawl_outcome(tmp_path, "first")[1], crawl_outcome(tmp_path, "second")[1]
    assert second_stats.get("finews/articles/new", 0) == 0 and second_stats["finews/articles/skipped"] > 0
    assert _one_copy_of_each_post(tmp_path) == first_stats["finews/articles/new"]


@pytest.mark.e2e
def test_a_crawl_killed_while_holding_the_lock_does_not_block_the_next(tmp_path, slow_server):
    first = _start_crawl(tmp_path, slow_server, "first")
    _wait_until_locked(tmp_path, first)
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate()
    second = _start_crawl(tmp_path, slow_server, "second")
    second.communicate(timeout=300)
    assert second.returncode == 0, crawl_outcome(tmp_path, "second")[0][-2000:]
    _one_copy_of_each_post(tmp_path)
