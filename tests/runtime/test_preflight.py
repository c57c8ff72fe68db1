"""Faults at start: each is one line on stderr and the README's exit status, before anything is fetched."""

from __future__ import annotations

import socket

import pytest

from conftest import run_crawl, run_scrapy

from finews_crawler.testing.runs import server_stats
from finews_crawler.runtime.preflight import export_fault, source_fault

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stores(workdir):
    return {"FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(workdir / "site")}


def _last_line(log: str) -> str:
    return log.rstrip("\n").rsplit("\n", 1)[-1]


@pytest.mark.parametrize("settings, line", [
    ({"FINEWS_API_BASE": "{replay}", "FINEWS_EXPORT_DIR": "{tmp}/a-file"}, "finews crawl: the export folder {tmp}/a-file is not a folder (FINEWS_EXPORT_DIR)"),
    ({"FINEWS_API_BASE": "{replay}", "FINEWS_EXPORT_DIR": "{tmp}/a-file/site"}, "finews crawl: cannot write into the export folder {tmp}/a-file/site"),
    ({"FINEWS_API_BASE": "http://127.0.0.1:{port}"}, "finews crawl: cannot reach the source http://127.0.0.1:{port} (FINEWS_API_BASE): "),
    ({"FINEWS_API_BASE": "{replay}", "FINEWS_SHARE_BASE": "http://127.0.0.1:{port}"},
     "finews crawl: cannot reach the source http://127.0.0.1:{port} (FINEWS_SHARE_BASE): "),
    ({"FINEWS_API_BASE": "{replay}", "FINEWS_DATABASE_URL": "postgresql+psycopg://finews:secret@127.0.0.1:{port}/x"},
     "finews crawl: cannot open the database postgresql+psycopg://finews:***@127.0.0.1:{port}/x: "),
    ({"FINEWS_API_BASE": "{replay}", "FINEWS_REDIS_URL": "redis://:secret@127.0.0.1:{port}/0"},
     "finews crawl: cannot reach Redis at redis://:***@127.0.0.1:{port}/0 (FINEWS_REDIS_URL): "),
])
def test_a_fault_at_start_is_one_line_exit_1_and_nothing_is_fetched(tmp_path, replay_server, settings, line):
    (tmp_path / "a-file").write_text("not a folder")
    values = {"tmp": tmp_path, "port": _free_port(), "replay": replay_server.url}
    settings = {key: value.format(**values) for key, value in settings.items()}
    returncode, log, _ = run_crawl(tmp_path, {**_stores(tmp_path), **settings})
    assert returncode == 1
    assert _last_line(log).startswith(line.format(**values)), log[-600:]
    assert "Traceback" not in log and "secret" not in log
    assert server_stats(replay_server)["kinds"] == {}


@pytest.mark.parametrize("args, message", [
    (("-a", "infocodes="), "scrapy: error: -a infocodes= is empty"),
    (("-a", "infocodes= , "), "scrapy: error: -a infocodes= is empty"),
    (("-a", "infocode=NW202204282363799455"), "scrapy: error: unknown spider argument -a infocode; did you mean infocodes?"),
    (("-s", "FINEWS_REFRESH=maybe"), "scrapy: error: configuration: FINEWS_REFRESH (YAML refresh) = 'maybe': expected true or false"),
    (("-s", "FINEWS_MAX_PAGES=2"), "scrapy: error: configuration: unknown setting FINEWS_MAX_PAGES; did you mean FINEWS_FEED_MAX_PAGES?"),
])
def test_a_bad_argument_or_setting_is_one_line_and_exit_2_before_any_request(tmp_path, replay_server, args, message):
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_API_BASE": replay_server.url, **_stores(tmp_path)}, *args)
    assert returncode == 2
    assert _last_line(log).startswith(message) and log.count("scrapy: error") == 1, log[-600:]
    assert "Traceback" not in log and "Usage" not in log
    assert server_stats(replay_server)["kinds"] == {}


def test_every_command_reports_a_bad_setting_in_one_line(tmp_path):
    for command in (["export", "--format", "jsonl", "--out", str(tmp_path / "a.jsonl")], ["reclean"], ["rotate"],
                    ["resetjob"]):
        done = run_scrapy(*command, "-s", "FINEWS_LOCK_WAIT=soon")
        assert done.returncode == 2, command
        assert done.stderr.strip() == ("scrapy: error: configuration: FINEWS_LOCK_WAIT (YAML lock_wait) = 'soon': "
                                       "expected a number ≥ 0"), done.stderr


def test_export_fault_accepts_a_writable_folder_and_leaves_no_probe(tmp_path):
    assert export_fault(tmp_path / "new" / "site") is None
    assert list((tmp_path / "new" / "site").iterdir()) == []


def test_source_fault_accepts_a_listening_host(replay_server):
    assert source_fault(replay_server.url, "FINEWS_API_BASE") is None


@pytest.mark.redis
def test_resetjob_needs_no_source(redis_job):
    done = run_scrapy("resetjob", "-s", f"FINEWS_REDIS_URL={redis_job.url}", "-s", f"FINEWS_REDIS_PREFIX={redis_job.prefix}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"finews resetjob: cleared {redis_job.prefix}:*")


@pytest.mark.redis
def test_a_worker_that_sees_no_coordinator_says_so_and_fails(tmp_path, replay_server, redis_job):
    returncode, log, stats = run_crawl(tmp_path, {
        "FINEWS_API_BASE": replay_server.url, **_stores(tmp_path), "FINEWS_REDIS_URL": redis_job.url,
        "FINEWS_REDIS_PREFIX": redis_job.prefix, "FINEWS_ROLE": "worker", "FINEWS_WORKER_WAIT": "1"})
    assert returncode == 1
    assert "no coordinator appeared within 1 s (FINEWS_WORKER_WAIT) and the queue was empty" in log
    assert stats["finews/errors/no_coordinator"] == 1
    assert _last_line(log).endswith("finews: the run failed: a worker saw no coordinator and had nothing to fetch")
