"""The shared queue holds article entries: data a worker checks, never instructions it follows."""

from __future__ import annotations

import json
import os
import pickle
from dataclasses import replace

import pytest
from hypothesis import given, strategies as st
from scrapy import Request

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.config import FinewsConfig
from finews_crawler.distributed import serializer
from finews_crawler.distributed.scheduler import is_shared
from finews_crawler.distributed.serializer import QueueEntryError
from finews_crawler.sources.feeds import FeedEntry
from finews_crawler.spiders.finews import FinewsSpider
from helpers import settings_with

ENTRY = FeedEntry("NW202204282363799455", "标题", "2022-04-28 13:52:55", "中国市场监管新闻网", "摘要", ["media", "roll"])


def test_an_article_entry_round_trips():
    assert serializer.loads(serializer.dumps(ENTRY.to_dict())) == ENTRY


@given(st.builds(FeedEntry, info_code=st.from_regex(r"\A[A-Z]{2}[0-9]{6,30}\Z"), title=st.text(max_size=200),
                 time=st.text(max_size=30), media=st.text(max_size=100), digest=st.text(max_size=500),
                 feeds=st.lists(st.from_regex(r"\A[a-z0-9_]{1,20}\Z"), max_size=5)))
def test_any_valid_entry_round_trips(entry):
    assert serializer.loads(serializer.dumps(entry.to_dict())) == entry


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch /tmp/finews-pwned",))


# What an attacker with write access to Redis could plant, one of each kind the review found.
HOSTILE = {
    "pickle": pickle.dumps(Exploit()),
    "not json": b"\x80\x04garbage",
    "json list": b"[1, 2]",
    "request with a class": json.dumps({"url": "http://evil.example/", "_class": "os.system", "callback": "_skip"}).encode(),
    "request with meta": json.dumps({"url": "file:///etc/passwd", "meta": {"proxy": "http://evil.example"},
                                     "method": "POST", "headers": {}}).encode(),
    "traversal code": json.dumps({"info_code": "NW1/../../index", "feeds": []}).encode(),
    "code with a slash": json.dumps({"info_code": "NW2022/../x", "feeds": []}).encode(),
    "callback field": json.dumps({**ENTRY.to_dict(), "callback": "__init__"}).encode(),
    "wrong type": json.dumps({**ENTRY.to_dict(), "title": {"x": 1}}).encode(),
    "feed name with a path": json.dumps({**ENTRY.to_dict(), "feeds": ["../roll"]}).encode(),
    "huge digest": json.dumps({**ENTRY.to_dict(), "digest": "x" * 10_000}).encode(),
    "huge entry": b" " * (serializer.MAX_ENTRY_BYTES + 1),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_anything_but_an_article_entry_is_rejected_with_the_reason(name):
    with pytest.raises(QueueEntryError):
        serializer.loads(HOSTILE[name])
    assert not os.path.exists("/tmp/finews-pwned")


def test_only_first_article_fetches_are_shared():
    spider = FinewsSpider()
    spider.config = replace(FinewsConfig.from_settings(settings_with()), page_base="http://h", mobile_base="http://m")
    article = spider.article_request(ENTRY)
    assert is_shared(article)
    assert not is_shared(article.replace(meta={"retry_times": 1}))
    assert not is_shared(Request("http://h/feed", callback=spider.parse_feed, meta={"finews_local": True}))
    fallback = spider._page_request(ENTRY.to_dict(), 1, None)
    assert fallback.url.startswith("http://m/a/") and not is_shared(fallback)  # a fallback page stays here


@pytest.mark.e2e
@pytest.mark.redis
def test_hostile_queue_entries_in_the_real_redis_are_rejected_counted_and_fail_the_run(tmp_path, replay_server, redis_job):
    valid = serializer.dumps({**ENTRY.to_dict()})
    for score, data in enumerate([*HOSTILE.values(), valid]):
        redis_job.client.zadd(redis_job.key("requests"), {data: score})
    returncode, log, stats = run_crawl(tmp_path, {
        "FINEWS_API_BASE": replay_server.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FINEWS_EXPORT_DIR": str(tmp_path / "site"), "FINEWS_REDIS_URL": redis_job.url,
        "FINEWS_REDIS_PREFIX": redis_job.prefix, "FINEWS_ROLE": "worker", "FINEWS_WORKER_WAIT": "1"})
    assert returncode == 1
    assert stats["finews/errors/queue_entry"] == len(HOSTILE)
    assert log.count("Rejected an entry of the shared queue") == len(HOSTILE)
    assert "the run failed: " in log and "Traceback" not in log
    # The one real entry was fetched from the configured source, and nothing else was requested anywhere.
    assert server_stats(replay_server)["share_pages"] == {ENTRY.info_code: 1}
    assert set(server_stats(replay_server)["kinds"]) <= {"share", "text_api", "other"}  # other: robots.txt
    written = sorted(str(p.relative_to(tmp_path / "site")) for p in (tmp_path / "site").rglob("*.md"))
    assert written == ["_posts/2022-04-28-NW202204282363799455.md"]
    assert not os.path.exists("/tmp/finews-pwned")
