"""What a crawl checks before it fetches anything: each fault is one line.

An unreachable database, Redis server or source host, or an export folder
that is not a writable folder, would otherwise surface as a traceback from
deep inside the engine (or, for the source, as a robots.txt traceback and
a failure per feed).  Each check returns None or the line to print.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from finews_crawler.config import FinewsConfig
from finews_crawler.storage.database import ArticleStore

CONNECT_TIMEOUT = 10.0


def first_line(exc: BaseException) -> str:
    """The first line of what an exception says (SQLAlchemy's own text, not its wrapper's)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def masked(url: str) -> str:
    """A URL with its password hidden, for the log."""
    return make_url(url).render_as_string(hide_password=True) if "://" in url else url


def open_database(url: str) -> tuple[ArticleStore | None, str | None]:
    """Open (and migrate) the database now: (the run's shared store, to `release` after the crawl, or the fault)."""
    try:
        return ArticleStore.acquire(url), None
    except (SQLAlchemyError, OSError) as exc:
        return None, f"cannot open the database {masked(url)}: {first_line(exc)}"


def export_fault(folder: Path) -> str | None:
    """The export folder exists (or can be made) as a folder we can write into."""
    if folder.exists() and not folder.is_dir():
        return f"the export folder {folder} is not a folder (FINEWS_EXPORT_DIR)"
    probe = folder / f".finews-probe-{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as exc:
        return f"cannot write into the export folder {folder} (FINEWS_EXPORT_DIR): {exc.strerror or exc}"
    return None


def redis_fault(url: str) -> str | None:
    from redis import Redis
    from redis.exceptions import RedisError
    try:
        Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT).ping()
    except (RedisError, OSError) as exc:
        return f"cannot reach Redis at {masked(url)} (FINEWS_REDIS_URL): {first_line(exc)}"
    return None


def source_fault(base: str, setting: str) -> str | None:
    """A TCP connection to the source host opens (no request is sent)."""
    parts = urlsplit(base)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=CONNECT_TIMEOUT).close()
    except ConnectionResetError:  # the host answered: reachable, whatever it thinks of us
        return None
    except OSError as exc:
        return f"cannot reach the source {base} ({setting}): {exc.strerror or exc}"
    return None


def start_fault(config: FinewsConfig) -> str | None:
    """The first fault of the export folder, Redis or the source that would stop the crawl, as one line, or None."""
    checks = []
    if config.export_dir is not None:
        checks.append(lambda: export_fault(config.export_dir))  # type: ignore[arg-type]
    if config.redis_url:
        checks.append(lambda: redis_fault(config.redis_url))
    for base, setting in config.crawled_bases():
        checks.append(lambda base=base, setting=setting: source_fault(base, setting))
    return next((fault for check in checks if (fault := check()) is not None), None)
