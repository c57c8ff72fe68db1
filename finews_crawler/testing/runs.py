"""Running finews as a user does, for tests and benchmarks: a crawl's command line and what it left, the replay
server's counters, a PostgreSQL schema of one's own.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.request import urlopen

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[2]  # a source checkout (tests and bench/ run from one)


def crawl_command(workdir: Path, settings: dict[str, str], *args: str, name: str = "crawl") -> list[str]:
    """`scrapy crawl finews` with these settings, logging to {name}.log and stats to {name}.json in workdir."""
    command = [sys.executable, "-m", "scrapy", "crawl", "finews", *args,
               "-s", f"FINEWS_STATS_FILE={workdir / f'{name}.json'}", "-s", f"LOG_FILE={workdir / f'{name}.log'}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def crawl_outcome(workdir: Path, name: str = "crawl") -> tuple[str, dict[str, Any]]:
    """(log, stats) a crawl_command run left in workdir."""
    log_file, stats_file = workdir / f"{name}.log", workdir / f"{name}.json"
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return log, stats


class Served(Protocol):
    url: str


def server_stats(server: str | Served, reset: bool = False) -> dict[str, Any]:
    """What the replay server at this URL (or this server) has counted; `reset`: start counting afresh."""
    url = server if isinstance(server, str) else server.url
    with urlopen(f"{url}/__stats") as answer:
        stats = json.load(answer)
    if reset:
        urlopen(f"{url}/__reset").close()
    return stats


@contextmanager
def postgres_schema(admin_url: str, prefix: str = "finews_test") -> Iterator[str]:
    """A database URL whose tables live in a fresh schema of the server at `admin_url`, dropped afterwards
    (sqlalchemy's OperationalError when the server cannot be reached)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield f"{admin_url}{'&' if '?' in admin_url else '?'}options=-csearch_path%3D{schema}"
        finally:  # a failed benchmark or test leaves no schema behind
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
