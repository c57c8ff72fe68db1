"""The crawl benchmarks of issue 5, in one run, each figure beside its target.

    .venv/bin/python bench/crawl.py [--articles 20000] [--latency-articles 2000] [--sequential 60] [--before DIR]

1. end-to-end finews crawl (feeds → share pages → clean → SQLite + Jekyll export) of a
   replay site of N articles, beside raw Scrapy fetching the same share pages with no
   pipelines (same concurrency settings), in the same run: ratio, target ≥ 0.6;
2. at 100 ms per response, finews against a sequential fetch-one-then-the-next
   baseline (what the original scripts did): ratio, target ≥ 25;
3. cleaning alone on the corpus bodies: target ≥ 1,000 articles/s;
4. `scrapy export` of the N stored posts: target ≤ 10 s;
5. peak RSS of the N-article crawl (and of one a quarter as long): target ≤ 300 MB;
6. an unchanged re-run: wall time and what it requested (target: feeds only).

Crawl rates use the crawl's own elapsed time (Scrapy's `elapsed_time_seconds`, engine
start to close: feeds included, interpreter start-up not), as the raw figure does; the
re-run and the exports are wall times of the whole command.

With `--before DIR` (another checkout, e.g. `git worktree add /tmp/before <commit>`, with a `.venv`
of its own or a link to this one), that checkout's end-to-end and latency crawls run too, each right
after this one's against the same replay server: a before/after pair from one run.

The replay sites run in separate processes on loopback.  Figures, never a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from clean import cleaning_rates
from common import REPO, machine, replay_server, serving, timed, timed_crawl
from finews_crawler.testing.runs import crawl_outcome, server_stats

from finews_crawler.replay.site import ReplaySite


def share_urls(url: str, articles: int) -> list[str]:
    site = ReplaySite.load(scale=articles)
    return [f"{url}/html_News/NewsShare.html?infoCode={a.info_code}" for a in site.articles if a.status == "ok"]


def finews_crawl(url: str, workdir: Path, name: str, database: Path, checkout: Path = REPO,
                 **extra: str) -> tuple[float, int, dict]:
    settings = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": f"sqlite:///{database}",
                "FINEWS_EXPORT_DIR": str(workdir / f"site-{database.stem}"), "FINEWS_FEED_MAX_PAGES": "1000",
                "LOG_LEVEL": "INFO", **extra}
    seconds, rss = timed_crawl(settings, workdir, name, checkout)
    return seconds, rss, crawl_outcome(workdir, name)[1]


def rate(stats: dict) -> float:
    """Articles stored per second of the crawl's own elapsed time."""
    return stats["finews/articles/new"] / stats["elapsed_time_seconds"]


def cpu_split(stats: dict, server_seconds: float, stored: int) -> str:
    """Where a crawl's CPU went, per article stored: its own process, its cleaning and writer processes, the server."""
    crawl, helpers = stats["finews/cpu/crawl"], stats["finews/cpu/helpers"]
    total = crawl + helpers + server_seconds
    return (f"{total * 1000 / stored:.2f} in all: crawl {crawl * 1000 / stored:.2f}, cleaning and writing "
            f"{helpers * 1000 / stored:.2f}, replay server {server_seconds * 1000 / stored:.2f}")


