"""The type and range of every setting finews reads, checked in one place.

Every `FINEWS_*` setting has one `Option` here: its YAML key and a parser
that turns whatever the user wrote (`-s NAME=text`, a YAML value, a
settings.py default) into a typed value or says what it expected.
`check_settings` also rejects unknown `FINEWS_*` names (naming the closest
known one) and plain Scrapy settings whose value Scrapy would choke on
later with a traceback.  Errors are `ConfigError`s: one line naming the
setting, the value and what is expected.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings, default_settings

from .securities import NAME as security_name
from .sources.feeds import DEFAULT_FEEDS, FeedSpec


class ConfigError(ValueError):
    """A configuration file or setting that cannot be used, with the reason."""


class Expected(ValueError):
    """Raised by a parser: the text says what a valid value looks like."""


Parser = Callable[[Any], Any]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Expected("true or false (also 1/0, yes/no, on/off)")


def integer(low: int | None = None, high: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        try:
            if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
                raise ValueError
            number = int(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            number = None
        if number is None or (low is not None and number < low) or (high is not None and number > high):
            raise Expected(_range("a whole number", low, high))
        return number
    return parse


def number(low: float | None = None) -> Parser:
    def parse(value: Any) -> float:
        try:
            if isinstance(value, bool):
                raise ValueError
            result = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            result = None
        if result is None or result != result or (low is not None and result < low):
            raise Expected(_range("a number", low, None))
        return result
    return parse


def _range(what: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{what} from {low:g} to {high:g}"
    if low is not None:
        return f"{what} ≥ {low:g}"
    return what


def fraction(value: Any) -> float:
    result = number(0)(value)
    if result > 1:
        raise Expected("a share from 0 to 1")
    return result


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise Expected("a text value")


def url(value: Any) -> str:
    value = text(value)
    if value and not value.startswith(("http://", "https://")):
        raise Expected("an http(s) URL")
    return value.rstrip("/")


def choice(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        value = text(value) or allowed[0]
        if value not in allowed:
            raise Expected(" or ".join(allowed))
        return value
    return parse


def _mapping(value: Any) -> Mapping[Any, Any]:
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise Expected("a mapping (YAML, or JSON on the command line)") from None
    if isinstance(value, BaseSettings):
        value = value.copy_to_dict()
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise Expected("a mapping (YAML, or JSON on the command line)")
    return value


def slug_map(value: Any) -> dict[str, str]:
    mapping = _mapping(value)
    if not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in mapping.items()):
        raise Expected("a mapping of media names to non-empty slugs")
    return dict(mapping)


def feeds(value: Any) -> tuple[FeedSpec, ...]:
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise Expected("a list of feeds (YAML, or JSON on the command line)") from None
    if not value:
        return DEFAULT_FEEDS
    if not isinstance(value, (list, tuple)) or not all(isinstance(f, Mapping) for f in value):
        raise Expected("a list of feeds, each {name, kind, market_type, category, tag}")
    try:
        specs = tuple(FeedSpec.from_mapping(f) for f in value)
    except (TypeError, ValueError) as exc:
        raise Expected(f"valid feeds ({exc})") from None
    if len({feed.name for feed in specs}) != len(specs):
        raise Expected("feeds with unique names")
    return specs


def _extra_missing(module: str, extra: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise Expected(f"{what}, but {module} is not installed: pip install 'finews[{extra}]'")


def database_url(value: Any) -> str:
    """A SQLite or PostgreSQL SQLAlchemy URL whose driver is installed."""
    value = text(value)
    if not value:
        return ""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        parsed = make_url(value)
    except ArgumentError:
        raise Expected("a SQLAlchemy URL such as sqlite:///output/finews.sqlite3 "
                       "or postgresql+psycopg://user@host/db") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "postgresql":
        if driver != "psycopg":
            raise Expected(f"postgresql+psycopg://… (finews installs psycopg 3, not {driver})")
        _extra_missing("psycopg", "postgres", "a PostgreSQL URL")
    elif backend != "sqlite":
        raise Expected("a sqlite:/// or postgresql+psycopg:// URL")
    return value


def redis_url(value: Any) -> str:
    value = text(value)
    if not value:
        return ""
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise Expected("a redis://, rediss:// or unix:// URL")
    _extra_missing("scrapy_redis", "distributed", "a Redis URL (distributed mode)")
    return value


def path(value: Any) -> Path | None:
    value = text(value)
    return Path(value) if value else None


def securities(value: Any) -> tuple[str, ...]:
    """A watch-list: security codes or symbols (600519, 00700.HK, 1.600519, BK0477), a list or comma-separated."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise Expected("a list of securities (YAML, JSON, or comma-separated)") from None
    elif isinstance(value, str):
        value = value.split(",")
    if not value:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, int)) for v in value):
        raise Expected("a list of securities such as [600519, 00700.HK, BK0477]")
    tokens = tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    bad = [t for t in tokens if not security_name.fullmatch(t)]
    if bad:
        raise Expected(f"securities such as 600519, 600519.SH, 1.600519 or BK0477, not {bad[0]!r}")
    return tokens


def text_map(value: Any) -> tuple[tuple[str, str], ...]:
    """Request headers or options: names to text values, in the order given."""
    mapping = _mapping(value)
    if not all(isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in mapping.items()):
        raise Expected("a mapping of names to text values")
    return tuple((k, v) for k, v in mapping.items())


def prefix(value: Any) -> str:
    value = text(value) or "finews"
    if not all(ch.isalnum() or ch in "-_.:" for ch in value):
        raise Expected("letters, digits and - _ . : only")
    return value


@dataclass(frozen=True)
class Option:
    name: str
    parse: Parser
    yaml_key: str | None = None


