"""Politeness by source profile: under the live source's ban thresholds, and a stop when it refuses."""

from __future__ import annotations

import sqlite3

import pytest
from scrapy.settings import Settings

import finews_crawler.settings as project_settings
from conftest import run_crawl
from finews_crawler.testing.runs import server_stats
from finews_crawler.config import FinewsConfig, YamlConfig
from finews_crawler.politeness import PROFILE_PRIORITY, PolitenessAddon, overshoot_warning, profile
from finews_crawler.replay.server import Ban, ReplayServer, _Traffic
from finews_crawler.replay.site import ReplaySite
from finews_crawler.config.options import ConfigError


def _settings(**given: str) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    for key, value in given.items():
        settings.set(key, value, priority="cmdline")
    YamlConfig().update_settings(settings)
    return settings


@pytest.mark.parametrize("given, expected", [
    ({}, "replay"),
    ({"FINEWS_API_BASE": "http://127.0.0.1:8000"}, "replay"),
    ({"FINEWS_API_BASE": "https://api.example.com"}, "legacy"),
    ({"FINEWS_API_BASE": "http://127.0.0.1:8000", "FINEWS_SOURCE": "legacy"}, "legacy"),
])
def test_the_profile_follows_the_source_unless_named(given, expected):
    assert profile(FinewsConfig.from_settings(_settings(**given))) == expected


@pytest.mark.parametrize("given, message", [
    ({"FINEWS_SOURCE": "legacy"}, "FINEWS_SOURCE=legacy needs FINEWS_API_BASE"),
    ({"FINEWS_SOURCE": "replay", "FINEWS_API_BASE": "https://api.example.com"}, "not a loopback address"),
])
def test_a_profile_that_contradicts_the_source_is_a_configuration_error(given, message):
    with pytest.raises(ConfigError, match=message):
        profile(FinewsConfig.from_settings(_settings(**given)))


def test_a_live_profile_is_polite_by_default_and_the_users_own_values_win(tmp_path):
    settings = _settings(FINEWS_API_BASE="https://api.example.com", DOWNLOAD_DELAY="2")
    PolitenessAddon().update_settings(settings)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2 and settings.getint("CONCURRENT_REQUESTS") == 2
    assert settings.getpriority("CONCURRENT_REQUESTS") == PROFILE_PRIORITY
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0  # -s wins
    assert 403 not in settings.getlist("RETRY_HTTP_CODES") and 429 not in settings.getlist("RETRY_HTTP_CODES")
    config = tmp_path / "finews.yml"
    config.write_text("api_base: https://api.example.com\nsettings: {CONCURRENT_REQUESTS_PER_DOMAIN: 1}\n")
    settings = _settings(FINEWS_CONFIG=str(config))
    PolitenessAddon().update_settings(settings)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1  # the YAML file wins too


def test_the_replay_profile_is_not_throttled():
    settings = _settings(FINEWS_API_BASE="http://127.0.0.1:8000")
    PolitenessAddon().update_settings(settings)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == project_settings.CONCURRENT_REQUESTS_PER_DOMAIN


@pytest.mark.parametrize("given, warned", [
    ({"FINEWS_API_BASE": "http://127.0.0.1:8000"}, None),  # the replay profile: 64 and 64
    ({"FINEWS_API_BASE": "https://api.example.com"}, None),  # polite: 2 and 2, and a delay
    ({"FINEWS_API_BASE": "https://api.example.com", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "8"},
     "CONCURRENT_REQUESTS (8) is above CONCURRENT_REQUESTS_PER_DOMAIN (2) with no DOWNLOAD_DELAY"),
    ({"FINEWS_API_BASE": "http://127.0.0.1:8000", "CONCURRENT_REQUESTS": "128"},
     "CONCURRENT_REQUESTS (128) is above CONCURRENT_REQUESTS_PER_DOMAIN (64)"),
])
def test_settings_that_let_scrapy_exceed_the_per_host_bound_are_named(given, warned):
    settings = _settings(**given)
    PolitenessAddon().update_settings(settings)
    warning = overshoot_warning(settings)
    assert warning == warned if warned is None else warning.startswith(warned), warning


