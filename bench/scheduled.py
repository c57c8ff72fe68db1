"""Issue 13: what a scheduled run costs: an unchanged run beside Scrapy's bare start-up, in one run.

    .venv/bin/python bench/scheduled.py [--runs 7] [--before DIR]

1. The floor: `scrapy version` outside any project (Scrapy's own start-up), wall time and
   peak RSS, median of N;
2. an unchanged scheduled run (`scrapy crawl finews` on a source whose every article is
   already stored: feeds only), median of N, interleaved with the floor so both see the same
   machine; targets: ≤ 3× the floor's wall time, ≤ 120 MB;
3. what a first crawl and an unchanged run request and spend (the summary's own figures): feed
   pages, article pages, requests per article stored; CPU of the crawl and of its helper processes;
4. a small scheduled run that finds new articles: a first crawl of the bundled site into fresh
   stores, wall time and the crawl's own elapsed time, median of N; with --before DIR (another
   checkout with a `.venv` or a link to this one), that checkout's, interleaved.

The replay site runs in its own process on loopback.  Figures, never a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from common import REPO, machine, replay_server, timed, timed_crawl
from finews_crawler.testing.runs import crawl_command, crawl_outcome

from finews_crawler.runtime.summary import cpu_line, requests_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another checkout whose first crawls run interleaved with these")
    args = parser.parse_args()
    checkouts = {"now": REPO, **({"before": args.before} if args.before else {})}
    small: dict[str, list[tuple[float, float]]] = {label: [] for label in checkouts}
    print(f"machine: {machine()}")
    with replay_server(0, 0.0) as url, tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        settings = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
                    "FINEWS_EXPORT_DIR": str(work / "site"), "LOG_LEVEL": "INFO"}
        timed(crawl_command(work, settings, name="first"))
        first = crawl_outcome(work, "first")[1]
        floors, runs = [], []
        outside = work / "outside"
        outside.mkdir()
        for n in range(args.runs):
            floors.append(timed([sys.executable, "-m", "scrapy", "version"], cwd=outside))
            runs.append(timed(crawl_command(work, settings, name=f"unchanged{n}")))
        unchanged = crawl_outcome(work, "unchanged0")[1]
        for n in range(args.runs):
            for label, checkout in checkouts.items():
                name = f"small-{label}{n}"
                fresh = {**settings, "FINEWS_DATABASE_URL": f"sqlite:///{work / name}.sqlite3",
                         "FINEWS_EXPORT_DIR": str(work / f"{name}-site")}
                wall, _ = timed_crawl(fresh, work, name, checkout)
                small[label].append((wall, crawl_outcome(work, name)[1]["elapsed_time_seconds"]))
    floor_s, floor_mb = statistics.median(t for t, _ in floors), statistics.median(m for _, m in floors)
    run_s, run_mb = statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs)
    print(f"floor (scrapy version, outside a project): {floor_s:.2f} s, {floor_mb} MB (median of {args.runs})")
    print(f"unchanged scheduled run:                   {run_s:.2f} s, {run_mb} MB (median of {args.runs})")
    print(f"ratio: {run_s / floor_s:.2f}x the floor's wall time (target <= 3); peak RSS target <= 120 MB")
    for name, stats in (("first crawl:  ", first), ("unchanged run:", unchanged)):
        print(f"{name} {requests_line(stats)}; {cpu_line(stats)}")
    for label, times in small.items():
        print(f"small run with new articles ({first['finews/articles/new']} stored), {label}: "
              f"{statistics.median(w for w, _ in times):.2f} s wall, "
              f"{statistics.median(e for _, e in times):.2f} s crawl (median of {args.runs})")


if __name__ == "__main__":
    main()