def sequential_rate(urls: list[str]) -> float:
    """One page after the other, a new connection each time (the original scripts)."""
    started = time.perf_counter()
    for url in urls:
        with urlopen(url) as answer:
            answer.read()
    return len(urls) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--latency-articles", type=int, default=2000)
    parser.add_argument("--sequential", type=int, default=60, help="pages the sequential baseline fetches")
    parser.add_argument("--before", type=Path, help="another checkout whose crawls run beside this one's")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with replay_server(args.articles, 0.0) as url:
            urls = share_urls(url, args.articles)
            (work / "urls.txt").write_text("\n".join(urls))
            fetched, raw_server = serving(url, lambda: subprocess.run(
                [sys.executable, str(REPO / "bench" / "raw_fetch.py"), str(work / "urls.txt")], cwd=REPO,
                capture_output=True, text=True, check=True))
            raw = json.loads(fetched.stdout.splitlines()[-1])
            raw_rate = raw["pages"] / raw["seconds"]
            server_stats(url, reset=True)
            (_, rss, stats), e2e_server = serving(url, lambda: finews_crawl(url, work, "full", work / "full.sqlite3"))
            stored, seconds = stats["finews/articles/new"], stats["elapsed_time_seconds"]
            e2e_rate = rate(stats)
            rows.append(("end-to-end crawl (SQLite + export)", f"{e2e_rate:,.0f} articles/s ({stored} in {seconds:.1f} s)", ""))
            rows.append(("raw Scrapy fetch of the same share pages", f"{raw_rate:,.0f} pages/s", ""))
            rows.append(("  CPU per article stored, start-up included (ms)", cpu_split(stats, e2e_server, stored), ""))
            rows.append(("  raw Scrapy's CPU per page (ms)",
                         f"{raw['cpu'] * 1000 / raw['pages']:.2f}, replay server {raw_server * 1000 / raw['pages']:.2f}", ""))
            rows.append(("end-to-end / raw", f"{e2e_rate / raw_rate:.2f}", "≥ 0.6"))
            if args.before:
                _, before_rss, before = finews_crawl(url, work, "before", work / "before.sqlite3", args.before)
                rows.append((f"  before ({args.before}): end-to-end / raw",
                             f"{rate(before) / raw_rate:.2f} ({rate(before):,.0f} articles/s, peak {before_rss} MB)", ""))
            rows.append((f"peak RSS, {args.articles:,}-article crawl", f"{rss} MB", "≤ 300 MB"))
            quarter = args.articles // 4
            # a crawl a quarter as long (only the first quarter of feed pages), for RSS growth
            # (both stores, as the full crawl: RSS compared like with like)
            settings_q = {"FINEWS_API_BASE": url, "FINEWS_DATABASE_URL": f"sqlite:///{work / 'quarter.sqlite3'}",
                          "FINEWS_EXPORT_DIR": str(work / "quarter-site"),
                          "FINEWS_FEED_MAX_PAGES": str(max(1, quarter // 100 // 5 + 1))}
            _, rss_q = timed_crawl(settings_q, work, "quarter")
            quarter_stored = crawl_outcome(work, "quarter")[1].get("finews/articles/new", 0)
            rows.append((f"peak RSS, {quarter_stored:,}-article crawl", f"{rss_q} MB", "no growth"))
            server_stats(url, reset=True)
            seconds, _, stats = finews_crawl(url, work, "rerun", work / "full.sqlite3")
            counted = server_stats(url)
            feed_pages = sum(n for kind, n in counted["kinds"].items() if kind.startswith("feed:"))
            rows.append(("unchanged re-run", f"{seconds:.1f} s; {feed_pages} feed pages, "
                         f"{sum(counted['share_pages'].values())} share pages, {stats.get('finews/articles/new', 0)} new",
                         "feeds only"))
        for kind in ("jekyll", "hugo", "jsonl"):
            out = work / f"export-{kind}" if kind != "jsonl" else work / "export.jsonl"
            seconds, _ = timed([sys.executable, "-m", "scrapy", "export", "--format", kind, "--out", str(out),
                                "-s", f"FINEWS_DATABASE_URL=sqlite:///{work / 'full.sqlite3'}"])
            rows.append((f"scrapy export --format {kind} ({stored:,} posts)", f"{seconds:.1f} s", "≤ 10 s"))
        with replay_server(args.latency_articles, 0.1) as url:
            baseline = sequential_rate(share_urls(url, args.latency_articles)[:args.sequential])
            # AutoThrottle named, so a checkout from before it was off on the replay profile compares like with like
            _, _, stats = finews_crawl(url, work, "latency", work / "latency.sqlite3", AUTOTHROTTLE_ENABLED="0")
            seconds = stats["elapsed_time_seconds"]
            rows.append(("100 ms latency: finews", f"{rate(stats):,.0f} articles/s ({stats['finews/articles/new']} in {seconds:.1f} s)", ""))
            rows.append(("100 ms latency: sequential fetcher", f"{baseline:,.1f} pages/s", ""))
            rows.append(("100 ms latency: finews / sequential", f"{rate(stats) / baseline:.1f}x", "≥ 25x"))
            if args.before:
                _, _, before = finews_crawl(url, work, "latency-before", work / "latency-before.sqlite3", args.before,
                                            AUTOTHROTTLE_ENABLED="0")
                rows.append((f"  before ({args.before})", f"{rate(before) / baseline:.1f}x ({rate(before):,.0f} articles/s)", ""))
            _, _, stats = finews_crawl(url, work, "latency-throttled", work / "latency2.sqlite3",
                                       AUTOTHROTTLE_ENABLED="1", AUTOTHROTTLE_START_DELAY="0",
                                       AUTOTHROTTLE_TARGET_CONCURRENCY="32")
            throttled = rate(stats)
            rows.append(("100 ms latency, AutoThrottle on (target 32): finews / sequential",
                         f"{throttled / baseline:.1f}x ({throttled:,.0f} articles/s)", ""))
    clean_alone, _ = cleaning_rates(3.0)
    rows.append(("cleaning alone (corpus bodies)", f"{clean_alone:,.0f} articles/s", "≥ 1,000"))
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<48} {target}")


if __name__ == "__main__":
    main()
