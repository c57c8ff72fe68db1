"""HTTP(S) downloads whose response headers are bounded, as DOWNLOAD_MAXSIZE bounds the body.

Scrapy's HTTP/1.1 handler (Twisted's client) keeps every header line a
server sends: a 300 MB block of headers took the crawl to 576 MB.  Here a
connection counts what it receives before the response's body starts, and
past `MAX_HEADER_BYTES` it is aborted: the request fails like any download
that cannot complete (retried, then counted and logged as a download
error), and the crawl's memory stays flat whatever the source sends.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler, _LenientHTTP11ClientFactory, _LenientHTTP11ClientProtocol,
)
from scrapy.crawler import Crawler
from twisted.web._newclient import BODY, DONE

logger = logging.getLogger(__name__)

# Real answers' headers are a few KiB; browsers and servers refuse far less than this much.
MAX_HEADER_BYTES = 256 * 1024


class _HeaderBoundedProtocol(_LenientHTTP11ClientProtocol):  # type: ignore[misc]
    """Twisted's client protocol (Scrapy's lenient one), aborting a response whose headers never end."""

    _header_bytes = 0

    def request(self, request: Any) -> Any:
        self._header_bytes = 0  # a kept-alive connection starts every response afresh
        return super().request(request)

    def dataReceived(self, data: bytes) -> None:
        parser = self._parser
        if parser is not None and parser.state not in (BODY, DONE):
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                peer = self.transport.getPeer()
                logger.warning("Response headers from %s:%s exceed %d KiB: connection aborted",
                               getattr(peer, "host", "?"), getattr(peer, "port", "?"), MAX_HEADER_BYTES // 1024)
                self.transport.abortConnection()
                return
        super().dataReceived(data)


class _HeaderBoundedFactory(_LenientHTTP11ClientFactory):  # type: ignore[misc]
    def buildProtocol(self, addr: Any) -> _HeaderBoundedProtocol:
        return _HeaderBoundedProtocol(self._quiescentCallback)


class HeaderBoundedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler with `MAX_HEADER_BYTES` of response headers at most."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool._factory = _HeaderBoundedFactory
