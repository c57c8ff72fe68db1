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

import copy
import difflib
import importlib.util
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from dateutil.parser import isoparse

from scrapy.settings import BaseSettings, default_settings

from finews_crawler.domain.dates import BEIJING
from finews_crawler.domain.securities import NAME as security_name
from finews_crawler.sources.feeds import DEFAULT_FEEDS, FeedSpec


class ConfigError(ValueError):
    """A configuration file or setting that cannot be used, with the reason."""


class Expected(ValueError):
    """Raised by a parser: the text says what a valid value looks like."""


Parser = Callable[[Any], Any]

def expecting(what: str) -> Callable[[Parser], Parser]:
    """Mark a parser with what a valid value looks like (for the generated reference)."""
    def mark(parse: Parser) -> Parser:
        parse.expects = what  # type: ignore[attr-defined]
        return parse
    return mark


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@expecting("true or false (also 1/0, yes/no, on/off)")
def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Expected("true or false (also 1/0, yes/no, on/off)")


def integer(low: int | None = None, high: int | None = None) -> Parser:
    @expecting(_range("a whole number", low, high))
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
    @expecting(_range("a number", low, None))
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


@expecting("a share from 0 to 1")
def fraction(value: Any) -> float:
    result = number(0)(value)
    if result > 1:
        raise Expected("a share from 0 to 1")
    return result


@expecting("a text value")
def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise Expected("a text value")


@expecting("an http(s) URL")
def url(value: Any) -> str:
    value = text(value)
    if value and not value.startswith(("http://", "https://")):
        raise Expected("an http(s) URL")
    return value.rstrip("/")


@expecting("an http(s) address with a host and no path, such as https://news.example.com")
def site_url(value: Any) -> str:
    """The built site's public address: scheme, host and port (the posts' links are root-relative)."""
    value = url(value)
    parts = urlsplit(value)
    if value and (not parts.hostname or parts.path or parts.query or parts.fragment):
        raise Expected(site_url.expects)  # type: ignore[attr-defined]
    return value


def choice(*allowed: str) -> Parser:
    @expecting(" or ".join(allowed))
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


@expecting("a mapping of media names to non-empty slugs")
def slug_map(value: Any) -> dict[str, str]:
    mapping = _mapping(value)
    if not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in mapping.items()):
        raise Expected("a mapping of media names to non-empty slugs")
    return dict(mapping)


@expecting("a list of feeds, each {name, kind, …}")
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


@expecting("a sqlite:/// or postgresql+psycopg:// URL")
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
    # From the URL's text: asking SQLAlchemy for the driver name loads the dialect, and an unknown one raises.
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgresql":
        if driver != "psycopg":
            raise Expected(f"postgresql+psycopg://… (finews installs psycopg 3, not {driver or 'psycopg2'})")
        _extra_missing("psycopg", "postgres", "a PostgreSQL URL")
    elif backend != "sqlite":
        raise Expected("a sqlite:/// or postgresql+psycopg:// URL")
    return value


@expecting("a redis://, rediss:// or unix:// URL")
def redis_url(value: Any) -> str:
    value = text(value)
    if not value:
        return ""
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise Expected("a redis://, rediss:// or unix:// URL")
    _extra_missing("scrapy_redis", "distributed", "a Redis URL (distributed mode)")
    return value


@expecting("a path")
def path(value: Any) -> Path | None:
    value = text(value)
    return Path(value) if value else None


@expecting("a list of securities (600519, 600519.SH, 1.600519, BK0477)")
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


@expecting("a mapping of names to text values")
def text_map(value: Any) -> tuple[tuple[str, str], ...]:
    """Request headers or options: names to text values, in the order given."""
    mapping = _mapping(value)
    if not all(isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in mapping.items()):
        raise Expected("a mapping of names to text values")
    return tuple((k, v) for k, v in mapping.items())


@expecting("a mapping of endpoint kinds (fast, column, page, …) to mappings of header names to text")
def headers_by_kind(value: Any) -> dict[str, tuple[tuple[str, str], ...]]:
    """Request headers per endpoint kind, over the ones its own web page sends."""
    mapping = _mapping(value)
    try:
        return {str(kind): text_map(headers) for kind, headers in mapping.items()}
    except Expected:
        raise Expected(headers_by_kind.expects) from None  # type: ignore[attr-defined]


@expecting("a date or date-time such as 2026-11-01 or 2026-11-15T12:00 (Beijing time unless it names a zone)")
def moment(value: Any) -> datetime | None:
    """A backfill bound: ISO 8601, Beijing time unless the text names a zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BEIJING)
    if isinstance(value, date):  # a YAML date
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING)
    value = text(value)
    if not value:
        return None
    try:
        parsed = isoparse(value)
    except ValueError:
        raise Expected(moment.expects) from None  # type: ignore[attr-defined]
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BEIJING)


@expecting("letters, digits and - _ . : only")
def prefix(value: Any) -> str:
    value = text(value) or "finews"
    if not all(ch.isalnum() or ch in "-_.:" for ch in value):
        raise Expected("letters, digits and - _ . : only")
    return value


@dataclass(frozen=True)
class Option:
    """One finews setting: its name, YAML key, parser, default and what it is for.

    This table is the one source of the options: settings.py takes its
    defaults from it, and `finews_crawler.config.reference` writes the
    example YAML file and the configuration reference from it.
    """

    name: str
    parse: Parser
    yaml_key: str | None
    default: Any
    doc: str
    group: str

    @property
    def expects(self) -> str:
        """What a valid value looks like, as the parser's error says it."""
        return getattr(self.parse, "expects", "")


