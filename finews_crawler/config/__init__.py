"""The finews configuration: one typed object per crawler, fed by Scrapy's settings.

The YAML file is not a second configuration system: the `YamlConfig` addon
(and every finews command, before it builds a crawler) reads it and sets the
matching `FINEWS_*` (and any plain Scrapy) settings at a priority above
`settings.py` and below `-s` on the command line.  Once Scrapy has run every
add-on, `FinewsConfig.of(crawler)` builds the crawler's configuration, once,
and every component takes it from there in its `from_crawler`; nothing else
reads a `FINEWS_*` setting.  The options themselves (name, YAML key, type,
default, doc) are one table: `finews_crawler.config.options`.

    # finews.yml
    api_base: https://api.example.com
    share_base: https://share.example.com
    database_url: postgresql+psycopg://finews@db/finews
    categories: {央行网站: yangxingwangzhan}
    settings: {CONCURRENT_REQUESTS_PER_DOMAIN: 8}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import yaml
from scrapy.settings import BaseSettings

from finews_crawler.sources.articles import Bases
from finews_crawler.sources.feeds import KINDS, TODAY_FEEDS, FeedSpec
from finews_crawler.sources.hosts import EASTMONEY, PublicPage, public_page
from finews_crawler.outputs.rotation import POSTS_DIR, Rotation
from finews_crawler.domain.securities import code_of
from finews_crawler.config.options import OPTIONS, RETIRED_YAML, YAML_KEYS, ConfigError, check_settings, closest, read

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["ConfigError", "FinewsConfig", "YamlConfig", "read_yaml_config"]

DEFAULT_CONFIG_FILE = "finews.yml"
CONFIG_VARIABLE = "FINEWS_CONFIG"  # the setting, and the environment variable naming the file
# Above settings.py ("project", 20), below custom_settings (30) and -s (40).
YAML_PRIORITY = 25


def read_yaml_config(path: Path) -> dict[str, Any]:
    """Map a YAML config file to Scrapy settings; errors name the file and key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    for key in data:
        if key in RETIRED_YAML:
            raise ConfigError(f"{path}: key {key!r} is retired: {RETIRED_YAML[key]}")
        if key not in YAML_KEYS and key != "settings":
            raise ConfigError(f"{path}: unknown key {key!r}{closest(str(key), [*YAML_KEYS, 'settings'])}")
    result = {YAML_KEYS[key]: value for key, value in data.items() if key != "settings"}
    extra = data.get("settings") or {}
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: `settings` must be a mapping of Scrapy setting names to values")
    result.update(extra)
    return result


def config_file(settings: BaseSettings) -> Path | None:
    """The YAML file these settings name (`-s FINEWS_CONFIG=`), else the environment's FINEWS_CONFIG, else
    ./finews.yml if present, else None.

    Scrapy reads no `FINEWS_*` variable of the environment; a user who sets
    this one (a systemd `Environment=`, a CI variable) means the file, and
    would otherwise get the demo.  Set but empty (a missing secret) is a
    configuration error, as an empty `-s` value is.
    """
    name = settings.get("FINEWS_CONFIG") or os.environ.get(CONFIG_VARIABLE)
    if name is not None and not name.strip():
        raise ConfigError(f"{CONFIG_VARIABLE} is empty in the environment (a CI variable that was not set?): "
                          "unset it for ./finews.yml or the defaults")
    path = Path(name) if name else Path(DEFAULT_CONFIG_FILE)
    return path if name or path.exists() else None


def load_config_file(settings: BaseSettings) -> FinewsConfig:
    """Set the YAML file's values into `settings` (idempotent) and check them with the rest: the configuration
    they make, or a ConfigError if the file or a value is unusable (before anything is fetched)."""
    if (path := config_file(settings)) is not None:
        for key, value in read_yaml_config(path).items():
            settings.set(key, value, priority=YAML_PRIORITY)
    return FinewsConfig.from_settings(settings)


class YamlConfig:
    """Scrapy addon: load `FINEWS_CONFIG` (or ./finews.yml if present) into the settings."""

    def update_settings(self, settings: BaseSettings) -> None:
        if config_file(settings) is not None:  # without one, the crawler's configuration is checked when built
            load_config_file(settings)


