"""Serve a `ReplaySite` over real HTTP on loopback.

A threaded server with a large listen backlog and HTTP/1.1 keep-alive, so
Scrapy's concurrency never stalls it (`python -m http.server` does).  It
counts what it answers, by kind and by share-page infoCode, at
`/__stats`, so tests can check what a crawl really requested; `/__reset`
zeroes the counters.

Run it on its own:  python -m finews_crawler.replay.server --port 8000
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import logging
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from finews_crawler.replay.site import DEFAULT_SITE_DIR, ReplaySite
from finews_crawler.replay.today import SHAPES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fault:
    """A failure the server injects for one share page, for the first `times` requests (0: always).

    kind: "status" answers `status` (a 500/503 burst); "slow" waits `delay`
    seconds before answering (past the crawler's timeout); "reset" closes the
    connection without an answer (TCP RST); "truncate" promises the whole body
    and sends half of it.
    """

    kind: str
    times: int = 1
    status: int = 503
    delay: float = 0.0


@dataclass(frozen=True)
class Ban:
    """The live source's risk control (SOURCE-SITE.md §8), for politeness tests.

    Past `max_connections` open connections, `per_second` requests in any
    second or `per_minute` in any minute, every request is answered 403 for
    `duration` seconds.  `refuse_after` > 0: a server that starts refusing
    (403) after that many requests, whatever the rate.
    """

    max_connections: int = 10
    per_second: int = 5
    per_minute: int = 200
    duration: float = 1800.0
    refuse_after: int = 0


class _Traffic:
    """What the server saw, as the live source's risk control would count it."""

    def __init__(self, ban: Ban) -> None:
        self.ban = ban
        self.connections = self.peak_connections = self.opened = 0
        self.times: deque[float] = deque()
        self.requests = self.peak_per_second = self.peak_per_minute = self.refused = 0
        self.banned_until = 0.0
        self.tripped = ""

    def connect(self) -> None:
        self.connections += 1
        self.opened += 1
        self.peak_connections = max(self.peak_connections, self.connections)
        if self.connections > self.ban.max_connections:
            self._trip(f"{self.connections} connections", time.monotonic())

    def disconnect(self) -> None:
        self.connections -= 1

    def admit(self, now: float) -> bool:
        """Count one request; False: answer it 403."""
        self.requests += 1
        self.times.append(now)
        while self.times and self.times[0] < now - 60:
            self.times.popleft()
        last_second = sum(1 for moment in self.times if moment >= now - 1)
        self.peak_per_second = max(self.peak_per_second, last_second)
        self.peak_per_minute = max(self.peak_per_minute, len(self.times))
        if last_second > self.ban.per_second:
            self._trip(f"{last_second} requests in a second", now)
        if len(self.times) > self.ban.per_minute:
            self._trip(f"{len(self.times)} requests in a minute", now)
        refused = now < self.banned_until or 0 < self.ban.refuse_after < self.requests
        self.refused += refused
        return not refused

    def _trip(self, why: str, now: float) -> None:
        if not self.tripped:
            self.tripped = why
            self.banned_until = now + self.ban.duration

    def report(self) -> dict[str, object]:
        return {"requests": self.requests, "refused": self.refused, "tripped": self.tripped, "opened": self.opened,
                "peak_connections": self.peak_connections, "peak_per_second": self.peak_per_second,
                "peak_per_minute": self.peak_per_minute}


REPLAY_HOST = "127.0.0.1"
POLL_INTERVAL = 0.02  # seconds


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 4096

    def __init__(self, address: tuple[str, int], site: ReplaySite, latency: float, ban: Ban | None) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.latency = latency
        self.traffic = _Traffic(ban) if ban is not None else None
        self.lock = threading.Lock()
        self.kinds: Counter[str] = Counter()
        self.share_pages: Counter[str] = Counter()
        self.faults: dict[str, Fault] = {}

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that hung up (a killed crawl) is not the server's error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        if self.server.traffic is not None:
            with self.server.lock:
                self.server.traffic.connect()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.server.traffic is not None:
                with self.server.lock:
                    self.server.traffic.disconnect()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == "/__stats":
            self._send(200, "application/json", self._stats())
            return
        if parts.path == "/__reset":
            with self.server.lock:
                self.server.kinds.clear()
                self.server.share_pages.clear()
            self._send(200, "application/json", b"{}")
            return
        if self.server.traffic is not None:
            with self.server.lock:
                admitted = self.server.traffic.admit(time.monotonic())
            if not admitted:
                self._send(403, "text/html; charset=utf-8", b"<html><body>403 Forbidden</body></html>")
                return
        response = self.server.site.respond(parts.path, query)
        with self.server.lock:
            self.server.kinds[response.kind] += 1
            if response.kind == "share":
                self.server.share_pages[query.get("infoCode", "")] += 1
            elif response.article:  # today's page of the same article: one counter per article across generations
                self.server.share_pages[response.article] += 1
            fault = self.server.faults.get(query.get("infoCode", "")) if response.kind == "share" else None
            seen = self.server.share_pages[query.get("infoCode", "")]
        if self.server.latency:
            time.sleep(self.server.latency)
        if fault is not None and (fault.times == 0 or seen <= fault.times):
            self._fail(fault, response.content_type, response.body)
            return
        self._send(response.status, response.content_type, response.body, response.headers)

    def _fail(self, fault: Fault, content_type: str, body: bytes) -> None:
        if fault.kind == "status":
            self._send(fault.status, "text/html; charset=utf-8", b"<html><body>Service Unavailable</body></html>")
        elif fault.kind == "slow":
            time.sleep(fault.delay)
            self._send(200, content_type, body)
        elif fault.kind == "reset":
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif fault.kind == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        else:
            raise ValueError(f"unknown fault {fault.kind!r}")

    def _stats(self) -> bytes:
        with self.server.lock:
            payload = {"kinds": dict(self.server.kinds), "share_pages": dict(self.server.share_pages)}
            if self.server.traffic is not None:
                payload["traffic"] = self.server.traffic.report()
        return json.dumps(payload).encode()

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("replay %s", format % args)


class ReplayServer:
    """A replay site listening on 127.0.0.1 in a background thread."""

    def __init__(self, site: ReplaySite, port: int = 0, latency: float = 0.0, host: str = REPLAY_HOST,
                 ban: Ban | None = None) -> None:
        self._server = _Server((host, port), site, latency, ban)
        # serve_forever notices `shutdown` once per poll interval: the default half second was the
        # last half second of every demo crawl.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(POLL_INTERVAL,),
                                        name="finews-replay", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def inject(self, faults: dict[str, Fault]) -> None:
        """Fail these share pages (by infoCode) from now on, as each Fault says."""
        self._server.faults = dict(faults)

    def replace_site(self, site: ReplaySite) -> None:
        """Serve other content from now on (tests change an article between runs)."""
        self._server.site = site

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the command-line use)."""
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the finews replay site on loopback.")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE_DIR, help="folder with articles.jsonl and templates/")
    parser.add_argument("--scale", type=int, default=0, help="derive articles until the site holds this many")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument("--ban", action="store_true", help="behave like the live source's risk control (403s past "
                        "10 connections, 5 requests a second or 200 a minute)")
    parser.add_argument("--refuse-search", action="store_true", help="answer the per-stock search as the live "
                        "source does when it refuses (HTTP 200, no article list)")
    parser.add_argument("--shapes", default="", help="serve today's lists in these shapes of other clients' fixtures "
                        f"(comma-separated, or all: {', '.join(sorted(SHAPES))})")
    args = parser.parse_args(argv)
    shapes = SHAPES if args.shapes == "all" else frozenset(filter(None, args.shapes.split(",")))
    if shapes - SHAPES:
        parser.error(f"unknown shapes {', '.join(sorted(shapes - SHAPES))} (known: {', '.join(sorted(SHAPES))})")
    site = replace(ReplaySite.load(args.site, scale=args.scale), refuse_search=args.refuse_search, shapes=shapes)
    server = ReplayServer(site, port=args.port, latency=args.latency, ban=Ban() if args.ban else None)
    print(f"finews replay site at {server.url} ({len(site.articles)} articles)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
