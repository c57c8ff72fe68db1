"""What the crawl benchmarks share: a replay server in its own process, fresh stores, timed crawls."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from finews_crawler.testing.runs import crawl_command
from urllib.request import urlopen

REPO = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("FINEWS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FINEWS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


T = TypeVar("T")

# The process of each running replay server, by its URL (for `serving`).
_SERVERS: dict[str, int] = {}


def _server_cpu(url: str) -> float:
    """CPU seconds (user and system) the replay server at `url` has spent so far (Linux /proc)."""
    fields = Path(f"/proc/{_SERVERS[url]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serving(url: str, work: Callable[[], T]) -> tuple[T, float]:
    """Run `work` against the replay server at `url`: (its result, the CPU seconds the server spent meanwhile)."""
    before = _server_cpu(url)
    result = work()
    return result, _server_cpu(url) - before


@contextmanager
def replay_server(scale: int, latency: float, ban: bool = False) -> Iterator[str]:
    """The replay site in a separate process (so its work is not the crawler's), on loopback;
    `ban`: it emulates the live hosts' ban thresholds (SOURCE-SITE.md §8)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "finews_crawler.replay.server", "--port", str(port),
                                "--scale", str(scale), "--latency", str(latency), *(["--ban"] if ban else [])], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urlopen(f"{url}/__stats").close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the replay server did not start") from None
                time.sleep(0.2)
        _SERVERS[url] = process.pid
        yield url
    finally:
        _SERVERS.pop(url, None)
        process.terminate()
        process.wait()


def timed_crawl(settings: dict[str, str], workdir: Path, name: str, checkout: Path = REPO) -> tuple[float, int]:
    """`scrapy crawl finews` run by a checkout's own interpreter in that checkout: (wall seconds, peak RSS in MB)."""
    command = crawl_command(workdir, settings, name=name)
    command[0] = str(checkout.resolve() / ".venv" / "bin" / "python")
    return timed(command, cwd=checkout)


def timed(command: list[str], cwd: Path = REPO) -> tuple[float, int]:
    """Run a child process: (wall seconds, peak RSS in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command[:6])} … failed ({process.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss // 1024
