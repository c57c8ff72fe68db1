"""Issue 13: what a scheduled run costs: an unchanged run beside Scrapy's bare start-up, in one run.

    .venv/bin/python bench/scheduled.py [--runs 7]

1. The floor: `scrapy version` outside any project (Scrapy's own start-up), wall time and
   peak RSS, median of N;
2. an unchanged scheduled run (`scrapy crawl finews` on a source whose every article is
   already stored: feeds only), median of N, interleaved with the floor so both see the same
   machine; targets: ≤ 3× the floor's wall time, ≤ 120 MB;
3. what a first crawl and an unchanged run request and spend (the summary's own figures): feed
   pages, article pages, requests per article stored; CPU of the crawl and of its helper processes.

The replay site runs in its own process on loopback.  Figures, never a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from common import crawl_args, machine, replay_server, stats_of, timed

from finews_crawler.summary import cpu_line, requests_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with replay_server(0, 0.0) as url, tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        settings = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
                    "FINEWS_EXPORT_DIR": str(work / "site"), "LOG_LEVEL": "INFO"}
        timed(crawl_args(settings, work, "first"))
        first = stats_of(work, "first")
        floors, runs = [], []
        outside = work / "outside"
        outside.mkdir()
        for n in range(args.runs):
            floors.append(timed([sys.executable, "-m", "scrapy", "version"], cwd=outside))
            runs.append(timed(crawl_args(settings, work, f"unchanged{n}")))
        unchanged = stats_of(work, "unchanged0")
    floor_s, floor_mb = statistics.median(t for t, _ in floors), statistics.median(m for _, m in floors)
    run_s, run_mb = statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs)
    print(f"floor (scrapy version, outside a project): {floor_s:.2f} s, {floor_mb} MB (median of {args.runs})")
    print(f"unchanged scheduled run:                   {run_s:.2f} s, {run_mb} MB (median of {args.runs})")
    print(f"ratio: {run_s / floor_s:.2f}x the floor's wall time (target <= 3); peak RSS target <= 120 MB")
    for name, stats in (("first crawl:  ", first), ("unchanged run:", unchanged)):
        print(f"{name} {requests_line(stats)}; {cpu_line(stats)}")


if __name__ == "__main__":
    main()
