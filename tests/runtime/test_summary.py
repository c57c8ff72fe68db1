import subprocess
import sys

import pytest

from finews_crawler.runtime.summary import cpu_line, process_cpu, run_failure, summary_line


def test_summary_line_counts_articles_drops_and_errors_by_reason():
    stats = {"finews/articles/new": 3, "finews/articles/skipped": 5, "finews/articles/updated": 1, "finews/posts/written": 4,
             "finews/dropped/no_time": 1, "finews/dropped/withdrawn": 2, "finews/errors/export": 1,
             "retry/max_reached": 2, "item_scraped_count": 9}
    assert summary_line(stats) == (
        "finews: 4 articles stored (3 new, 1 updated, 0 unchanged), 5 known and skipped; 4 posts written; "
        "3 dropped (no_time=1, withdrawn=2); 1 errors (export=1); 2 requests gave up after retries; "
        "0 requests (0 feed pages, 0 article pages, 0 other), 0.00 per article stored; "
        "CPU 0.0 s (crawl 0.0 s, cleaning and writing 0.0 s), 0.0 ms per article stored")


def test_requests_line_amortises_feed_pages_over_the_articles_stored():
    from finews_crawler.runtime.summary import requests_line

    stats = {"downloader/request_count": 13, "finews/feeds/pages/roll": 2, "finews/feeds/pages/media": 2,
             "finews/errors/feed": 1, "finews/pages/desktop": 6, "finews/pages/text_api": 1, "finews/articles/new": 5,
             "finews/articles/unchanged": 1, "finews/articles/skipped": 40}
    assert requests_line(stats) == "13 requests (5 feed pages, 7 article pages, 1 other), 2.17 per article stored"


def test_summary_line_of_an_empty_run():
    assert summary_line({}) == ("finews: 0 articles stored (0 new, 0 updated, 0 unchanged), 0 known and skipped; "
                                "0 posts written; "
                                "0 dropped (none); 0 errors (none); 0 requests gave up after retries; "
                                "0 requests (0 feed pages, 0 article pages, 0 other), no article stored; "
                                "CPU 0.0 s (crawl 0.0 s, cleaning and writing 0.0 s)")


def test_cpu_line_adds_the_helper_processes_and_divides_by_the_articles_stored():
    stats = {"finews/cpu/crawl": 6.04, "finews/cpu/helpers": 3.1, "finews/articles/new": 1400,
             "finews/articles/updated": 100}
    assert cpu_line(stats) == "CPU 9.1 s (crawl 6.0 s, cleaning and writing 3.1 s), 6.1 ms per article stored"


def test_process_cpu_counts_a_child_process_once_it_was_waited_for():
    before = process_cpu()
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    after = process_cpu()
    assert after["finews/cpu/helpers"] - before["finews/cpu/helpers"] >= 0.25
    assert after["finews/cpu/crawl"] >= before["finews/cpu/crawl"] > 0


@pytest.mark.parametrize("stats, failure", [
    ({"finish_reason": "finished", "finews/dropped/withdrawn": 1, "finews/errors/download": 3,
      "finews/feeds/pages/roll": 1}, None),
    ({"finish_reason": "shutdown", "finews/feeds/pages/roll": 1}, "stopped early (shutdown)"),
    ({"finish_reason": "finished", "finews/errors/feed": 5}, "no feed page could be read"),
    ({"finish_reason": "finished", "finews/errors/feed": 1, "finews/feeds/pages/roll": 2}, None),
    ({"finish_reason": "finished", "finews/errors/export": 2, "finews/feeds/pages/roll": 1}, "2 export errors"),
    ({"finish_reason": "finished", "finews/errors/database": 1, "finews/feeds/pages/roll": 1}, "1 database errors"),
    ({"finish_reason": "finished", "spider_exceptions/count": 1}, "1 exceptions in the spider"),
    ({"finish_reason": "finished", "finews/errors/dispatch": 1, "finews/feeds/pages/roll": 1}, "held articles"),
])
def test_a_run_fails_only_when_it_did_not_do_its_job(stats, failure):
    result = run_failure(stats)
    assert result is None if failure is None else failure in result


@pytest.mark.e2e
def test_an_article_lost_to_a_pipeline_exception_fails_the_run_and_is_named_in_the_summary(tmp_path, replay_server):
    import json

    from conftest import run_crawl
    from finews_crawler import settings as project

    pipelines = {**project.ITEM_PIPELINES, "tests.failing_pipeline.RaiseForOne": 150}
    returncode, log, stats = run_crawl(tmp_path, {
        "FINEWS_API_BASE": replay_server.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FINEWS_EXPORT_DIR": str(tmp_path / "site"), "ITEM_PIPELINES": json.dumps(pipelines)})
    assert returncode == 1
    assert stats["finews/errors/pipeline"] == 1
    assert "1 errors (pipeline=1)" in stats["finews/summary"]
    assert log.rstrip().endswith("finews: the run failed: 1 articles lost to an error in a pipeline")


def test_articles_resumed_from_an_earlier_run_are_not_counted_as_stored_twice():
    stats = {"finews/articles/resumed": 3, "finews/articles/new": 3, "downloader/request_count": 3,
             "finews/pages/desktop": 3}
    assert summary_line(stats).startswith("finews: 3 articles stored (3 new, 0 updated, 0 unchanged)")