def _group(group: str, *rows: tuple[str, Parser, str | None, Any, str]) -> list[Option]:
    return [Option(name, parse, key, default, doc, group) for name, parse, key, default, doc in rows]


OPTIONS: dict[str, Option] = {option.name: option for option in (
    *_group(
        "The source",
        ("FINEWS_SOURCE", choice("auto", "replay", "legacy", "eastmoney"), "source", "auto",
         "source profile: `eastmoney` (today's endpoints, polite), `legacy` (the 2021 endpoints on a live host, "
         "polite), `replay` (a replay site on this machine, not throttled), `auto` (replay when every base is empty "
         "or loopback, else legacy)"),
        ("FINEWS_LIST_BASE", url, "list_base", "",
         "today's fast-news and column lists; the eastmoney profile presets https://np-listapi.eastmoney.com"),
        ("FINEWS_PAGE_BASE", url, "page_base", "",
         "today's article pages `/a/{code}.html`; the eastmoney profile presets https://finance.eastmoney.com"),
        ("FINEWS_MOBILE_BASE", url, "mobile_base", "",
         "today's mobile article pages, read when a desktop body is empty; the eastmoney profile presets "
         "https://wap.eastmoney.com"),
        ("FINEWS_SEARCH_BASE", url, "search_base", "",
         "today's per-stock search, read for the watch-list; the eastmoney profile presets "
         "https://search-api-web.eastmoney.com"),
        ("FINEWS_API_BASE", url, "api_base", "",
         "the 2021 list feeds and text API; with no base at all, the bundled replay site is crawled (the demo)"),
        ("FINEWS_SHARE_BASE", url, "share_base", "", "the 2021 share pages (empty: the API base)"),
        ("FINEWS_PUBLIC_SHARE_BASE", url, "public_share_base", "",
         "the article link written in posts (empty: the page crawled; for a loopback source, the source's public "
         "page)"),
        ("FINEWS_REPLAY_DIR", path, "replay_dir", "", "the replay site the demo serves (empty: data/site)"),
        ("FINEWS_DEMO", boolean, "demo", False,
         "with no source, crawl the bundled replay site into a database or export folder of your own too "
         "(otherwise a configuration error)"),
    ),
    *_group(
        "Feeds and pages",
        ("FINEWS_FEEDS", feeds, "feeds", [],
         "feeds to read: a list of `{name, kind, market_type, column, keyword, page_size, category, tag}` (kinds "
         "roll, media, market, fast, column, search); empty: roll, media and market 37/38/39, or on the eastmoney "
         "profile the fast list and column 1207"),
        ("FINEWS_FEED_PAGE_SIZE", integer(1, 100), "page_size", 100, "items asked for per feed page"),
        ("FINEWS_FEED_MAX_PAGES", integer(1), "max_pages", 10, "feed pages read per feed per run"),
        ("FINEWS_WATCH", securities, "watch", [],
         "securities whose per-stock search is read besides the feeds (`[600519, 00700.HK, BK0477]`; also "
         "`-a stocks=`)"),
        ("FINEWS_SEARCH_PAGE_SIZE", integer(1, 100), "search_page_size", 10, "items per search page"),
        ("FINEWS_HEADERS", headers_by_kind, "headers", {},
         "request headers per endpoint kind (fast, column, search, page), over those its own web page sends (the fast "
         "list's `Referer: https://kuaixun.eastmoney.com/`, as every public client sends it; the search's "
         "Referer `https://so.eastmoney.com/`, Accept and Accept-Language, without which it refuses)"),
        ("FINEWS_SEARCH_OPTIONS", text_map, "search_options", {},
         "options of the search request over its defaults (searchScope, sort; preTag/postTag empty: no "
         "highlighting)"),
        ("FINEWS_SINCE", moment, "since", "",
         "backfill: store only articles published at or after this time (also `-a since=`); lists are paged back "
         "to it, past pages of known articles"),
        ("FINEWS_UNTIL", moment, "until", "",
         "backfill: store only articles published before this time (also `-a until=`); the fast list's cursor "
         "starts there"),
        ("FINEWS_REFRESH", boolean, "refresh", False, "fetch known (and gone) articles again; changed ones are updated"),
        ("FINEWS_REFRESH_MAX_AGE", number(0), "refresh_max_age", 0,
         "hours; > 0: fetch a known article again once it was last checked this long ago"),
        ("FINEWS_TEMPLATE_CHANGE_SHARE", fraction, "template_change_share", 0.5,
         "share of article pages needing the generic extractor (or unreadable) that ends a run with exit status 4"),
        ("FINEWS_STOP_AFTER_REFUSALS", integer(1), "stop_after_refusals", 3,
         "refusals (HTTP 403, 429) in a row that stop the crawl (exit status 3)"),
        ("FINEWS_CLEAN_BUDGET", number(0.01), "clean_budget", 10,
         "seconds cleaning one article may take (in a worker process); longer: dropped as too_slow"),
    ),
    *_group(
        "Where articles go",
        ("FINEWS_DATABASE_URL", database_url, "database_url", "sqlite:///output/finews.sqlite3",
         "SQLAlchemy URL of the database: sqlite:///path or postgresql+psycopg://user@host/db"),
        ("FINEWS_EXPORT_DIR", path, "export_dir", "output/site", "the export folder (Jekyll posts, category pages)"),
        ("FINEWS_STORE_DATABASE", boolean, "store_database", True, "false: write no database"),
        ("FINEWS_STORE_EXPORT", boolean, "store_export", True, "false: write no export folder (database only)"),
        ("FINEWS_SITE_URL", site_url, "site_url", "",
         "the built site's public address (https://news.example.com): written into the starter `_config.yml` "
         "(`url`) and `hugo.yaml` (`baseURL`), so feed entries and page links are absolute, and the base of the "
         "posts' back links"),
        ("FINEWS_SITE_BASE", text, "site_base", "",
         "host of the posts' back links (`//host/category/…`), over the site's address; empty: the site's "
         "address, or root-relative links"),
        ("FINEWS_CATEGORY_OVERRIDES", slug_map, "categories", {}, "media name → pinned category slug"),
        ("FINEWS_ROTATE_DAYS", integer(0), "rotate_days", 0,
         "> 0: after each crawl, move posts dated more than N days ago to the archive folder"),
        ("FINEWS_ROTATE_ARCHIVE", text, "rotate_archive", "old_post", "the archive folder inside the export folder"),
    ),
    *_group(
        "Runs",
        ("FINEWS_CONFIG", path, None, "",
         "the YAML config file, also as an environment variable (empty: ./finews.yml if present)"),
        ("FINEWS_LOCK_WAIT", number(0), "lock_wait", 0,
         "seconds to wait for another run's lock; 0: exit at once with status 75"),
        ("FINEWS_RUN_LOCK", boolean, None, True, "take the run lock (distributed workers never do)"),
        ("FINEWS_STATS_FILE", path, "stats_file", "", "a path: every run's stats as JSON, for monitoring"),
        ("FINEWS_PROGRESS_INTERVAL", number(0), "progress_interval", 30,
         "seconds between progress lines (a live bar on a terminal); 0: none"),
    ),
    *_group(
        "Scaling out",
        ("FINEWS_REDIS_URL", redis_url, "redis_url", "",
         "redis://[:password@]host:6379/0: share one request queue over Redis (pip install 'finews[distributed]')"),
        ("FINEWS_REDIS_PREFIX", prefix, "redis_prefix", "finews",
         "key prefix of this job's queue, fingerprints and coordinator key"),
        ("FINEWS_ROLE", choice("coordinator", "worker"), "role", "coordinator",
         "one coordinator reads the feeds; `worker`: only fetch from the shared queue"),
        ("FINEWS_WORKER_WAIT", number(0), "worker_wait", 30, "seconds a worker waits for a coordinator to appear"),
    ),
)}


