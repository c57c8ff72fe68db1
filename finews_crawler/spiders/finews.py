"""The `finews` spider: feeds first, then each listed article's page once.

Every configured feed is paged through and its entries are merged by
infoCode (one article, however many feeds list it).  An entry whose feed
names the media is settled (a feed naming the media decides the category),
so its share page is requested at once, while paging goes on; an entry
only the roll feed lists so far waits until every other feed has finished
paging, in case one of them lists it too (the long roll feed's later entries
then go at once, and few wait in memory).  Each share page is
requested once, carrying the merged feed facts.  The spider only decides
what to fetch and when; what a feed or page is and how it reads is
`finews_crawler.sources`'s business.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from functools import cached_property
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from finews_crawler.config import FinewsConfig
from finews_crawler.config.arguments import ARGUMENTS, spider_arguments
from finews_crawler.items import Article
from finews_crawler.offsite import OffsiteRequest
from finews_crawler.runtime.stats import FEEDS_IN_PART, RETRYABLE_DROPS, count_drop, count_error, drop_reason
from finews_crawler.signals import articles_dispatched
from finews_crawler.sources.articles import endpoints
from finews_crawler.sources.facts import SUMMARY_TEMPLATE, ranked_article, summary_page
from finews_crawler.sources.feeds import FEED_MAXSIZE, FeedEntry, FeedError, FeedSpec, decode_payload
from finews_crawler.sources.feeds.listing import Listing, read_listing, windowed
from finews_crawler.sources.feeds.paging import IN_PART, paging_end
from finews_crawler.sources.pages import PageFields, has_text
from finews_crawler.spiders.holding import Holding
from finews_crawler.spiders.reading import MISSING, PageReader
from finews_crawler.storage.ledger import Ledger

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
MAX_QUEUED = 2000  # share-page requests waiting in memory before feed paging waits for them
DISPATCH_CHUNK = 500  # held (roll-only) articles handed to the engine at a time


class FinewsSpider(Spider):
    name = "finews"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given = {name: kwargs.pop(name) for name in ARGUMENTS if name in kwargs}
        super().__init__(*args, **kwargs)
        self.arguments = spider_arguments(given)  # the configuration takes stocks and the window from here
        self.only_codes = self.arguments["infocodes"]
        self.feeds_done = False  # every feed page read: what is queued now is all there is
        self.holding = Holding()  # which listed articles wait, until when (`spiders.holding`)
        self._deep: set[str] = set()  # feeds an earlier run left part-read: paged past known pages
        self._skipped: set[str] = set()
        self._gone: dict[str, str] = {}  # infoCode -> why it is settled without a row (withdrawn, 404, a drop)
        self._ledger: Ledger | None = None  # what the database knows (none without a database)
        self._dispatching: set[asyncio.Task[None]] = set()  # held articles being handed to the engine

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FinewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._dispatch_articles, signal=signals.spider_idle)
        crawler.signals.connect(spider._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    @cached_property
    def config(self) -> FinewsConfig:
        """The crawler's configuration; Scrapy builds the spider before its add-ons run, so read on first use."""
        return FinewsConfig.of(self.crawler)

    @cached_property
    def reader(self) -> PageReader:
        """Reads each article page (`spiders.reading`); built on first use, like the configuration."""
        return PageReader(self.crawler.stats, self.config.clean_budget, self.logger)

    @cached_property
    def feeds(self) -> dict[str, FeedSpec]:
        return {feed.name: feed for feed in self.config.feeds}

    # -- start -----------------------------------------------------------------

    async def _closed(self) -> None:
        if self._ledger is not None:
            try:
                await self._ledger.mark_gone(self._gone)
            except SQLAlchemyError as exc:
                count_error(self.crawler.stats, "database")
                self.logger.error("Cannot record %d withdrawn, missing or unusable articles: %s", len(self._gone), exc)
            await self._ledger.close()
        if "reader" in self.__dict__:
            await self.reader.close()

    async def start(self) -> AsyncIterator[Request]:
        if not self.config.crawled_bases():
            count_error(self.crawler.stats, "no_source")
            self.logger.error("No source configured: set FINEWS_SOURCE=eastmoney or a base (FINEWS_API_BASE, …); "
                              "`scrapy crawl finews` alone serves the bundled demo site")
            return
        if self.config.database_url:
            self._ledger = await Ledger.open(self.config.database_url, self.config.refresh, self.config.refresh_max_age)
        if self.only_codes:
            self.feeds_done = True
            for request in await self._dispatch([FeedEntry(code) for code in self.only_codes]):
                yield request
            return
        if self.config.redis_url and self.config.role == "worker":
            self.feeds_done = True  # a worker reads no feed
            self.logger.info("Worker: fetching share pages from the shared queue")
            return
        self.holding.paging = {feed.name for feed in self.config.feeds}
        await self._resume_pending()
        await self._resume_paging()
        for feed in self.config.feeds:
            yield self._feed_request(feed, 1)

    # -- feeds -----------------------------------------------------------------

    def _feed_request(self, feed: FeedSpec, page: int, cursor: str = "") -> Request:
        """A feed page's request; a backfill's first page of a cursor-paged list starts at its window's end."""
        if page == 1 and not cursor and self.config.until is not None and feed.kind == "fast":
            cursor = str(int(self.config.until.timestamp()) * 10**6)  # a realSort: Unix seconds, six digits
        return Request(
            feed.url(self.config.feed_base(feed), page, self.config.page_size_of(feed), cursor),
            headers=self.config.headers_for(feed.kind, feed.endpoint.headers) or None,
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={"feed": feed.name, "page": page, "cursor": cursor},
            dont_filter=True,  # feeds are the roots of every run, resumed or not
            priority=10,
            # distributed: the coordinator reads every feed page itself
            meta={"finews_local": True, "download_maxsize": FEED_MAXSIZE},
        )

    async def parse_feed(self, response: Response, feed: str, page: int, cursor: str = "") -> AsyncIterator[Request]:
        spec = self.feeds[feed]
        try:
            payload = decode_payload(response.text if isinstance(response, TextResponse)
                                     else response.body.decode("utf-8", "replace"))
            listing = read_listing(spec, page, payload, self.config.page_size_of(spec))
        except FeedError as exc:
            if exc.refusal:  # not "nothing listed": counted apart, and the next run asks again
                self.crawler.stats.inc_value(f"finews/refusals/{spec.kind}")
                self.logger.warning("Feed %s page %d refused (%s): %s; counted as a refusal, not as no news",
                                    feed, page, response.url, exc)
            else:
                count_error(self.crawler.stats, "feed")
                self.logger.error("Feed %s page %d unreadable (%s): %s", feed, page, response.url, exc)
            self._read_in_part(feed, f"page {page} {'refused' if exc.refusal else 'unreadable'}")
            self._feed_ended(feed)
            return
        self.crawler.stats.inc_value(f"finews/feeds/pages/{feed}")
        self._report(spec, page, listing)
        listed, past_window = windowed(listing.entries, self.config.since, self.config.until)
        if len(listed) < len(listing.entries):
            self.crawler.stats.inc_value("finews/feeds/outside_window", len(listing.entries) - len(listed))
        codes = {entry.info_code for entry in listed}
        known = await self._ledger.known(codes) if self._ledger is not None else set()
        for entry in listed:
            if entry.info_code in known:
                self._skip(entry.info_code)
            else:
                self._collect(entry)
        # A backfill reads past known pages: the window lies behind them.
        all_known = bool(codes) and known == codes and feed not in self._deep and not self.config.backfill
        end = paging_end(items=listing.items, all_known=all_known, past_window=past_window, page=page,
                         max_pages=self.config.max_pages, following=listing.following, cursor=cursor)
        if end is None:
            following = listing.following
            assert following is not None
            await self._wait_for_room()
            yield self._feed_request(spec, following.page, following.cursor)
        else:
            self._feed_ended(feed)
            if end in IN_PART:
                count_error(self.crawler.stats, "feed_anomaly")
                self.logger.error("Feed %s page %d (%s) ends in %s: the list was read only in part; the next run "
                                  "reads on from there", feed, page, response.url, end)
                self._read_in_part(feed, f"page {page}: {end}")
            else:
                await self._paged_through(feed)
        for request in await self._dispatch(self.holding.ready(codes - known)):
            yield request

    def _read_in_part(self, feed: str, why: str) -> None:
        """The feed's list was not read to where a run stops: the run's status says so (exit 5)."""
        self.crawler.stats.set_value(f"{FEEDS_IN_PART}{feed}", why)

    def _report(self, spec: FeedSpec, page: int, listing: Listing) -> None:
        """Count and log what a page could not give: items past its bound, and one line per reason of rejection."""
        if listing.cut:
            count_error(self.crawler.stats, "oversize_page")
            self.logger.warning("Feed %s page %d lists %d items for the %d asked: the first %d are read", spec.name,
                                page, listing.items, listing.asked, listing.items - listing.cut)
        for reason, details in listing.rejected.items():
            count_drop(self.crawler.stats, reason, len(details))
            more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
            self.logger.warning("Dropped %d item%s of feed %s page %d (%s): %s%s", len(details),
                                "s" if len(details) > 1 else "", spec.name, page, reason, details[0], more)

    def _feed_ended(self, feed: str) -> None:
        """A feed has no more pages to read (or failed): the entries it kept waiting are fetched now."""
        released = self.holding.feed_ended(feed)
        self.feeds_done = self.holding.feeds_done
        if released:
            still = sorted(self.holding.paging)
            self.logger.info("%d listed articles fetched now that %s", len(released),
                             f"the feeds still paging ({', '.join(still)}) cannot list them" if still
                             else "every feed is read")
            self._hand_over(released)

    async def _wait_for_room(self) -> None:
        """Page on only while few requests wait in memory: a long backfill's memory stays flat."""
        scheduler = self.crawler.engine.scheduler
        if self.config.redis_url or scheduler is None:
            return
        while len(scheduler) > MAX_QUEUED:  # type: ignore[arg-type]
            await asyncio.sleep(0.05)

    def _skip(self, code: str) -> None:
        if code not in self._skipped:
            self._skipped.add(code)
            self.crawler.stats.inc_value("finews/articles/skipped")

    def _collect(self, entry: FeedEntry) -> None:
        if self.holding.collect(entry):
            self.crawler.stats.inc_value("finews/feeds/listed_again")

    def feed_failed(self, failure: Failure) -> None:
        count_error(self.crawler.stats, "feed")
        request = failure.request  # type: ignore[attr-defined]
        feed, page = request.cb_kwargs.get("feed"), request.cb_kwargs.get("page")
        self.logger.error("Feed %s page %s failed (%s): %s", feed, page, request.url, failure.getErrorMessage())
        self._read_in_part(feed, f"page {page} failed")
        self._feed_ended(feed)

    async def _resume_paging(self) -> None:
        """Feeds an earlier run did not read to their end (killed, or the feed failed): their unread
        pages may lie behind pages that are all known now, so this run reads past known pages."""
        if self._ledger is None:
            return
        self._deep = await self._ledger.start_paging(sorted(self.holding.paging))
        if self._deep:
            self.logger.warning("An earlier run did not read feed %s to its end: reading past known pages "
                                "(up to FINEWS_FEED_MAX_PAGES)", ", ".join(sorted(self._deep)))

    async def _paged_through(self, feed: str) -> None:
        """The feed is read to where a run stops: the next run may stop at its first known page again."""
        if self._ledger is not None:
            await self._ledger.finish_paging(feed)

    async def _resume_pending(self) -> None:
        """Articles an earlier run dispatched but never stored (it was killed): dispatch them again."""
        if self._ledger is None:
            return
        entries = await self._ledger.pending()
        for entry in entries:
            self._collect(entry)
        if entries:
            self.crawler.stats.set_value("finews/articles/resumed", len(entries))
            self.logger.warning("%d articles an earlier run dispatched but did not store are fetched again",
                                len(entries))

    def _dispatch_articles(self) -> None:
        """The engine is idle: every feed is read; hand over anything still held (a feed whose end went unseen)."""
        if any(not task.done() for task in self._dispatching):
            raise DontCloseSpider
        self.feeds_done = True
        if not self.holding.held:
            return
        pending = self.holding.release_all()
        self.logger.info("Feeds done: %d listed articles fetched now", len(pending))
        self._hand_over(pending)
        raise DontCloseSpider

    def _hand_over(self, entries: list[FeedEntry]) -> None:
        """Request held articles from outside a callback, as room frees up in the queue."""
        task = asyncio.ensure_future(self._crawl_all(entries))
        self._dispatching.add(task)
        task.add_done_callback(self._dispatched_all)

    def _dispatched_all(self, task: asyncio.Task[None]) -> None:
        self._dispatching.discard(task)
        if not task.cancelled() and task.exception() is not None:
            count_error(self.crawler.stats, "dispatch")
            self.logger.error("Handing the held articles to the engine failed (the next run fetches them): %r",
                              task.exception())

    async def _crawl_all(self, entries: list[FeedEntry]) -> None:
        """Hand the held articles to the engine a chunk at a time, as room frees up in the queue."""
        for start in range(0, len(entries), DISPATCH_CHUNK):
            await self._wait_for_room()
            for request in await self._dispatch(entries[start:start + DISPATCH_CHUNK]):
                self.crawler.engine.crawl(request)

    async def _dispatch(self, entries: list[FeedEntry]) -> list[Request]:
        """Record the articles as pending in the database, then their share-page requests."""
        if not entries:
            return []
        if not self.holding.dispatched:
            self.crawler.signals.send_catch_log(signal=articles_dispatched)
        self.holding.dispatched.update(entry.info_code for entry in entries)
        stored_times: dict[str, str] = {}
        if self._ledger is not None:
            try:
                entries, stored_times = await self._ledger.dispatch(entries)
            except SQLAlchemyError as exc:
                count_error(self.crawler.stats, "database")
                self.logger.error("Cannot record the dispatched articles (a crash now would need a refresh "
                                  "to find them again): %s", exc)
        return [self.article_request(entry, stored_times.get(entry.info_code, "")) for entry in entries]

    def _item_dropped(self, item: Article, exception: Exception) -> None:
        """An article dropped as unusable is settled like a withdrawn one: not fetched again unless refreshed."""
        reason = drop_reason(exception)
        if reason and reason not in RETRYABLE_DROPS:
            self._gone[item.info_code] = reason

    # -- articles --------------------------------------------------------------

    def article_request(self, entry: FeedEntry, stored_time: str = "") -> Request:
        """The request for an article's first page, built from its entry with this process's configuration;
        `stored_time`: the time it is stored under, for an article fetched again."""
        return self._page_request(entry.to_dict(), 0, None, stored_time)

    def _page_request(self, entry: dict[str, Any], step: int, shell: PageFields | None,
                      stored_time: str = "") -> Request:
        """The request for endpoint `step` of an article; `shell`: what its earlier page said, without a body."""
        endpoint = endpoints(self.config.bases(), entry["info_code"])[step]
        return Request(endpoint.url, callback=self.parse_article, errback=self.article_failed,
                       headers=self.config.headers_for("page", endpoint.headers),
                       cb_kwargs={"entry": entry, "step": step, "shell": asdict(shell) if shell else None,
                                  "stored_time": stored_time},
                       meta={"finews_local": True} if step else {})  # distributed: a fallback stays here

    async def parse_article(self, response: Response, entry: dict[str, Any], step: int = 0,
                            shell: dict[str, Any] | None = None,
                            stored_time: str = "") -> AsyncIterator[Article | Request]:
        """An article's page: its body makes the article; without one, the next endpoint stands in."""
        code = entry["info_code"]
        chain = endpoints(self.config.bases(), code)
        earlier = PageFields(**shell) if shell else None
        reading = await self.reader.read(chain[step], response, entry)
        if reading.gone:
            self._gone[code] = reading.gone
        if (page := reading.page) is None:
            return
        if page is not MISSING:
            page = page.under(earlier)
            if has_text(page.body_html):
                yield self._article(entry, page, chain[0].url, stored_time)
                return
        if step + 1 < len(chain):
            yield self._page_request(entry, step + 1, earlier if page is MISSING else page, stored_time)
        elif page is MISSING and earlier is None:
            if (flash := self._from_summary(entry, chain[0].url, stored_time)) is not None:
                yield flash
                return
            self._gone[code] = "not_found"
            count_drop(self.crawler.stats, "not_found")
            self.crawler.stats.inc_value("finews/extraction/none")
            self.logger.info("%s: no article in any of its pages (%s)", code, ", ".join(e.url for e in chain))
        else:  # no body anywhere: validation drops it as empty
            yield self._article(entry, earlier if page is MISSING else page, chain[0].url, stored_time)

    def _article(self, entry: dict[str, Any], page: PageFields, url: str, stored_time: str = "") -> Article:
        """The article the feed's and the page's facts make (`sources.facts`)."""
        ranked = ranked_article(entry, page, url, self.config.public_url(entry["info_code"]), stored_time)
        if ranked.time_kept:
            self.crawler.stats.inc_value("finews/articles/time_kept")
            self.logger.warning("%s: listed at %s, stored at %s, and its page does not agree: the stored time stays",
                                entry["info_code"], entry["time"], stored_time)
        return ranked.article

    def _from_summary(self, entry: dict[str, Any], url: str, stored_time: str) -> Article | None:
        """A 7×24 flash with no article page: stored from its summary, flagged (`template: summary`), unless the
        summary says it is cut short (`[点击查看全文]`)."""
        if (page := summary_page(entry)) is None:
            return None
        self.crawler.stats.inc_value(f"finews/pages/{SUMMARY_TEMPLATE}")
        self.logger.info("%s: no article page; a 7×24 flash, stored from its summary", entry["info_code"])
        return self._article(entry, page, url, stored_time)

    def article_failed(self, failure: Failure) -> list[Article]:
        request = failure.request  # type: ignore[attr-defined]
        entry = request.cb_kwargs.get("entry", {})
        code = entry.get("info_code", "?")
        if failure.check(OffsiteRequest):  # counted and logged by the middleware; pending, so tried next run
            return []
        if failure.check(HttpError) and failure.value.response.status in GONE_STATUSES:
            if entry and (flash := self._from_summary(entry, request.url, request.cb_kwargs.get("stored_time", ""))):
                return [flash]
            self._gone[code] = "not_found"
            count_drop(self.crawler.stats, "not_found")
            self.logger.info("%s: not at the source (HTTP %d, %s)", code, failure.value.response.status, request.url)
            return []
        count_error(self.crawler.stats, "download")
        self.logger.error("%s: download failed (%s): %s", code, request.url, failure.getErrorMessage())
        return []
