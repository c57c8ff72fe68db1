"""Issue 13, row 3: the articles per hour a live profile sustains under its politeness defaults.

    .venv/bin/python bench/polite.py [--articles 150] [--source eastmoney|legacy]

Crawls a replay site that emulates the live hosts' ban thresholds (`--ban`, SOURCE-SITE.md §8)
with a live profile's own defaults (one download slot, two connections, a randomised 0.6 s delay,
AutoThrottle) into fresh stores, and prints the articles stored, the wall time, articles per
hour, requests per stored article, and the server's traffic peaks beside the ban's thresholds
(a ban tripped shows as such). The replay site runs in its own process on loopback. Figures,
never a test.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import machine, replay_server, timed
from finews_crawler.testing.runs import crawl_command, crawl_outcome, server_stats

from finews_crawler.replay.server import Ban
from finews_crawler.runtime.summary import requests_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--source", choices=("eastmoney", "legacy"), default="eastmoney")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with replay_server(args.articles, 0.0, ban=True) as url, tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        bases = ({"FINEWS_API_BASE": url} if args.source == "legacy" else
                 {"FINEWS_LIST_BASE": url, "FINEWS_PAGE_BASE": url, "FINEWS_MOBILE_BASE": f"{url}/m"})
        settings = {**bases, "FINEWS_SOURCE": args.source, "FINEWS_FEED_MAX_PAGES": "100",
                    "FINEWS_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(work / "site")}
        seconds, _ = timed(crawl_command(work, settings, name="polite"))
        traffic = server_stats(url)["traffic"]
        stats = crawl_outcome(work, "polite")[1]
    stored, ban = stats.get("finews/articles/new", 0), Ban()
    print(f"{args.source} profile, polite defaults: {stored} articles stored in {seconds:.0f} s = "
          f"{stored * 3600 / seconds:,.0f} articles/hour")
    print(f"  {requests_line(stats)}")
    print(f"  server: peak {traffic['peak_per_second']} requests/s (ban past {ban.per_second}), "
          f"{traffic['peak_per_minute']}/min (past {ban.per_minute}), {traffic['peak_connections']} connections "
          f"(past {ban.max_connections}); refused {traffic['refused']}, tripped: {traffic['tripped'] or 'never'}")


if __name__ == "__main__":
    main()
