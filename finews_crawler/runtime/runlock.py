"""One run at a time per database and export folder.

A run holds an exclusive lock on each thing it writes: `flock` on a file in
the export folder and beside a SQLite database, a session-level advisory
lock on PostgreSQL (keyed by the schema).  The kernel or the database
server releases these when the holder dies, however it dies, so a killed
run never leaves a stale lock behind; the holder's pid, host and start time
are written into the lock files only to name it in the message.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from finews_crawler.runtime.files import UnsafeFile, open_regular
from finews_crawler.storage.database import make_engine

LOCK_FILE = ".finews.lock"
# Exit status of a command that found another run holding the lock (sysexits EX_TEMPFAIL).
EXIT_LOCKED = 75
POLL_SECONDS = 0.25


class RunLocked(RuntimeError):
    """Another run holds one of the locks."""


def _holder(command: str) -> str:
    return json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                       "started": datetime.now(UTC).isoformat(timespec="seconds")})


def _describe(text_: str) -> str:
    try:
        info: dict[str, Any] = json.loads(text_)
        return f"{info['command']} (pid {info['pid']} on {info['host']}, started {info['started']})"
    except (ValueError, KeyError, TypeError):
        return "another run"


@contextmanager
def _file_lock(path: Path, command: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle: IO[str] = open_regular(path)
    except UnsafeFile as exc:
        raise RunLocked(f"refusing the lock file: {exc}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise RunLocked(f"{_describe(handle.read())} holds {path}") from None
        handle.truncate(0)
        handle.write(_holder(command))
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the flock


@contextmanager
def _postgres_lock(url: str, command: str) -> Iterator[None]:
    engine = make_engine(url)
    connection: Connection = engine.connect()
    try:
        key = "SELECT hashtext('finews-run:' || current_schema())"
        got = connection.execute(text(f"SELECT pg_try_advisory_lock(({key}))")).scalar()
        connection.commit()
        if not got:
            raise RunLocked(f"another run holds the advisory lock of {make_url(url).render_as_string()}")
        yield
    finally:
        connection.close()  # the session ends: its advisory lock is released
        engine.dispose()


def _locks(stack: ExitStack, export_dir: Path | None, database_url: str, command: str) -> None:
    if export_dir is not None:
        stack.enter_context(_file_lock(export_dir / LOCK_FILE, command))
    if database_url:
        url = make_url(database_url)
        if url.get_backend_name() == "postgresql":
            stack.enter_context(_postgres_lock(database_url, command))
        elif url.database and url.database != ":memory:":
            stack.enter_context(_file_lock(Path(f"{url.database}.run-lock"), command))


@contextmanager
def run_lock(export_dir: Path | None, database_url: str, command: str, wait: float = 0.0) -> Iterator[None]:
    """Hold every lock for the block; wait up to `wait` seconds for them, then raise RunLocked."""
    deadline = time.monotonic() + wait
    while True:
        with ExitStack() as stack:
            try:
                _locks(stack, export_dir, database_url, command)
            except RunLocked:
                if time.monotonic() >= deadline:
                    raise
            else:
                yield
                return
        time.sleep(POLL_SECONDS)
