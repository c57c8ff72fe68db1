"""Distributed mode: a coordinator and a worker share a Redis queue and a PostgreSQL database."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import create_engine, text

from conftest import run_scrapy

from finews_crawler.testing.runs import crawl_command, crawl_outcome, server_stats
from finews_crawler.sources.feeds import INFO_CODE
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import ReplaySite
from helpers import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]

ARTICLES = 2000


@pytest.fixture(scope="module")
def big_site():
    return ReplaySite.load(scale=ARTICLES)


@pytest.fixture
def server(big_site):
    with ReplayServer(big_site, latency=0.05) as server:
        yield server


def _settings(tmp_path, server, redis_job, database_url, **extra):
    return {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": database_url,
            "FINEWS_EXPORT_DIR": str(tmp_path / "site"), "FINEWS_REDIS_URL": redis_job.url,
            "FINEWS_REDIS_PREFIX": redis_job.prefix, "FINEWS_FEED_MAX_PAGES": "100",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "AUTOTHROTTLE_ENABLED": "0", **extra}


def _start(tmp_path, settings, name):
    return subprocess.Popen(crawl_command(tmp_path, settings, name=name), cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _stored(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        codes = [code for (code,) in connection.execute(text("select info_code from articles"))]
    engine.dispose()
    assert len(codes) == len(set(codes))
    return set(codes)


def _expected(site):
    """Every article a crawl can store: listed with a valid code and a time, not withdrawn or missing."""
    return {a.info_code for a in site.articles if a.status == "ok" and a.showtime and INFO_CODE.fullmatch(a.info_code)}


def _start_pair(tmp_path, server, redis_job, database_url):
    coordinator = _start(tmp_path, _settings(tmp_path, server, redis_job, database_url), "coordinator")
    _wait_for(lambda: redis_job.client.zcard(redis_job.key("requests")) > 0, "the coordinator's dispatch")
    worker = _start(tmp_path, _settings(tmp_path, server, redis_job, database_url, FINEWS_ROLE="worker"), "worker")
    return coordinator, worker


def test_a_coordinator_and_a_worker_store_every_article_once_and_fetch_no_page_twice(
        tmp_path, server, big_site, redis_job, postgres_url):
    coordinator, worker = _start_pair(tmp_path, server, redis_job, postgres_url)
    for process in (coordinator, worker):
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr[-2000:]
    assert _stored(postgres_url) == _expected(big_site)
    fetched = server_stats(server)["share_pages"]
    assert max(fetched.values()) == 1 and len(fetched) >= len(_expected(big_site))
    (log_c, stats_c), (log_w, stats_w) = crawl_outcome(tmp_path, "coordinator"), crawl_outcome(tmp_path, "worker")
    assert stats_c["finews/articles/new"] > 0 and stats_w["finews/articles/new"] > 0
    assert stats_c["finews/articles/new"] + stats_w["finews/articles/new"] == len(_expected(big_site))
    assert "Deprecat" not in log_c + log_w and "Traceback" not in log_c + log_w
    posts = [p.name for p in (tmp_path / "site" / "_posts").glob("*.md")]
    assert len(posts) == len(set(posts)) == len(_expected(big_site))
    assert redis_job.client.zcard(redis_job.key("requests")) == 0
    assert not redis_job.client.exists(redis_job.key("coordinator"))


def test_a_killed_worker_loses_nothing_the_coordinator_and_a_restart_finish_the_job(
        tmp_path, server, big_site, redis_job, postgres_url):
    coordinator, worker = _start_pair(tmp_path, server, redis_job, postgres_url)
    _wait_for(lambda: len(_stored(postgres_url)) > 300, "the crawl to be under way")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.communicate()
    _, stderr = coordinator.communicate(timeout=600)
    assert coordinator.returncode == 0, stderr[-2000:]
    # What the worker had popped but not stored (in flight, or waiting for its writer) is missing now.
    missing = _expected(big_site) - _stored(postgres_url)
    restart = subprocess.run(crawl_command(tmp_path, _settings(tmp_path, server, redis_job, postgres_url),
                                           name="restart"), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert restart.returncode == 0, restart.stderr[-2000:]
    assert _stored(postgres_url) == _expected(big_site)
    log, stats = crawl_outcome(tmp_path, "restart")
    assert "Starting a new shared job" in log and stats.get("finews/articles/new", 0) == len(missing)
    posts = [p.name for p in (tmp_path / "site" / "_posts").glob("*.md")]
    assert len(posts) == len(set(posts)) == len(_expected(big_site))


def test_resetjob_clears_the_queue_and_refuses_while_a_coordinator_runs(redis_job):
    redis_job.client.zadd(redis_job.key("requests"), {b"x": 0})
    redis_job.client.sadd(redis_job.key("dupefilter"), "fp")
    redis_job.client.set(redis_job.key("coordinator"), "host:1")
    args = ["-s", "FINEWS_API_BASE=http://127.0.0.1:9", "-s", f"FINEWS_REDIS_URL={redis_job.url}",
            "-s", f"FINEWS_REDIS_PREFIX={redis_job.prefix}"]
    refused = run_scrapy("resetjob", *args)
    assert refused.returncode == 2 and "a coordinator (host:1) is running this job" in refused.stderr
    done = run_scrapy("resetjob", "--force", *args)
    assert done.returncode == 0 and "(1 requests were waiting)" in done.stdout
    assert list(redis_job.client.scan_iter(f"{redis_job.prefix}:*")) == []


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_started_with_a_job_a_fast_coordinator_finished_has_nothing_left_and_no_error(redis_job, postgres_url):
    """The worker looks only after the coordinator has come and gone: the job it was started for is done."""
    import time

    from finews_crawler.distributed.scheduler import RedisScheduler
    from finews_crawler.spiders.finews import FinewsSpider
    from helpers import crawler_with

    crawler = crawler_with(FinewsSpider, FINEWS_REDIS_URL=redis_job.url, FINEWS_REDIS_PREFIX=redis_job.prefix,
                           FINEWS_ROLE="worker", FINEWS_API_BASE="http://127.0.0.1:9", FINEWS_DATABASE_URL=postgres_url,
                           ADDONS={"finews_crawler.distributed.DistributedAddon": 10})
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.spider = FinewsSpider.from_crawler(crawler)
    scheduler.queue = scheduler._make_queue(scheduler.spider)  # what `open` makes, without a dupefilter
    assert scheduler.has_pending_requests()  # no coordinator yet: the worker waits for one
    redis_job.client.set(redis_job.key("finished"), str(time.time()))  # one came and finished meanwhile
    assert not scheduler.has_pending_requests()
    scheduler.close("finished")
    assert "finews/errors/no_coordinator" not in crawler.stats.get_stats()
