"""The 2021 text API (SOURCE-SITE.md §3): an article's body as JSON, when its share page has none."""

from __future__ import annotations

from datetime import datetime

import json
from typing import Any

from finews_crawler.sources.characters import printable
from finews_crawler.domain.markup import squash
from finews_crawler.sources.pages.template import PageError, PageFields


def url(api_base: str, info_code: str) -> str:
    return f"{api_base}/NewsData/GetNewsText.do?id={info_code}"


def read_text_api(text: str, published: datetime | None = None) -> PageFields:
    """Read a `GetNewsText.do` answer; the body is in `text` or in `content` (one shape at every time: `published`
    is taken like the page readers' and not needed)."""
    try:
        payload: Any = json.loads(text.strip().lstrip("\ufeff"))
    except RecursionError:
        raise PageError("text API answer is JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise PageError(f"text API answer is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise PageError("text API answer is not a JSON object")
    body = payload.get("text") or payload.get("content") or ""
    if payload.get("rc") != 1 or not isinstance(body, str):
        return PageFields(template="text_api", withdrawn=True)

    def field(name: str) -> str:
        value = payload.get(name)
        return squash(printable(value)) if isinstance(value, str) else ""

    return PageFields(
        template="text_api",
        title=field("title"),
        time=field("showtime"),
        media=field("medianame"),
        body_html=printable(body),
    )
