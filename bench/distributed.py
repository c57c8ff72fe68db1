"""Throughput of 1 vs 2 finews processes sharing a Redis queue and a PostgreSQL database.

    .venv/bin/python bench/distributed.py [--articles 3000] [--latency 0.1]

The replay site runs in its own process with a per-response latency; each
setup crawls it from scratch (fresh PostgreSQL schema, fresh Redis prefix):
one coordinator alone, then a coordinator plus one worker.  Prints wall
time and articles/s of each and their ratio.  A figure, never a test.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from common import POSTGRES, REDIS, REPO, machine, replay_server
from finews_crawler.testing.runs import crawl_command, crawl_outcome, postgres_schema, server_stats


def run(url: str, processes: int, workdir: Path) -> tuple[float, int]:
    """Crawl with `processes` processes (one coordinator, the rest workers): (seconds, articles stored)."""
    with postgres_schema(POSTGRES, prefix="finews_bench") as database:
        settings = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": database, "FINEWS_STORE_EXPORT": "0",
                    "FINEWS_REDIS_URL": REDIS, "FINEWS_REDIS_PREFIX": f"finews-bench-{uuid.uuid4().hex[:8]}",
                    "FINEWS_FEED_MAX_PAGES": "1000", "LOG_LEVEL": "INFO"}
        started = time.perf_counter()
        children = [subprocess.Popen(crawl_command(workdir, settings, name="coordinator"), cwd=REPO)]
        children += [subprocess.Popen(crawl_command(workdir, {**settings, "FINEWS_ROLE": "worker"}, name=f"worker{i}"),
                                      cwd=REPO) for i in range(processes - 1)]
        for child in children:
            if child.wait() != 0:
                raise RuntimeError(f"a crawl process failed; see {workdir}")
        seconds = time.perf_counter() - started
        names = ["coordinator"] + [f"worker{i}" for i in range(processes - 1)]
        stored = sum(crawl_outcome(workdir, name)[1].get("finews/articles/new", 0) for name in names)
    return seconds, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    print(f"machine: {machine()}; replay site: {args.articles} articles, {args.latency * 1000:.0f} ms per response")
    results = {}
    with replay_server(args.articles, args.latency) as url, tempfile.TemporaryDirectory() as folder:
        for processes in (1, 2):
            server_stats(url, reset=True)
            seconds, stored = run(url, processes, Path(folder))
            pages = server_stats(url)["share_pages"]
            results[processes] = stored / seconds
            print(f"{processes} process{'es' if processes > 1 else ''}: {stored} articles in {seconds:.1f} s = "
                  f"{stored / seconds:,.0f} articles/s; share pages fetched twice: "
                  f"{sum(1 for n in pages.values() if n > 1)}")
    print(f"2 vs 1: {results[2] / results[1]:.2f}x")


if __name__ == "__main__":
    main()
