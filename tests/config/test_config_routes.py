"""Every option reaches every component the same way, whichever route it was given by.

The routes users take: `-s NAME=text`, a YAML file named by `-s FINEWS_CONFIG=` or by the
environment's `FINEWS_CONFIG`, and `./finews.yml` in the working directory. For each option and route, the configuration a finews
command builds (`cli.prepare_settings`, then `cli.finews_config`) and the one a crawler builds
after its add-ons (`FinewsConfig.of`) hold the option's value, and are equal; and every
component of a crawler holds that one configuration object.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_reactor_settings

import finews_crawler.settings as project_settings
from finews_crawler.cli import finews_config, prepare_settings
from finews_crawler.config import FinewsConfig
from finews_crawler.config.options import OPTIONS
from finews_crawler.spiders.finews import FinewsSpider

# option -> (a value other than the default, settings it needs beside it, what the configuration then says)
Check = Callable[[FinewsConfig], Any]
SAMPLES: dict[str, tuple[Any, dict[str, Any], Check, Any]] = {
    "FINEWS_SOURCE": ("eastmoney", {}, lambda c: (c.source, c.page_base), ("eastmoney", "https://finance.eastmoney.com")),
    "FINEWS_LIST_BASE": ("http://127.0.0.1:9/list", {}, lambda c: c.list_base, "http://127.0.0.1:9/list"),
    "FINEWS_PAGE_BASE": ("http://127.0.0.1:9/page", {}, lambda c: c.page_base, "http://127.0.0.1:9/page"),
    "FINEWS_MOBILE_BASE": ("http://127.0.0.1:9/m", {}, lambda c: c.mobile_base, "http://127.0.0.1:9/m"),
    "FINEWS_SEARCH_BASE": ("http://127.0.0.1:9/s", {}, lambda c: c.search_base, "http://127.0.0.1:9/s"),
    "FINEWS_API_BASE": ("http://127.0.0.1:9", {}, lambda c: (c.api_base, c.share_base), ("http://127.0.0.1:9",) * 2),
    "FINEWS_SHARE_BASE": ("http://127.0.0.1:8", {}, lambda c: c.share_base, "http://127.0.0.1:8"),
    "FINEWS_PUBLIC_SHARE_BASE": ("https://share.example", {}, lambda c: c.public_share_base, "https://share.example"),
    "FINEWS_REPLAY_DIR": ("/srv/replay", {}, lambda c: c.replay_dir, Path("/srv/replay")),
    "FINEWS_DEMO": (True, {}, lambda c: c.demo, True),
    "FINEWS_FEEDS": ([{"name": "m38", "kind": "market", "market_type": 38}], {},
                     lambda c: [(f.name, f.market_type) for f in c.feeds], [("m38", 38)]),
    "FINEWS_FEED_PAGE_SIZE": (20, {}, lambda c: c.page_size, 20),
    "FINEWS_FEED_MAX_PAGES": (3, {}, lambda c: c.max_pages, 3),
    "FINEWS_WATCH": (["600519"], {}, lambda c: (c.watch, c.feeds[-1].name), (("600519",), "watch:600519")),
    "FINEWS_SEARCH_PAGE_SIZE": (5, {"FINEWS_WATCH": ["600519"]}, lambda c: c.feeds[-1].page_size, 5),
    "FINEWS_SEARCH_OPTIONS": ({"sort": "time"}, {}, lambda c: c.search_options, (("sort", "time"),)),
    "FINEWS_REFRESH": (True, {}, lambda c: c.refresh, True),
    "FINEWS_HEADERS": ({"fast": {"Referer": "https://x.example/"}}, {}, lambda c: c.headers_for("fast", {}),
                       {"Referer": "https://x.example/"}),
    "FINEWS_SINCE": ("2026-11-01", {}, lambda c: c.since.isoformat(), "2026-11-01T00:00:00+08:00"),
    "FINEWS_UNTIL": ("2026-11-15T12:00", {}, lambda c: c.until.isoformat(), "2026-11-15T12:00:00+08:00"),
    "FINEWS_REFRESH_MAX_AGE": (24, {}, lambda c: c.refresh_max_age, timedelta(hours=24)),
    "FINEWS_TEMPLATE_CHANGE_SHARE": (0.25, {}, lambda c: c.template_change_share, 0.25),
    "FINEWS_STOP_AFTER_REFUSALS": (5, {}, lambda c: c.stop_after_refusals, 5),
    "FINEWS_CLEAN_BUDGET": (3, {}, lambda c: c.clean_budget, 3.0),
    "FINEWS_DATABASE_URL": ("sqlite:////srv/db/x.sqlite3", {}, lambda c: c.database_url, "sqlite:////srv/db/x.sqlite3"),
    "FINEWS_EXPORT_DIR": ("/srv/site", {}, lambda c: c.export_dir, Path("/srv/site")),
    "FINEWS_STORE_DATABASE": (False, {}, lambda c: c.database_url, ""),
    "FINEWS_STORE_EXPORT": (False, {}, lambda c: c.export_dir, None),
    "FINEWS_SITE_URL": ("https://news.example.com", {}, lambda c: c.site_url, "https://news.example.com"),
    "FINEWS_SITE_BASE": ("finews.example.com", {}, lambda c: c.site_base, "finews.example.com"),
    "FINEWS_CATEGORY_OVERRIDES": ({"央行网站": "yangxingwangzhan"}, {}, lambda c: c.category_overrides,
                                  {"央行网站": "yangxingwangzhan"}),
    "FINEWS_ROTATE_DAYS": (3, {}, lambda c: c.rotation.days, 3),
    "FINEWS_ROTATE_ARCHIVE": ("archive", {"FINEWS_ROTATE_DAYS": 2}, lambda c: c.rotation.archive, "archive"),
    "FINEWS_LOCK_WAIT": (5, {}, lambda c: c.lock_wait, 5.0),
    "FINEWS_RUN_LOCK": (False, {}, lambda c: c.run_lock, False),
    "FINEWS_STATS_FILE": ("/srv/log/stats.json", {}, lambda c: c.stats_file, Path("/srv/log/stats.json")),
    "FINEWS_PROGRESS_INTERVAL": (5, {}, lambda c: c.progress_interval, 5.0),
    "FINEWS_REDIS_URL": ("redis://127.0.0.1:6379/0", {}, lambda c: c.redis_url, "redis://127.0.0.1:6379/0"),
    "FINEWS_REDIS_PREFIX": ("job1", {}, lambda c: c.redis_prefix, "job1"),
    "FINEWS_ROLE": ("worker", {}, lambda c: c.role, "worker"),
    "FINEWS_WORKER_WAIT": (7, {}, lambda c: c.worker_wait, 7.0),
}
ROUTES = ("-s", "FINEWS_CONFIG", "FINEWS_CONFIG in the environment", "./finews.yml")


def test_every_option_has_a_sample_here():
    assert set(OPTIONS) - {"FINEWS_CONFIG"} == set(SAMPLES), "a new option needs a sample value here"


def _as_text(value: Any) -> str:
    """A value as a user types it after -s."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _yaml_file(path: Path, values: dict[str, Any]) -> None:
    """A YAML config with these settings: by their YAML keys, or under `settings:` when they have none."""
    document: dict[str, Any] = {}
    for name, value in values.items():
        key = OPTIONS[name].yaml_key
        if key:
            document[key] = value
        else:
            document.setdefault("settings", {})[name] = value
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def _settings(route: str, values: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a finews command starts from (settings.py, then -s), with `values` given by `route`."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(get_reactor_settings(), priority="project")
    monkeypatch.chdir(tmp_path)
    if route == "-s":
        for name, value in values.items():
            settings.set(name, _as_text(value), priority="cmdline")
    elif route == "FINEWS_CONFIG":
        _yaml_file(tmp_path / "elsewhere.yml", values)
        settings.set("FINEWS_CONFIG", str(tmp_path / "elsewhere.yml"), priority="cmdline")
    elif route == "FINEWS_CONFIG in the environment":  # a systemd Environment=, a CI variable
        _yaml_file(tmp_path / "elsewhere.yml", values)
        monkeypatch.setenv("FINEWS_CONFIG", str(tmp_path / "elsewhere.yml"))
    else:
        _yaml_file(tmp_path / "finews.yml", values)
    return settings


def _crawler(settings: Settings) -> Any:
    """A crawler as `scrapy crawl` builds one: the spider first, then the add-ons and extensions."""
    from scrapy.crawler import AsyncCrawlerRunner, CrawlerRunner

    runner = CrawlerRunner(settings) if is_reactor_installed() else AsyncCrawlerRunner(settings)
    crawler = runner.create_crawler(FinewsSpider)
    crawler.spider = crawler._create_spider()
    crawler._apply_settings()
    return crawler


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_an_option_given_by_any_route_reaches_the_commands_and_the_crawler_alike(name, route, tmp_path, monkeypatch):
    value, companions, check, expected = SAMPLES[name]
    settings = _settings(route, {**companions, name: value}, tmp_path, monkeypatch)
    crawler = _crawler(settings.copy())  # its own add-on reads the file
    command_settings = settings.copy()
    prepare_settings(command_settings)  # what every finews command does before building anything
    from_command, from_crawler = finews_config(command_settings), FinewsConfig.of(crawler)
    assert check(from_command) == expected
    assert from_crawler == from_command
    assert crawler.spider.config is from_crawler


def test_every_component_holds_the_one_configuration_of_its_crawler(tmp_path, monkeypatch):
    from finews_crawler.runtime.logs import Progress
    from finews_crawler.pipelines.categorise import CategorisePipeline
    from finews_crawler.pipelines.clean import CleanPipeline
    from finews_crawler.pipelines.store import StorePipeline
    from finews_crawler.politeness import SourcePoliteness
    from finews_crawler.runtime.summary import RunSummary

    given = {"FINEWS_API_BASE": "http://127.0.0.1:9", "FINEWS_CLEAN_BUDGET": 3, "FINEWS_STOP_AFTER_REFUSALS": 5,
             "FINEWS_TEMPLATE_CHANGE_SHARE": 0.25, "FINEWS_STATS_FILE": str(tmp_path / "stats.json"),
             "FINEWS_SITE_URL": "https://news.example.com", "FINEWS_PROGRESS_INTERVAL": 5,
             "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(tmp_path / "site")}
    crawler = _crawler(_settings("FINEWS_CONFIG", given, tmp_path, monkeypatch))
    config = FinewsConfig.of(crawler)
    assert FinewsConfig.of(crawler) is config  # built once
    assert crawler.spider.config is config
    store = build_from_crawler(StorePipeline, crawler)
    assert store.config is config
    assert build_from_crawler(CategorisePipeline, crawler).specs == {feed.name: feed for feed in config.feeds}
    assert build_from_crawler(CleanPipeline, crawler).budget == 3.0
    assert build_from_crawler(SourcePoliteness, crawler).stop_after == 5
    summary = build_from_crawler(RunSummary, crawler)
    assert (summary.stats_file, summary.template_share) == (tmp_path / "stats.json", 0.25)
    assert build_from_crawler(Progress, crawler).interval == 5.0
