import os
import signal
import subprocess
import sys
import time

import pytest

from finews_crawler.runlock import RunLocked, run_lock

HOLD = """
import sys, time
from pathlib import Path
from finews_crawler.runlock import run_lock
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
