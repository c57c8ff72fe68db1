"""Reading an answer as the page its endpoint names: the template, else the generic extractor, and what each
verdict means for the article (read, withdrawn, missing here, unreadable).

The spider schedules the pages; this reads each one.  The generic
extractor runs in a helper process of its own under the cleaning budget:
it is superlinear on some pages and must not stall the crawl.  Every page
it could not read is counted in the crawl's stats and logged in one line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy.http import Response, TextResponse
from scrapy.statscollectors import StatsCollector
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.runtime.processes import HelperPool, OverBudget, WorkerDied
from finews_crawler.runtime.stats import count_drop, count_error
from finews_crawler.sources.articles import Endpoint
from finews_crawler.sources.characters import printable
from finews_crawler.sources.facts import whole_summary
from finews_crawler.sources.pages import PageError, PageFields, decode_undeclared, generic_page

# A page with no article in it, where that means the article is missing (`Endpoint.missing_without_body`).
MISSING = PageFields(template="missing")


@dataclass(frozen=True)
class Reading:
    """What one page gave: its fields (MISSING: try the next endpoint), or None and, if settled, why it is gone."""

    page: PageFields | None
    gone: str = ""


def page_text(response: TextResponse) -> str:
    """Scrapy's text, except for a page that declares no encoding (see `decode_undeclared`); printable only."""
    declared = (http_content_type_encoding(response.headers.get("Content-Type", b"").decode("latin-1"))
                or html_body_declared_encoding(response.body) or read_bom(response.body)[0])
    if declared:
        return printable(response.text)
    return printable(decode_undeclared(response.body) or response.text)


class PageReader:
    def __init__(self, stats: StatsCollector, budget: float,
                 logger: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> None:
        self.stats = stats
        self.budget = budget  # seconds the generic extractor may take on one page
        self.logger = logger  # the spider's: its lines read as the crawl's, like every other article line
        self._extractor: HelperPool | None = None  # started by the first page no template knows

    async def read(self, endpoint: Endpoint, response: Response, entry: dict[str, Any]) -> Reading:
        """Read a response as `endpoint` says; no page when it is settled or unusable (counted and logged),
        MISSING when this page has no article and the next endpoint should be tried."""
        code = entry["info_code"]
        if not isinstance(response, TextResponse):
            count_error(self.stats, "not_text")
            self.logger.error("%s: answer is not text (%s, %s)", code, response.headers.get("Content-Type"), response.url)
            return Reading(None)
        text = page_text(response)
        try:
            page = endpoint.read(text, parse_beijing_time(entry["time"]))
        except PageError as exc:
            if not endpoint.page:
                count_error(self.stats, endpoint.name)
                self.logger.error("%s: %s (%s)", code, exc, response.url)
                return Reading(None)
            return await self._generic(endpoint, response, text, entry)
        return self._verdict(page, code, response.url)

    async def _generic(self, endpoint: Endpoint, response: Response, text: str, entry: dict[str, Any]) -> Reading:
        """A page no template knows: the generic extractor's reading, checked against what the feed said."""
        code = entry["info_code"]
        if self._extractor is None:
            self._extractor = HelperPool(1)
        try:
            page = await self._extractor.run(generic_page, text, entry["title"], entry["digest"],
                                             bool(whole_summary(entry)), budget=self.budget)
        except (OverBudget, WorkerDied) as exc:  # finews's own fault: the article stays pending, for the next run
            count_error(self.stats, "extraction")
            self.logger.error("%s: the generic extractor did not finish (%s); fetched again by the next run (%s)",
                         code, exc, response.url)
            return Reading(None)
        except PageError as exc:
            if endpoint.missing_without_body:
                self.logger.info("%s: no article in %s (%s)", code, response.url, exc)
                return Reading(MISSING)
            count_error(self.stats, "unknown_template")
            self.logger.error("%s: %s (%s)", code, exc, response.url)
            return Reading(None)
        self.stats.inc_value("finews/extraction/generic")
        self.logger.warning("%s: no known page template; the generic extractor read it (%s)", code, response.url)
        return self._verdict(page, code, response.url)

    def _verdict(self, page: PageFields, code: str, url: str) -> Reading:
        if page.withdrawn:
            count_drop(self.stats, "withdrawn")
            self.logger.info("%s: withdrawn at the source (%s)", code, url)
            return Reading(None, gone="withdrawn")
        self.stats.inc_value(f"finews/pages/{page.template}")
        return Reading(page)

    async def close(self) -> None:
        if self._extractor is not None:
            await self._extractor.close()
