"""Page objects: what an article page or text-API answer says, field by field.

Extraction is kept apart from crawling (in the spirit of web-poet page
objects and fundus's per-publisher layouts).  Each share-page template is a
few CSS selectors; `share_page_for` picks the template a page uses, so a new
layout from the source is one more `Template` in `TEMPLATES`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from parsel import Selector

from .dates import parse_beijing_time

WITHDRAWN_MARKERS = ("该文章已被删除", "文章不存在")
_MEDIA_PREFIX = re.compile(r"^\s*(?:来源|来自|文章来源)\s*[:：]\s*")
_DIGEST_PREFIX = re.compile(r"^\s*摘要\s*[:：]?\s*")
_TITLE_SUFFIX = re.compile(r"\s*_\s*东方财富网\s*$")
_SPACES = re.compile(r"[\s\u3000\xa0]+")


class PageError(ValueError):
    """A page that cannot be read as an article of any known template."""


@dataclass(frozen=True)
class Template:
    """CSS selectors that locate an article's fields in one page layout."""

    name: str
    title: str
    infos: str  # nodes among which the time and the `来源：` line are found
    digest: str
    body: str


TEMPLATES: tuple[Template, ...] = (
    Template("desktop", title=".newsContent h1", infos=".newsContent .infos .item",
             digest=".newsContent .b-review", body="#ContentBody"),
    Template("mobile", title=".atitle", infos=".time, .source",
             digest=".digest_content", body="article#zwtext"),
)


@dataclass(frozen=True)
class PageFields:
    """The article as one page tells it; empty strings where it says nothing."""

    template: str
    title: str = ""
    time: str = ""
    media: str = ""
    digest: str = ""
    body_html: str = ""
    withdrawn: bool = False


# One token at a time, each found without backtracking past the next `<`, so the scan is linear in
# any input (a regex that looks for a tag's end from every `<` is quadratic on `<a<a<a…`).
# A quoted attribute value may not hold `<` here; that costs nothing real pages need.
_TOKEN = re.compile(r"""<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)"""
                    r"""|</?[A-Za-z!?](?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+>|[^<]++|<""", re.S)


def decode_undeclared(body: bytes) -> str | None:
    """The text of a page that declares no encoding: UTF-8 if it is valid UTF-8, else GB18030.

    Chinese sites still serve GBK pages without a charset; a browser guesses
    GBK for them, Scrapy's fallback guesses cp1252 and yields mojibake.
    None if the bytes are neither (the caller falls back to Scrapy's guess).
    """
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def squash(text: str) -> str:
    """Collapse runs of white space (incl. full-width and no-break) to one space."""
    return _SPACES.sub(" ", text).strip()


def _text_of(selector: Selector) -> str:
    return squash(" ".join(selector.xpath(".//text()").getall()))


def inner_html(node: Selector) -> str:
    """The markup inside `node`, comments included (they delimit quote charts)."""
    return "".join(node.xpath("node()").getall())


def has_text(html: str) -> bool:
    """Whether an HTML fragment has any text character (not only tags, comments and white space).

    Tokenised, not parsed: it runs four times per article, and a parse
    would cost more than the rest of reading the page.  Linear in the
    length of any input, and stops at the first text.
    """
    for token in _TOKEN.finditer(html):
        piece = token.group()
        if piece.startswith("<") and len(piece) > 1:  # a tag, comment or CDATA section
            continue
        if squash(unescape(piece)):
            return True
    return False


def _first_time(nodes: list[str]) -> str:
    return next((text for text in nodes if parse_beijing_time(text)), "")


def _first_media(nodes: list[str]) -> str:
    return next((_MEDIA_PREFIX.sub("", text) for text in nodes if _MEDIA_PREFIX.match(text)), "")


def read_share_page(selector: Selector, template: Template) -> PageFields:
    """Read every field of a share page laid out as `template`."""
    body_nodes = selector.css(template.body)
    body_html = inner_html(body_nodes[0]) if body_nodes else ""
    infos = [_text_of(node) for node in selector.css(template.infos)]
    title = " ".join(_text_of(node) for node in selector.css(template.title)[:1])
    if not title:
        title = _TITLE_SUFFIX.sub("", squash(selector.css("title::text").get() or ""))
    withdrawn = not has_text(body_html) and any(
        marker in text for marker in WITHDRAWN_MARKERS for text in selector.xpath("//body//text()").getall()
    )
    return PageFields(
        template=template.name,
        title=title,
        time=_first_time(infos),
        media=_first_media(infos),
        digest=_DIGEST_PREFIX.sub("", " ".join(_text_of(node) for node in selector.css(template.digest))),
        body_html=body_html,
        withdrawn=withdrawn,
    )


def share_page_for(html: str) -> PageFields:
    """Pick the template a share page uses and read it.

    A page with none of the known body containers is either a withdrawn
    notice (counted as such) or a layout we do not know (a `PageError`).
    """
    selector = Selector(text=html)
    for template in TEMPLATES:
        if selector.css(template.body):
            return read_share_page(selector, template)
    body_text = " ".join(selector.xpath("//body//text()").getall())
    if any(marker in body_text for marker in WITHDRAWN_MARKERS):
        return PageFields(template="withdrawn", withdrawn=True)
    raise PageError("no known article container (#ContentBody, article#zwtext)")


def read_text_api(text: str) -> PageFields:
    """Read a `GetNewsText.do` answer; the body is in `text` or in `content`."""
    try:
        payload: Any = json.loads(text.strip().lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise PageError(f"text API answer is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise PageError("text API answer is not a JSON object")
    body = payload.get("text") or payload.get("content") or ""
    if payload.get("rc") != 1 or not isinstance(body, str):
        return PageFields(template="text_api", withdrawn=True)

    def field(name: str) -> str:
        value = payload.get(name)
        return squash(value) if isinstance(value, str) else ""

    return PageFields(
        template="text_api",
        title=field("title"),
        time=field("showtime"),
        media=field("medianame"),
        body_html=body,
    )


GENERIC = "generic"
_EXTRACTED_BODY = re.compile(r"^\s*<html>\s*<body>(?P<body>.*)</body>\s*</html>\s*$", re.S)


def generic_page(html: str) -> PageFields:
    """A page no template knows: trafilatura's main content and title, flagged as `generic`.

    trafilatura (imported here, by the first page that needs it) finds the
    article in any page skeleton; what it returns goes through the same
    cleaning and sanitising as any body.  A page it finds nothing in is a
    PageError, as before.
    """
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")  # one-sentence news items are articles too
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    extracted = trafilatura.extract(html, output_format="html", include_tables=True, include_formatting=True,
                                    include_links=True, favor_recall=True, config=config) or ""
    match = _EXTRACTED_BODY.match(extracted)
    body = match.group("body").strip() if match else extracted
    if not has_text(body):
        raise PageError("no known article container, and the generic extractor found no article either")
    metadata = trafilatura.extract_metadata(html)
    title = _TITLE_SUFFIX.sub("", metadata.title or "") if metadata is not None else ""
    return PageFields(template=GENERIC, title=title, time=(metadata.date or "") if metadata else "", body_html=body)
