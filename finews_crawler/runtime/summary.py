"""One line at the end of every run: what was written, dropped and failed, and what it cost."""

from __future__ import annotations

import json
import logging
import os
import pprint
import resource
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from finews_crawler.config import FinewsConfig
from finews_crawler.runtime.files import replace_text
from finews_crawler.runtime.logs import SUMMARY
from finews_crawler.runtime.stats import ARTICLES, DROPPED, ERRORS, FEEDS_IN_PART, POSTS, count_error, stored_count, with_prefix

logger = logging.getLogger("finews")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}={value}" for name, value in counts.items()) or "none"


def summary_line(stats: dict) -> str:
    """`finews: 147 articles (140 new, …); 142 posts written; 5 dropped (…); 0 errors (…)`."""
    articles = with_prefix(stats, ARTICLES)
    dropped = with_prefix(stats, DROPPED)
    errors = with_prefix(stats, ERRORS)
    # Downloads that exhausted their retries count as errors too.
    retry_failures = stats.get("retry/max_reached", 0)
    refusals = with_prefix(stats, "finews/refusals/")
    refused = f"{sum(refusals.values())} refused by the source ({_counts(refusals)}); " if refusals else ""
    return (
        f"finews: {stored_count(stats)} articles stored "
        f"({articles.get('new', 0)} new, {articles.get('updated', 0)} updated, {articles.get('unchanged', 0)} unchanged), "
        f"{articles.get('skipped', 0)} known and skipped; "
        f"{with_prefix(stats, POSTS).get('written', 0)} posts written; "
        f"{sum(dropped.values())} dropped ({_counts(dropped)}); "
        f"{sum(errors.values())} errors ({_counts(errors)}); {refused}"
        f"{retry_failures} requests gave up after retries; {requests_line(stats)}; {cpu_line(stats)}"
    )


def requests_line(stats: dict) -> str:
    """What the run cost the source: `12 requests (5 feed pages, 6 articles, 1 other), 1.20 per article stored`.

    Feed pages are amortised over the articles stored; a known article costs nothing.
    """
    total = stats.get("downloader/request_count", 0)
    feeds = (sum(with_prefix(stats, "finews/feeds/pages/").values()) + with_prefix(stats, ERRORS).get("feed", 0)
             + stats.get("finews/refusals/search", 0))
    articles = sum(with_prefix(stats, "finews/pages/").values())
    stored = stored_count(stats)
    per_article = f"{total / stored:.2f} per article stored" if stored else "no article stored"
    return f"{total} requests ({feeds} feed pages, {articles} article pages, {total - feeds - articles} other), {per_article}"


CPU_CRAWL = "finews/cpu/crawl"
CPU_HELPERS = "finews/cpu/helpers"
PEAK_MEMORY = "finews/memory/peak_mb"


def peak_memory() -> dict[str, float]:
    """The crawl process's peak resident memory in MiB, for the stats file.

    Linux keeps `ru_maxrss` across exec: a crawl started by a large process
    (a test runner, a scheduler in Python) would report its parent's peak.
    The memory map's own high-water mark (`VmHWM`) starts afresh at exec;
    `ru_maxrss` (KiB on Linux) is the fallback elsewhere.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError, IndexError):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {PEAK_MEMORY: round(kib / 1024, 1)}


def process_cpu() -> dict[str, float]:
    """CPU seconds (user and system) of this process since it started, and of the child processes it has
    waited for: the cleaning and writer processes, which have ended by the time the spider closes."""
    times = os.times()
    return {CPU_CRAWL: round(times.user + times.system, 3),
            CPU_HELPERS: round(times.children_user + times.children_system, 3)}


def cpu_line(stats: dict) -> str:
    """What the run cost this machine: `CPU 9.1 s (crawl 6.0 s, cleaning and writing 3.1 s), 6.2 ms per article stored`.

    Start-up is included, so a short run's cost per article is mostly start-up.
    """
    crawl, helpers = stats.get(CPU_CRAWL, 0.0), stats.get(CPU_HELPERS, 0.0)
    stored = stored_count(stats)
    per_article = f", {(crawl + helpers) * 1000 / stored:.1f} ms per article stored" if stored else ""
    return f"CPU {crawl + helpers:.1f} s (crawl {crawl:.1f} s, cleaning and writing {helpers:.1f} s){per_article}"


FAILED = "finews/failed"
SUMMARY_LINE = "finews/summary"
TEMPLATE_CHANGED = "finews/template_changed"
EXIT_TEMPLATE_CHANGED = 4
MIN_PAGES_FOR_A_VERDICT = 5


def template_change(stats: dict, share: float) -> str | None:
    """Whether the source's page template seems to have changed: more than `share` of the article pages
    needed the generic extractor or could not be read at all, or had no article in any of their pages
    (judged on at least a few pages)."""
    known = sum(v for k, v in with_prefix(stats, "finews/pages/").items() if k != "generic" and "text_api" not in k)
    generic = stats.get("finews/extraction/generic", 0)
    unread = with_prefix(stats, ERRORS).get("unknown_template", 0) + stats.get("finews/extraction/none", 0)
    total = known + generic + unread
    if total < MIN_PAGES_FOR_A_VERDICT or (generic + unread) / total <= share:
        return None
    return (f"the source's page template seems to have changed: {generic + unread} of {total} article pages "
            f"needed the generic extractor ({generic}) or could not be read ({unread})")


EXIT_READ_IN_PART = 5


def read_in_part(stats: dict) -> str | None:
    """Which feeds this run read only in part, and why (`feed (page 3: a page of items with no way to the next
    one)`), or None: the run stored what it read, and the next one reads on from there."""
    partial = with_prefix(stats, FEEDS_IN_PART)
    if not partial:
        return None
    return ("feeds read only in part, the next run reads on from there: "
            + ", ".join(f"{feed} ({why})" for feed, why in partial.items()))


def log_summary(stats: dict) -> None:
    """The run's last lines: the summary (shown down to WARNING level) and, if so, why it failed."""
    if stats.get(SUMMARY_LINE):
        logger.log(SUMMARY, "%s", stats[SUMMARY_LINE])
    if stats.get(FAILED):
        logger.error("finews: the run failed: %s", stats[FAILED])
    if stats.get(TEMPLATE_CHANGED):
        logger.warning("finews: %s (exit status %d)", stats[TEMPLATE_CHANGED], EXIT_TEMPLATE_CHANGED)
    if (partial := read_in_part(stats)) is not None:
        logger.warning("finews: %s (exit status %d)", partial, EXIT_READ_IN_PART)


