"""The Redis scheduler and dupefilter, with finews's job rules and without scrapy-redis's sharp edges.

- The queue and fingerprints persist: no process flushes them when it finishes.
- The shared queue holds article entries, not requests (`ArticleQueue`,
  `serializer.py`): a worker builds each request itself from an entry, so
  whoever can write to Redis cannot steer it.  A queue entry that is not an
  article entry is rejected, counted (`finews/errors/queue_entry`), logged in
  one line and fails the run.
- Everything else stays in the process's own memory: feed requests (the
  coordinator must see every feed page to merge an article listed twice),
  text-API fallbacks and retries (their state is the process's own).
- A job: the coordinator announces itself under `{prefix}:coordinator` (a key
  with a TTL it keeps refreshing), so workers keep waiting while it may still
  add requests, and stop when the queue is empty and no coordinator is left.
  A coordinator that ends writes when (`{prefix}:finished`): a worker started
  with a job that a fast coordinator finished before the worker looked has
  nothing left to do, and says so, rather than failing for want of one.
  A coordinator that starts with an empty shared queue starts a new job: it
  clears the fingerprints of the previous one, so an article a killed worker
  had in flight is dispatched again.  A non-empty queue is resumed.
- Stats and logging without the deprecated `spider=` arguments of Scrapy 2.19.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from finews_crawler.config import FinewsConfig
from finews_crawler.runtime.stats import count_error
from finews_crawler.distributed import JobKeys
from finews_crawler.distributed.serializer import QueueEntryError, dumps, loads

logger = logging.getLogger(__name__)

COORDINATOR_TTL = 60  # seconds a dead coordinator keeps workers waiting
HEARTBEAT = 10
MAX_SKIPPED = 1000  # rejected queue entries skipped in one pop


class RedisDupeFilter(RFPDupeFilter):
    def log(self, request: Request, spider: Spider) -> None:
        if self.debug or self.logdupes:
            logger.debug("Filtered duplicate request %s%s", request,
                         "" if self.debug else " - no more duplicates will be shown")
            self.logdupes = self.debug
        spider.crawler.stats.inc_value("dupefilter/filtered")


def is_shared(request: Request) -> bool:
    """Only first fetches of article pages go to the shared queue."""
    return request.callback is not None and getattr(request.callback, "__name__", "") == "parse_article" \
        and not request.meta.get("finews_local") and "retry_times" not in request.meta


class ArticleQueue(PriorityQueue):
    """scrapy-redis's priority queue, holding article entries instead of serialised requests."""

    def _encode_request(self, request: Request) -> bytes:
        return dumps(request.cb_kwargs["entry"])

    def _decode_request(self, encoded_request: bytes) -> Request | None:
        try:
            entry = loads(encoded_request)
        except QueueEntryError as exc:
            self._rejected = True
            count_error(self.spider.crawler.stats, "queue_entry")
            logger.error("Rejected an entry of the shared queue %s: %s", self.key, exc)
            return None
        return self.spider.article_request(entry)

    def pop(self, timeout: int = 0) -> Request | None:
        """The next usable request, skipping rejected entries (the engine would idle 5 s after each)."""
        for _ in range(MAX_SKIPPED):
            self._rejected = False
            request = super().pop(timeout)
            if not self._rejected:
                return request
        return None


class RedisScheduler(Scheduler):
    # Set by from_crawler (scrapy-redis builds the instance in from_settings).
    role: str
    coordinator_key: str
    finished_key: str
    started_at: float  # wall time, to compare with a coordinator's finish
    worker_wait: float
    local: deque[Request]  # everything but first article fetches: never shared
    identity: str
    started: float
    beat: float  # when the coordinator last announced itself
    coordinator_seen: bool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        instance = super().from_crawler(crawler)
        config = FinewsConfig.of(crawler)
        instance.role = config.role
        keys = JobKeys.of(config.redis_prefix)
        instance.coordinator_key, instance.finished_key = keys.coordinator, keys.finished
        instance.started_at = time.time()
        instance.worker_wait = config.worker_wait
        instance.local = deque()
        instance.identity = f"{socket.gethostname()}:{os.getpid()}"
        instance.started = time.monotonic()
        instance.beat = 0.0
        instance.coordinator_seen = False
        return instance

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = self._make_queue(spider)
        if self.df is None:  # (a dupefilter with no fingerprints yet is falsy: it has a length)
            self.df = RedisDupeFilter.from_spider(spider)
        waiting = len(self.queue)
        if self.role == "coordinator":
            self._announce()
            if waiting:
                logger.info("Resuming the shared job: %d requests waiting in Redis (%s)", waiting, self.queue.key)
            else:
                self.df.clear()
                logger.info("Starting a new shared job in Redis (%s)", self.queue.key)
        else:
            logger.info("Worker %s: %d requests waiting in Redis (%s)", self.identity, waiting, self.queue.key)

    def _make_queue(self, spider: Spider) -> Any:
        return ArticleQueue(server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer)

    def close(self, reason: str) -> None:
        if self.role == "coordinator":
            self.server.delete(self.coordinator_key)
            self.server.set(self.finished_key, str(time.time()), ex=COORDINATOR_TTL)
        elif not self.coordinator_seen and not self.stats.get_value("scheduler/dequeued/redis"):
            count_error(self.stats, "no_coordinator")
            logger.error("Worker %s: no coordinator appeared within %g s (FINEWS_WORKER_WAIT) and the queue was "
                         "empty: nothing was fetched", self.identity, self.worker_wait)

    def _announce(self) -> None:
        self.server.set(self.coordinator_key, self.identity, ex=COORDINATOR_TTL)
        self.beat = time.monotonic()

    def enqueue_request(self, request: Request) -> bool:
        if not is_shared(request):
            self.local.append(request)
            return True
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        if self.role == "coordinator" and time.monotonic() - self.beat > HEARTBEAT:
            self._announce()
        if self.local:
            return self.local.popleft()
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.local or len(self.queue) > 0:
            return True
        if self.role == "coordinator":
            return False
        # A worker waits while a coordinator may still add requests, or (up to FINEWS_WORKER_WAIT) for one to start.
        if self.server.exists(self.coordinator_key):
            self.coordinator_seen = True
            return True
        if not self.coordinator_seen and self._job_finished_since_start():
            logger.info("Worker %s: the coordinator finished the job before this worker looked", self.identity)
            self.coordinator_seen = True
        return not self.coordinator_seen and time.monotonic() - self.started < self.worker_wait

    def _job_finished_since_start(self) -> bool:
        """Whether a coordinator finished a job after this worker started (so the worker's job is done)."""
        finished = self.server.get(self.finished_key)
        try:
            return finished is not None and float(finished) >= self.started_at - 1
        except ValueError:
            return False

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)