OPTIONS: dict[str, Option] = {option.name: option for option in (
    Option("FINEWS_API_BASE", url, "api_base"),
    Option("FINEWS_SHARE_BASE", url, "share_base"),
    Option("FINEWS_PUBLIC_SHARE_BASE", url, "public_share_base"),
    Option("FINEWS_SITE_BASE", text, "site_base"),
    Option("FINEWS_FEEDS", feeds, "feeds"),
    Option("FINEWS_FEED_PAGE_SIZE", integer(1, 100), "page_size"),
    Option("FINEWS_FEED_MAX_PAGES", integer(1), "max_pages"),
    Option("FINEWS_DATABASE_URL", database_url, "database_url"),
    Option("FINEWS_EXPORT_DIR", path, "export_dir"),
    Option("FINEWS_STORE_DATABASE", boolean, "store_database"),
    Option("FINEWS_STORE_EXPORT", boolean, "store_export"),
    Option("FINEWS_CATEGORY_OVERRIDES", slug_map, "categories"),
    Option("FINEWS_REPLAY_DIR", path, "replay_dir"),
    Option("FINEWS_REFRESH", boolean, "refresh"),
    Option("FINEWS_REFRESH_MAX_AGE", number(0), "refresh_max_age"),
    Option("FINEWS_ROTATE_DAYS", integer(0), "rotate_days"),
    Option("FINEWS_ROTATE_ARCHIVE", text, "rotate_archive"),
    Option("FINEWS_LOCK_WAIT", number(0), "lock_wait"),
    Option("FINEWS_RUN_LOCK", boolean),
    Option("FINEWS_STATS_FILE", path),
    Option("FINEWS_PROGRESS_INTERVAL", number(0), "progress_interval"),
    Option("FINEWS_REDIS_URL", redis_url, "redis_url"),
    Option("FINEWS_REDIS_PREFIX", prefix, "redis_prefix"),
    Option("FINEWS_ROLE", choice("coordinator", "worker"), "role"),
    Option("FINEWS_WORKER_WAIT", number(0), "worker_wait"),
    Option("FINEWS_CONFIG", path),
    Option("FINEWS_DEMO", boolean, "demo"),
    Option("FINEWS_CLEAN_BUDGET", number(0.01), "clean_budget"),
    Option("FINEWS_SOURCE", choice("auto", "replay", "legacy", "eastmoney"), "source"),
    Option("FINEWS_LIST_BASE", url, "list_base"),
    Option("FINEWS_PAGE_BASE", url, "page_base"),
    Option("FINEWS_MOBILE_BASE", url, "mobile_base"),
    Option("FINEWS_TEMPLATE_CHANGE_SHARE", fraction, "template_change_share"),
    Option("FINEWS_STOP_AFTER_REFUSALS", integer(1), "stop_after_refusals"),
    Option("FINEWS_SEARCH_BASE", url, "search_base"),
    Option("FINEWS_WATCH", securities, "watch"),
    Option("FINEWS_SEARCH_PAGE_SIZE", integer(1, 100), "search_page_size"),
    Option("FINEWS_SEARCH_HEADERS", text_map, "search_headers"),
    Option("FINEWS_SEARCH_OPTIONS", text_map, "search_options"),
)}
# Set by finews itself, never by a user.
INTERNAL = frozenset({"FINEWS_CONFIG_LOADED"})
YAML_KEYS: dict[str, str] = {option.yaml_key: name for name, option in OPTIONS.items() if option.yaml_key}


def closest(name: str, known: Iterable[str]) -> str:
    """`; did you mean X?` for the nearest known name, or nothing."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def describe(name: str) -> str:
    option = OPTIONS.get(name)
    return f"{name} (YAML {option.yaml_key})" if option and option.yaml_key else name


def read(settings: BaseSettings, name: str) -> Any:
    """The typed value of one FINEWS_* setting, or a ConfigError naming it, its value and what is expected."""
    value = settings.get(name)
    try:
        return OPTIONS[name].parse(value)
    except Expected as exc:
        raise ConfigError(f"{describe(name)} = {value!r}: expected {exc}") from None


# Plain Scrapy settings whose defaults are numbers but which must be whole numbers.
_WHOLE = ("CONCURRENT_", "RETRY_TIMES", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE", "DEPTH_", "CLOSESPIDER_",
          "REDIRECT_MAX_TIMES", "DNS_TIMEOUT")


def _scrapy_parser(name: str, default: Any) -> Parser | None:
    if name == "LOG_LEVEL":
        return choice(*logging.getLevelNamesMapping()) if hasattr(logging, "getLevelNamesMapping") else None
    if isinstance(default, bool):
        return boolean
    if isinstance(default, (int, float)):
        return integer(0) if name.startswith(_WHOLE) else number(0)
    if isinstance(default, dict):
        return _mapping
    return None


def check_settings(settings: BaseSettings, given_from: int) -> None:
    """Reject unknown FINEWS_* names and bad values of the plain Scrapy settings the user gave.

    `given_from`: the lowest priority that counts as the user's (the YAML file's).
    """
    for name in list(settings.attributes):
        if name in INTERNAL:
            continue
        if name.startswith("FINEWS_"):
            if name not in OPTIONS:
                raise ConfigError(f"unknown setting {name}{closest(name, OPTIONS)}")
            read(settings, name)
            continue
        if settings.getpriority(name) < given_from or not hasattr(default_settings, name):
            continue
        parse = _scrapy_parser(name, getattr(default_settings, name))
        if parse is None:
            continue
        value = settings.get(name)
        try:
            parse(value)
        except Expected as exc:
            raise ConfigError(f"{name} = {value!r}: expected {exc}") from None