# Error kinds that fail a run, and how the reason reads ({n}: the count).
FAILING_ERRORS = {
    "database": "{n} database errors",
    "export": "{n} export errors (the rows are stored; the next run writes their posts)",
    "dispatch": "held articles could not be handed to the engine",
    "pipeline": "{n} articles lost to an error in a pipeline",
    "queue_entry": "{n} entries of the shared queue could not be used",
    "no_coordinator": "a worker saw no coordinator and had nothing to fetch",
    "no_source": "no source is configured",
}


def run_failure(stats: dict) -> str | None:
    """Why a finished run failed its job (the crawl then exits 1), or None.

    Counted drops and per-article download errors are not failures: the
    articles are retried by the next run.  A run fails when it stopped
    early, when nothing could be listed, when its code raised, or when what
    it fetched did not reach the database or the site, or was lost.
    """
    errors = with_prefix(stats, ERRORS)
    reasons = []
    if stats.get("finish_reason", "finished") != "finished":
        reasons.append(f"stopped early ({stats.get('finish_reason')})")
    if errors.get("feed") and not with_prefix(stats, "finews/feeds/pages/"):
        reasons.append("no feed page could be read")
    reasons += [reason.format(n=errors[kind]) for kind, reason in FAILING_ERRORS.items() if errors.get(kind)]
    if stats.get("spider_exceptions/count"):
        reasons.append(f"{stats['spider_exceptions/count']} exceptions in the spider")
    return "; ".join(reasons) or None


class RunSummary:
    """Logs the summary line; with FINEWS_STATS_FILE set, also writes all stats there as JSON."""

    def __init__(self, stats: StatsCollector, stats_file: Path | None, template_share: float = 0.5) -> None:
        self.stats = stats
        self.stats_file = stats_file
        self.template_share = template_share

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        config = FinewsConfig.of(crawler)
        extension = cls(crawler.stats, config.stats_file, config.template_change_share)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def item_error(self) -> None:
        """A pipeline raised something other than DropItem: the article is lost to this run, which fails."""
        count_error(self.stats, "pipeline")

    def spider_closed(self, reason: str) -> None:
        """Judge the run and keep its summary line; the crawl command logs it last (`log_summary`)."""
        for key, value in {**process_cpu(), **peak_memory()}.items():
            self.stats.set_value(key, value)
        stats = {**self.stats.get_stats(), "finish_reason": reason}
        failure = run_failure(stats)
        if failure:
            self.stats.set_value(FAILED, failure)
            stats[FAILED] = failure
        changed = template_change(stats, self.template_share)
        if changed:
            self.stats.set_value(TEMPLATE_CHANGED, changed)
            stats[TEMPLATE_CHANGED] = changed
        stats[SUMMARY_LINE] = f"{summary_line(stats)}; finished: {reason}"
        self.stats.set_value(SUMMARY_LINE, stats[SUMMARY_LINE])
        logger.debug("Scrapy stats:\n%s", pprint.pformat(stats))
        if self.stats_file:
            replace_text(self.stats_file, json.dumps(stats, default=str, indent=1, sort_keys=True))
