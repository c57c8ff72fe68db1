"""Bounded per page, per line and per header (issue 23, class 6): memory and the log stay flat whatever the
source sends — a feed page of 12,000 items, 12,000 invalid codes, megabytes of response headers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conftest import run_crawl
from finews_crawler.download_handler import MAX_HEADER_BYTES
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import ReplaySite, Response
from finews_crawler.sources.feeds import PAGE_ITEMS_FACTOR

pytestmark = pytest.mark.e2e
ITEMS = 12_000
PEAK_MB = 300  # docs/operations.md: about 200-215 MB for 20,000 articles


def _media_page(items: list[dict]) -> Response:
    return Response(200, "application/json", json.dumps({"rc": 1, "nodeList": items}).encode(), "feed:media")


def _crawl(tmp_path, site: ReplaySite, **extra: str) -> tuple[int, str, dict]:
    with ReplayServer(site) as server:
        return run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                    "FINEWS_EXPORT_DIR": str(tmp_path / "site"), **extra})


def test_a_feed_page_of_thousands_of_items_is_read_up_to_a_bound_as_one_counted_anomaly(tmp_path, replay_site):
    items = [{"infocode": f"NW2022060700{n:08d}", "title": f"标题{n}", "showtime": "2022-06-07 10:00:00", "from": "证券时报"}
             for n in range(ITEMS)]
    site = replace(replay_site, overrides={"feed:media:1": _media_page(items)})
    returncode, log, stats = _crawl(tmp_path, site, FINEWS_FEED_PAGE_SIZE="50")
    assert stats["finews/errors/oversize_page"] == 1, log[-3000:]
    assert f"Feed media page 1 lists {ITEMS} items for the 50 asked: the first {PAGE_ITEMS_FACTOR * 50} are read" in log
    assert stats["finews/dropped/not_found"] <= PAGE_ITEMS_FACTOR * 50 + 1  # only those were requested
    assert stats["finews/memory/peak_mb"] < PEAK_MB and "Traceback" not in log


def test_thousands_of_invalid_codes_on_a_page_are_one_log_line_with_a_count(tmp_path, replay_site):
    items = [{"infocode": f"bad{n}", "title": "x", "showtime": "2022-06-07 10:00:00", "from": "证券时报"}
             for n in range(ITEMS)]
    site = replace(replay_site, overrides={"feed:media:1": _media_page(items)})
    returncode, log, stats = _crawl(tmp_path, site)
    assert returncode == 0, log[-3000:]
    lines = [line for line in log.splitlines() if "of feed media page 1 (invalid_info_code)" in line]
    assert len(lines) == 1 and f"Dropped {PAGE_ITEMS_FACTOR * 100} items" in lines[0] and "more)" in lines[0]
    assert PAGE_ITEMS_FACTOR * 100 <= stats["finews/dropped/invalid_info_code"] <= PAGE_ITEMS_FACTOR * 100 + 2
    assert len(log) < 200_000


def test_megabytes_of_response_headers_are_refused_and_cost_only_their_own_article(tmp_path, replay_site):
    victim = next(a for a in replay_site.articles if a.status == "ok" and a.feeds == ("media",) and a.template == "desktop")
    headers = {f"X-Padding-{n:06d}": "p" * 100 for n in range(30_000)}  # ~3.5 MB of header lines
    site = replace(replay_site, overrides={f"share:{victim.info_code}": Response(
        200, "text/html; charset=utf-8", b"<html></html>", "share", headers)})
    returncode, log, stats = _crawl(tmp_path, site, RETRY_TIMES="0")
    assert f"exceed {MAX_HEADER_BYTES // 1024} KiB: connection aborted" in log, log[-3000:]
    assert stats["finews/errors/download"] == 1 and stats["finews/articles/new"] > 100
    assert stats["finews/memory/peak_mb"] < PEAK_MB
    posts = {p.stem.split("-", 3)[3] for p in (tmp_path / "site" / "_posts").glob("*.md")}
    assert victim.info_code not in posts