def test_the_ban_emulation_trips_past_each_threshold():
    traffic = _Traffic(Ban(per_second=5, per_minute=200))
    assert all(traffic.admit(100.0 + n * 0.25) for n in range(8))  # 4 a second: fine
    assert traffic.admit(102.0) and traffic.admit(102.01)
    assert not traffic.admit(102.02)  # the sixth in one second trips the ban, and is refused
    assert traffic.tripped == "6 requests in a second" and not traffic.admit(500.0)  # banned for 30 minutes
    traffic = _Traffic(Ban(refuse_after=2))
    assert [traffic.admit(float(n)) for n in range(4)] == [True, True, False, False] and traffic.refused == 2


def _stores(tmp_path):
    return {"FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site")}


def _stored(tmp_path) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        return connection.execute("select count(*) from articles").fetchone()[0]


@pytest.mark.e2e
# Both profiles share one politeness policy: today's is held to the 300 articles, the 2021
# one to a shorter crawl that still spans more than a minute of the ban's per-minute window.
@pytest.mark.parametrize("source, articles", [("legacy", 150), ("eastmoney", 320)])
def test_a_live_profile_crawls_hundreds_of_articles_without_tripping_the_ban(tmp_path, source, articles):
    site = ReplaySite.load(scale=articles)
    with ReplayServer(site, ban=Ban()) as server:
        bases = ({"FINEWS_API_BASE": server.url} if source == "legacy" else
                 {"FINEWS_LIST_BASE": server.url, "FINEWS_PAGE_BASE": server.url, "FINEWS_MOBILE_BASE": f"{server.url}/m"})
        returncode, log, stats = run_crawl(tmp_path, {**bases, "FINEWS_SOURCE": source, "FINEWS_FEED_MAX_PAGES": "100",
                                                      **_stores(tmp_path)}, timeout=900)
        traffic = server_stats(server)["traffic"]
    assert returncode == 0, log[-2000:]
    assert traffic["tripped"] == "" and traffic["refused"] == 0, traffic
    assert traffic["peak_per_second"] <= 5 and traffic["peak_per_minute"] <= 200 and traffic["peak_connections"] <= 10
    assert _stored(tmp_path) >= articles - 20 and traffic["requests"] > articles


@pytest.mark.e2e
def test_the_replay_profile_keeps_its_connections_alive_and_never_opens_more_than_its_concurrency(tmp_path):
    unlimited = Ban(max_connections=10**6, per_second=10**6, per_minute=10**6)
    with ReplayServer(ReplaySite.load(scale=600), ban=unlimited) as server:
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_FEED_MAX_PAGES": "100",
                                                      **_stores(tmp_path)})
        traffic = server_stats(server)["traffic"]  # this request's own connection counts too
    assert returncode == 0, log[-2000:]
    assert _stored(tmp_path) >= 580 and traffic["requests"] > 600
    assert traffic["peak_connections"] <= project_settings.CONCURRENT_REQUESTS + 1, traffic
    # 600 articles take ~670 requests; with connections dropped past the pool's per-host bound, 150 were opened.
    assert traffic["opened"] <= project_settings.CONCURRENT_REQUESTS + 4, traffic


@pytest.mark.e2e
def test_a_source_that_starts_refusing_stops_the_crawl_and_the_next_run_completes_the_job(tmp_path, replay_site):
    settings = {"FINEWS_SOURCE": "legacy", "DOWNLOAD_DELAY": "0.02", "AUTOTHROTTLE_ENABLED": "0",  # the stop, not the pace
                **_stores(tmp_path)}
    refusing = Ban(max_connections=10**6, per_second=10**6, per_minute=10**6, refuse_after=80)
    with ReplayServer(replay_site, ban=refusing) as server:
        returncode, log, stats = run_crawl(tmp_path, {**settings, "FINEWS_API_BASE": server.url})
        refused = server_stats(server)["traffic"]["refused"]
    assert returncode == 3, log[-2000:]
    assert "127.0.0.1 refused 3 requests in a row (HTTP 403): stopped to avoid a ban; try later" in log
    assert refused <= 3 + 2  # the third refusal stops it: only requests already in flight (2 connections) follow
    partial = _stored(tmp_path)
    assert 0 < partial < 142
    with ReplayServer(replay_site) as server:
        returncode, log, _ = run_crawl(tmp_path, {**settings, "FINEWS_API_BASE": server.url})
    assert returncode == 0, log[-2000:]
    assert _stored(tmp_path) == 142
