"""Two checkouts' crawls of one replay site, interleaved: a before/after pair that sees the same machine.

    .venv/bin/python bench/pairs.py BEFORE_DIR [--articles 5000] [--rounds 2]

Each round crawls a fresh store with this checkout, then with BEFORE_DIR (another checkout with a
`.venv` of its own or a link to this one), against one replay server in its own process. Prints
each crawl's articles/s and, for a checkout whose summary reports it, its CPU per article stored
(crawl process, cleaning and writer processes) and the server's. Short and alternating, so the
machine's drift (±10 % within minutes here) shows as the spread within a checkout. Figures, never
a test.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import REPO, machine, replay_server, serving
from crawl import cpu_split, finews_crawl, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with replay_server(args.articles, 0.0) as url, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for round_ in range(args.rounds):
            for name, checkout in (("now", REPO), ("before", args.before)):
                (_, rss, stats), served = serving(url, lambda: finews_crawl(
                    url, work, f"{name}{round_}", work / f"{name}{round_}.sqlite3", checkout))
                stored = stats["finews/articles/new"]
                cpu = f"; CPU ms per article: {cpu_split(stats, served, stored)}" if "finews/cpu/crawl" in stats else ""
                print(f"{name:6} {rate(stats):6.1f} articles/s ({stored} in {stats['elapsed_time_seconds']:.1f} s, "
                      f"peak {rss} MB){cpu}", flush=True)


if __name__ == "__main__":
    main()