def _rotation(days: int, archive: str) -> Rotation | None:
    archive = archive.strip("/") or "old_post"
    parts = Path(archive).parts
    if Path(archive).is_absolute() or ".." in parts or not parts or parts[0] == POSTS_DIR:
        raise ConfigError(f"FINEWS_ROTATE_ARCHIVE must be a folder inside the export folder, "
                          f"other than {POSTS_DIR}, got {archive!r}")
    return Rotation(days, archive) if days else None


# The endpoint kinds FINEWS_HEADERS can address: every feed kind, and the article pages.
HEADER_KINDS = (*KINDS, "page")


def _headers(by_kind: dict[str, tuple[tuple[str, str], ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """FINEWS_HEADERS, each kind one that sends requests (a misspelt kind would add its headers nowhere)."""
    for kind in by_kind:
        if kind not in HEADER_KINDS:
            raise ConfigError(f"FINEWS_HEADERS (YAML headers): unknown endpoint kind {kind!r}; expected one of "
                              f"{', '.join(HEADER_KINDS)}{closest(kind, HEADER_KINDS)}")
    return by_kind


@dataclass(frozen=True)
class FinewsConfig:
    """The typed view of every FINEWS_* setting."""

    api_base: str
    share_base: str
    public_share_base: str
    site_base: str
    feeds: tuple[FeedSpec, ...]
    page_size: int
    max_pages: int
    database_url: str
    export_dir: Path | None
    category_overrides: dict[str, str]
    replay_dir: Path | None
    refresh: bool = False
    refresh_max_age: timedelta | None = None
    rotation: Rotation | None = None
    lock_wait: float = 0.0
    redis_url: str = ""
    redis_prefix: str = "finews"
    role: str = "coordinator"
    worker_wait: float = 30.0
    run_lock: bool = True  # distributed workers share the coordinator's run and take no lock
    progress_interval: float = 30.0  # seconds between progress lines; 0: none
    demo: bool = False  # crawl the bundled replay site even into stores of the user's own
    clean_budget: float = 10.0  # seconds of cleaning one article may take before it is dropped as too slow
    source: str = "auto"  # the source profile (sources.profiles)
    list_base: str = ""  # today's lists (fast news, columns); set by the eastmoney profile
    page_base: str = ""  # today's article pages /a/{code}.html
    mobile_base: str = ""  # today's mobile article pages, when a desktop body is empty
    template_change_share: float = 0.5  # share of article pages needing the generic extractor that means "changed"
    stop_after_refusals: int = 3  # refusals (403, 429) in a row that stop the crawl
    search_base: str = ""  # today's per-stock search, read for the watch-list
    watch: tuple[str, ...] = ()  # securities whose per-stock search is read besides the feeds
    search_page_size: int = 10
    search_options: tuple[tuple[str, str], ...] = ()
    headers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # per endpoint kind
    since: datetime | None = None  # a backfill's window: articles published in [since, until)
    until: datetime | None = None
    site_url: str = ""  # the built site's public address: absolute links in feeds and pages
    stats_file: Path | None = None  # every run's stats as JSON

    @classmethod
    def of(cls, crawler: Crawler) -> FinewsConfig:
        """The crawler's configuration, built on first use, once Scrapy has run every add-on.

        Components call this in `from_crawler` (built after the add-ons); the
        spider, which Scrapy builds before them, calls it when the crawl starts.
        The spider's arguments (`-a stocks=`, `since=`, `until=`) join it here.
        """
        config = _BUILT.get(crawler)
        if config is None:
            config = cls.from_settings(crawler.settings).with_arguments(getattr(crawler.spider, "arguments", {}))
            _BUILT[crawler] = config
        return config

    def with_arguments(self, arguments: Mapping[str, Any]) -> FinewsConfig:
        """This configuration with the spider's arguments: `stocks` join the watch-list, `since`/`until` set the
        backfill window (already parsed: `config.arguments.spider_arguments`)."""
        config = self.watching(tuple(arguments.get("stocks", ())))
        window = {name: arguments[name] for name in ("since", "until") if arguments.get(name)}
        return replace(config, **window) if window else config

    @property
    def backfill(self) -> bool:
        return self.since is not None or self.until is not None

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> FinewsConfig:
        """Parse and check every FINEWS_* setting (and the Scrapy settings the user gave); ConfigError if unusable."""
        check_settings(settings, given_from=YAML_PRIORITY)
        get = partial(read, settings)
        api_base, redis_url, role = get("FINEWS_API_BASE"), get("FINEWS_REDIS_URL"), get("FINEWS_ROLE")
        today = get("FINEWS_SOURCE") == "eastmoney"
        feeds = get("FINEWS_FEEDS") if settings.get("FINEWS_FEEDS") or not today else TODAY_FEEDS
        return cls(
            api_base=api_base,
            share_base=get("FINEWS_SHARE_BASE") or api_base,
            public_share_base=get("FINEWS_PUBLIC_SHARE_BASE"),
            site_base=get("FINEWS_SITE_BASE"),
            feeds=feeds,
            page_size=get("FINEWS_FEED_PAGE_SIZE"),
            max_pages=get("FINEWS_FEED_MAX_PAGES"),
            database_url=get("FINEWS_DATABASE_URL") if get("FINEWS_STORE_DATABASE") else "",
            export_dir=get("FINEWS_EXPORT_DIR") if get("FINEWS_STORE_EXPORT") else None,
            category_overrides=get("FINEWS_CATEGORY_OVERRIDES"),
            replay_dir=get("FINEWS_REPLAY_DIR"),
            refresh=get("FINEWS_REFRESH"),
            refresh_max_age=timedelta(hours=get("FINEWS_REFRESH_MAX_AGE")) or None,
            rotation=_rotation(get("FINEWS_ROTATE_DAYS"), get("FINEWS_ROTATE_ARCHIVE")),
            lock_wait=get("FINEWS_LOCK_WAIT"),
            redis_url=redis_url,
            redis_prefix=get("FINEWS_REDIS_PREFIX"),
            role=role,
            worker_wait=get("FINEWS_WORKER_WAIT"),
            run_lock=get("FINEWS_RUN_LOCK") and not (redis_url and role == "worker"),
            progress_interval=get("FINEWS_PROGRESS_INTERVAL"),
            demo=get("FINEWS_DEMO"),
            clean_budget=get("FINEWS_CLEAN_BUDGET"),
            source=get("FINEWS_SOURCE"),
            stop_after_refusals=get("FINEWS_STOP_AFTER_REFUSALS"),
            list_base=get("FINEWS_LIST_BASE") or (EASTMONEY["list"] if today else ""),
            page_base=get("FINEWS_PAGE_BASE") or (EASTMONEY["page"] if today else ""),
            mobile_base=get("FINEWS_MOBILE_BASE") or (EASTMONEY["mobile"] if today else ""),
            search_base=get("FINEWS_SEARCH_BASE") or (EASTMONEY["search"] if today else ""),
            search_page_size=get("FINEWS_SEARCH_PAGE_SIZE"),
            search_options=get("FINEWS_SEARCH_OPTIONS"),
            watch=get("FINEWS_WATCH"),
            template_change_share=get("FINEWS_TEMPLATE_CHANGE_SHARE"),
            site_url=get("FINEWS_SITE_URL"),
            headers=_headers(get("FINEWS_HEADERS")),
            since=get("FINEWS_SINCE"),
            until=get("FINEWS_UNTIL"),
            stats_file=get("FINEWS_STATS_FILE"),
        ).watching()

    @property
    def links_base(self) -> str:
        """Where the posts' back links point: FINEWS_SITE_BASE, else the site's public address, else root-relative."""
        return self.site_base or self.site_url

    def headers_for(self, kind: str, own: Mapping[str, str] | tuple[tuple[str, str], ...]) -> dict[str, str]:
        """The headers a request of an endpoint kind sends: what its own web page sends, then FINEWS_HEADERS."""
        return {**dict(own), **dict(self.headers.get(kind, ()))}

    def page_size_of(self, feed: FeedSpec) -> int:
        """The items a feed's page asks for: the feed's own size (the search's), else FINEWS_FEED_PAGE_SIZE."""
        return feed.page_size or self.page_size

    def feed_base(self, feed: FeedSpec) -> str:
        """The base a feed is read from: today's lists from the list base, the search from the search base,
        the 2021 feeds from the API base."""
        return {"list": self.list_base, "search": self.search_base}.get(feed.endpoint.base, self.api_base)

    def watching(self, securities: tuple[str, ...] = ()) -> FinewsConfig:
        """This configuration with a search feed for each watched security (FINEWS_WATCH and `securities`)."""
        feeds = list(self.feeds)
        for token in dict.fromkeys((*self.watch, *securities)):
            code = code_of(token)
            name = f"watch:{code}"
            if all(feed.name != name for feed in feeds):
                feeds.append(FeedSpec(name, "search", keyword=code, page_size=self.search_page_size,
                                      options=self.search_options))
        return replace(self, feeds=tuple(feeds))

    def feeds_fault(self) -> str | None:
        """A feed whose endpoint has no base configured, or None.

        With no base at all the bundled replay site serves the 2021 feeds, not today's lists.
        """
        for feed in self.feeds:
            base = feed.endpoint.base
            if not self.feed_base(feed) and (base == "list" or self.crawled_bases()):
                needs = {"list": "FINEWS_LIST_BASE (or FINEWS_SOURCE=eastmoney)",
                         "search": "FINEWS_SEARCH_BASE (or FINEWS_SOURCE=eastmoney)"}.get(base, "FINEWS_API_BASE")
                kind = {"list": "one of today's lists", "search": "a per-stock search"}.get(base, "a 2021 feed")
                return f"feed {feed.name!r} is {kind}: it needs {needs}"
        return None

    def demo_misuse(self) -> str | None:
        """Why crawling the bundled replay site now would put demo articles where real ones belong, or None.

        With no source configured finews crawls its bundled replay site: fine
        into the default output folder (the demo), never silently into a
        database or export folder the user named (a CI job whose secret is
        missing would publish the demo).
        """
        if self.crawled_bases() or self.demo:
            return None
        own = [f"{name} {value}" for name, value, default in (
            ("FINEWS_DATABASE_URL", self.database_url, OPTIONS["FINEWS_DATABASE_URL"].default),
            ("FINEWS_EXPORT_DIR", str(self.export_dir or ""), OPTIONS["FINEWS_EXPORT_DIR"].default),
        ) if value and value != default]
        if not own:
            return None
        return (f"no source is configured (FINEWS_API_BASE), so this run would fill {' and '.join(own)} with the "
                f"bundled replay site's demo articles; set FINEWS_API_BASE, or FINEWS_DEMO=1 to crawl the demo there")

    def bases(self) -> Bases:
        """The bases an article's pages are read from (`sources.articles.endpoints`)."""
        return Bases(page=self.page_base, mobile=self.mobile_base, share=self.share_base, api=self.api_base)

    def public_url(self, info_code: str) -> str:
        """The article's page as readers reach it: the link a post gives, the base its relative URLs resolve on
        (`sources.hosts.public_page`)."""
        shape, base = self._public_page
        return shape(base, info_code)

    @cached_property
    def _public_page(self) -> PublicPage:
        """The URL shape and base of `public_url`, chosen once per run rather than per article."""
        return public_page(self.public_share_base, self.page_base, self.share_base)

    def crawled_bases(self) -> list[tuple[str, str]]:
        """(base, setting) of every host a crawl sends requests to (the search host only with a watch-list)."""
        searching = any(feed.endpoint.base == "search" for feed in self.feeds)
        named = {self.search_base if searching else "": "FINEWS_SEARCH_BASE", self.mobile_base: "FINEWS_MOBILE_BASE",
                 self.page_base: "FINEWS_PAGE_BASE",
                 self.list_base: "FINEWS_LIST_BASE", self.share_base: "FINEWS_SHARE_BASE", self.api_base: "FINEWS_API_BASE"}
        return [(base, setting) for base, setting in named.items() if base]


_BUILT: WeakKeyDictionary[Crawler, FinewsConfig] = WeakKeyDictionary()
