"""The finews configuration: a YAML file feeding Scrapy's settings.

The YAML file is not a second configuration system: the `YamlConfig` addon
reads it once and sets the matching `FINEWS_*` (and any plain Scrapy)
settings at a priority above `settings.py` and below `-s` on the command
line.  Components then read settings through `FinewsConfig.from_settings`
in their `from_crawler`, and nowhere else.

    # finews.yml
    api_base: https://api.example.com
    share_base: https://share.example.com
    database_url: postgresql+psycopg://finews@db/finews
    categories: {央行网站: yangxingwangzhan}
    settings: {CONCURRENT_REQUESTS_PER_DOMAIN: 8}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from scrapy.settings import BaseSettings

from .feeds import DEFAULT_FEEDS, FeedSpec
from .rotation import POSTS_DIR, Rotation

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_FILE = "finews.yml"
# Above settings.py ("project", 20), below custom_settings (30) and -s (40).
YAML_PRIORITY = 25

# YAML key -> Scrapy setting.
YAML_KEYS: dict[str, str] = {
    "api_base": "FINEWS_API_BASE",
    "share_base": "FINEWS_SHARE_BASE",
    "public_share_base": "FINEWS_PUBLIC_SHARE_BASE",
    "site_base": "FINEWS_SITE_BASE",
    "feeds": "FINEWS_FEEDS",
    "page_size": "FINEWS_FEED_PAGE_SIZE",
    "max_pages": "FINEWS_FEED_MAX_PAGES",
    "database_url": "FINEWS_DATABASE_URL",
    "export_dir": "FINEWS_EXPORT_DIR",
    "store_database": "FINEWS_STORE_DATABASE",
    "store_export": "FINEWS_STORE_EXPORT",
    "categories": "FINEWS_CATEGORY_OVERRIDES",
    "replay_dir": "FINEWS_REPLAY_DIR",
    "refresh": "FINEWS_REFRESH",
    "refresh_max_age": "FINEWS_REFRESH_MAX_AGE",
    "rotate_days": "FINEWS_ROTATE_DAYS",
    "rotate_archive": "FINEWS_ROTATE_ARCHIVE",
    "lock_wait": "FINEWS_LOCK_WAIT",
    "redis_url": "FINEWS_REDIS_URL",
    "redis_prefix": "FINEWS_REDIS_PREFIX",
    "role": "FINEWS_ROLE",
    "worker_wait": "FINEWS_WORKER_WAIT",
}


class ConfigError(ValueError):
    """A configuration file or setting that cannot be used, with the reason."""


def read_yaml_config(path: Path) -> dict[str, Any]:
    """Map a YAML config file to Scrapy settings; errors name the file and key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    unknown = set(data) - set(YAML_KEYS) - {"settings"}
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; known: {sorted(YAML_KEYS)} and settings")
    result = {YAML_KEYS[key]: value for key, value in data.items() if key != "settings"}
    extra = data.get("settings") or {}
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: `settings` must be a mapping of Scrapy setting names to values")
    result.update(extra)
    return result


class YamlConfig:
    """Scrapy addon: load `FINEWS_CONFIG` (or ./finews.yml if present) into the settings."""

    def update_settings(self, settings: BaseSettings) -> None:
        name = settings.get("FINEWS_CONFIG")
        path = Path(name) if name else Path(DEFAULT_CONFIG_FILE)
        if not name and not path.exists():
            return
        values = read_yaml_config(path)
        # Validate now, so a bad file stops the run before anything is fetched.
        FinewsConfig.from_settings(_overlay(settings, values))
        for key, value in values.items():
            settings.set(key, value, priority=YAML_PRIORITY)
        settings.set("FINEWS_CONFIG_LOADED", str(path.resolve()), priority=YAML_PRIORITY)


def _overlay(settings: BaseSettings, values: Mapping[str, Any]) -> BaseSettings:
    copy = settings.copy()
    for key, value in values.items():
        copy.set(key, value, priority=YAML_PRIORITY)
    return copy


