"""Peak RSS against crawl length (issue 13's fourth target), for one checkout or several side by side.

    .venv/bin/python bench/memory.py [--articles 20000] [CHECKOUT ...]

Each checkout (a folder with its own .venv; default: this one) crawls the same replay site twice with
both stores, first its first quarter of feed pages (about a quarter of the articles), then all of it,
and prints the articles stored, the crawl time and the peak RSS of each, and the growth.  Figures,
never a test.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import REPO, machine, replay_server, stats_of, timed_crawl


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("checkouts", nargs="*", type=Path, default=[REPO])
    args = parser.parse_args()
    print(f"machine: {machine()}")
    quarter_pages = str(max(1, args.articles // 4 // 100 // 5 + 1))  # five feeds, 100 items a page
    with replay_server(args.articles, 0.0) as url:
        for checkout in args.checkouts:
            peaks = []
            for name, pages in (("quarter", quarter_pages), ("full", "1000")):
                with tempfile.TemporaryDirectory() as folder:
                    work = Path(folder)
                    settings = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
                                "FINEWS_EXPORT_DIR": str(work / "site"), "FINEWS_FEED_MAX_PAGES": pages}
                    _, rss = timed_crawl(settings, work, name, checkout)
                    stats = stats_of(work, name)
                    peaks.append(rss)
                    print(f"{checkout}: {stats['finews/articles/new']:,} articles in "
                          f"{stats['elapsed_time_seconds']:.0f} s, peak RSS {rss} MB", flush=True)
            print(f"{checkout}: growth {peaks[1] / peaks[0] - 1:+.1%} (target within 10 %)", flush=True)


if __name__ == "__main__":
    main()