def finews_defaults() -> dict[str, Any]:
    """Every FINEWS_* setting's default, for settings.py."""
    return {name: copy.deepcopy(option.default) for name, option in OPTIONS.items()}


# Options that were renamed or folded into another: their old names say where they went, never "unknown".
RETIRED = {"FINEWS_SEARCH_HEADERS": "the search's headers are the `search` entry of FINEWS_HEADERS "
                                    "(YAML `headers: {search: {Referer: …}}`)"}
RETIRED_YAML = {"search_headers": RETIRED["FINEWS_SEARCH_HEADERS"]}

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


# Options naming a source, a store or a file: given empty on the command line, they are a mistake (an unset
# secret or variable), never "use the default" (for a source base: crawl the bundled demo into your site).
NAMES_A_PLACE = (url, site_url, database_url, redis_url, path)
COMMAND_LINE = 40  # Scrapy's priority of -s


def check_settings(settings: BaseSettings, given_from: int) -> None:
    """Reject unknown FINEWS_* names and bad values of the plain Scrapy settings the user gave.

    `given_from`: the lowest priority that counts as the user's (the YAML file's).
    """
    for name in list(settings.attributes):
        if name.startswith("FINEWS_"):
            if name in RETIRED:
                raise ConfigError(f"{name} is retired: {RETIRED[name]}")
            if name not in OPTIONS:
                raise ConfigError(f"unknown setting {name}{closest(name, OPTIONS)}")
            value = settings.get(name)
            if OPTIONS[name].parse in NAMES_A_PLACE and settings.getpriority(name) >= COMMAND_LINE \
                    and (value is None or isinstance(value, str) and not value.strip()):
                raise ConfigError(f"{describe(name)} is empty on the command line (a missing secret or "
                                  "variable?): leave it out for its default")
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