def _url(value: Any, name: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _rotation(settings: BaseSettings) -> Rotation | None:
    days = settings.getint("FINEWS_ROTATE_DAYS", 0)
    if days < 0:
        raise ConfigError(f"FINEWS_ROTATE_DAYS cannot be negative, got {days}")
    archive = str(settings.get("FINEWS_ROTATE_ARCHIVE") or "old_post").strip("/")
    parts = Path(archive).parts
    if Path(archive).is_absolute() or ".." in parts or not parts or parts[0] == POSTS_DIR:
        raise ConfigError(f"FINEWS_ROTATE_ARCHIVE must be a folder inside the export folder, "
                          f"other than {POSTS_DIR}, got {archive!r}")
    return Rotation(days, archive) if days else None


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

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> FinewsConfig:
        api_base = _url(settings.get("FINEWS_API_BASE"), "FINEWS_API_BASE")
        share_base = _url(settings.get("FINEWS_SHARE_BASE"), "FINEWS_SHARE_BASE") or api_base
        feeds_setting = settings.get("FINEWS_FEEDS")
        try:
            feeds = tuple(FeedSpec.from_mapping(f) for f in feeds_setting) if feeds_setting else DEFAULT_FEEDS
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"FINEWS_FEEDS: {exc}") from None
        if len({feed.name for feed in feeds}) != len(feeds):
            raise ConfigError("FINEWS_FEEDS: feed names must be unique")
        page_size = settings.getint("FINEWS_FEED_PAGE_SIZE", 100)
        max_pages = settings.getint("FINEWS_FEED_MAX_PAGES", 10)
        if not 1 <= page_size <= 100:
            raise ConfigError(f"FINEWS_FEED_PAGE_SIZE must be 1..100 (the source's limit), got {page_size}")
        if max_pages < 1:
            raise ConfigError(f"FINEWS_FEED_MAX_PAGES must be at least 1, got {max_pages}")
        overrides = settings.getdict("FINEWS_CATEGORY_OVERRIDES")
        if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in overrides.items()):
            raise ConfigError("FINEWS_CATEGORY_OVERRIDES must map media names to non-empty slugs")
        store_db = settings.getbool("FINEWS_STORE_DATABASE", True)
        store_export = settings.getbool("FINEWS_STORE_EXPORT", True)
        export_dir = settings.get("FINEWS_EXPORT_DIR")
        replay_dir = settings.get("FINEWS_REPLAY_DIR")
        max_age = settings.getfloat("FINEWS_REFRESH_MAX_AGE", 0.0)
        if max_age < 0:
            raise ConfigError(f"FINEWS_REFRESH_MAX_AGE is in hours and cannot be negative, got {max_age}")
        lock_wait = settings.getfloat("FINEWS_LOCK_WAIT", 0.0)
        if lock_wait < 0:
            raise ConfigError(f"FINEWS_LOCK_WAIT is in seconds and cannot be negative, got {lock_wait}")
        redis_url = str(settings.get("FINEWS_REDIS_URL") or "")
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"FINEWS_REDIS_URL must be a redis://, rediss:// or unix:// URL, got {redis_url!r}")
        if redis_url and not api_base:
            raise ConfigError("FINEWS_REDIS_URL needs FINEWS_API_BASE: every process must crawl the same source")
        role = str(settings.get("FINEWS_ROLE") or "coordinator")
        if role not in ("coordinator", "worker"):
            raise ConfigError(f"FINEWS_ROLE must be coordinator or worker, got {role!r}")
        return cls(
            api_base=api_base,
            share_base=share_base,
            public_share_base=_url(settings.get("FINEWS_PUBLIC_SHARE_BASE"), "FINEWS_PUBLIC_SHARE_BASE"),
            site_base=str(settings.get("FINEWS_SITE_BASE") or ""),
            feeds=feeds,
            page_size=page_size,
            max_pages=max_pages,
            database_url=str(settings.get("FINEWS_DATABASE_URL") or "") if store_db else "",
            export_dir=Path(export_dir) if store_export and export_dir else None,
            category_overrides=dict(overrides),
            replay_dir=Path(replay_dir) if replay_dir else None,
            refresh=settings.getbool("FINEWS_REFRESH", False),
            refresh_max_age=timedelta(hours=max_age) if max_age else None,
            rotation=_rotation(settings),
            lock_wait=lock_wait,
            redis_url=redis_url,
            redis_prefix=str(settings.get("FINEWS_REDIS_PREFIX") or "finews"),
            role=role,
            worker_wait=settings.getfloat("FINEWS_WORKER_WAIT", 30.0),
            run_lock=settings.getbool("FINEWS_RUN_LOCK", True) and not (redis_url and role == "worker"),
        )

    def share_url(self, info_code: str, share_base: str | None = None) -> str:
        base = share_base or self.share_base
        return f"{base}/html_News/NewsShare.html?infoCode={info_code}"
