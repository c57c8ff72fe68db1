"""Page objects: what an article page says, field by field, read by a template's CSS selectors.

Extraction is kept apart from crawling (in the spirit of web-poet page
objects and fundus's per-publisher layouts): a template is a few
selectors in its own module (`desktop`, `mobile`), and `read_template`
reads any of them into `PageFields`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.domain.markup import has_text, inner_html, select, squash, text_of

WITHDRAWN_MARKERS = ("该文章已被删除", "文章不存在")
_MEDIA_PREFIX = re.compile(r"^\s*(?:来源|来自|文章来源)\s*[:：]\s*")
_MEDIA_TAIL = re.compile(r"\s*(?:郑重声明|免责声明|责任编辑)\s*[:：].*$", re.S)  # what follows the name in a sourcebox
_DIGEST_PREFIX = re.compile(r"^\s*摘要\s*[:：]?\s*")
_ORIGINAL_TITLE = re.compile(r"^\s*原标题\s*[:：]\s*(.+?)\s*$", re.S)
TITLE_SUFFIX = re.compile(r"\s*_\s*东方财富网\s*$")


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
    original_title: str = ""  # the node holding `原标题：…`, where the layout has one
    # The articles this layout was the source's for (by publication date; None: open), as fundus versions its
    # parsers: an article is read first by the layouts of its time, then by the others (old articles are
    # served in today's layout too).
    valid_from: date | None = None
    valid_until: date | None = None
    compiled: dict[str, etree.XPath] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = {name: select(getattr(self, name)) for name in ("title", "infos", "digest", "body", "original_title")
                    if getattr(self, name)}
        object.__setattr__(self, "compiled", compiled)

    def valid_at(self, published: datetime) -> bool:
        """Whether this layout was the source's when an article published then was written."""
        day = published.date()
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_until is None or day < self.valid_until)

    def nodes(self, root: etree._Element, name: str) -> list[etree._Element]:
        """The nodes field `name` selects in a page."""
        return self.compiled[name](root) if name in self.compiled else []


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
    original_title: str = ""  # the title the article first ran under (`原标题：…`), when the page gives one

    def under(self, shell: PageFields | None) -> PageFields:
        """This page's body, its other fields filled from an earlier page of the article that had no body."""
        if shell is None:
            return self
        return PageFields(template=f"{shell.template}+{self.template}", title=shell.title or self.title,
                          time=shell.time or self.time, media=shell.media or self.media,
                          digest=shell.digest or self.digest, body_html=self.body_html,
                          original_title=shell.original_title or self.original_title)


_BODY_TEXT = etree.XPath("//body//text()", smart_strings=False)
_PAGE_TITLE = etree.XPath("//title/text()", smart_strings=False)


def is_withdrawn_notice(root: etree._Element) -> bool:
    """Whether the page says the article was deleted (the source's own words)."""
    body_text = " ".join(_BODY_TEXT(root))
    return any(marker in body_text for marker in WITHDRAWN_MARKERS)


def _first_time(nodes: list[str]) -> str:
    return next((text for text in nodes if parse_beijing_time(text)), "")


def _first_media(nodes: list[str]) -> str:
    return next((_MEDIA_TAIL.sub("", _MEDIA_PREFIX.sub("", text)) for text in nodes if _MEDIA_PREFIX.match(text)), "")


def read_template(root: etree._Element, template: Template, body: etree._Element) -> PageFields:
    """Read every field of a share page laid out as `template`, whose body container `read_page` found."""
    body_html = inner_html(body)
    infos = [text_of(node) for node in template.nodes(root, "infos")]
    title = " ".join(text_of(node) for node in template.nodes(root, "title")[:1])
    if not title:
        title = TITLE_SUFFIX.sub("", squash(next(iter(_PAGE_TITLE(root)), "")))
    withdrawn = not has_text(body_html) and is_withdrawn_notice(root)
    return PageFields(
        template=template.name,
        title=title,
        time=_first_time(infos),
        media=_first_media(infos),
        digest=_DIGEST_PREFIX.sub("", " ".join(text_of(node) for node in template.nodes(root, "digest"))),
        body_html=body_html,
        withdrawn=withdrawn,
        original_title=_original_title(text_of(node) for node in template.nodes(root, "original_title")),
    )


def _original_title(texts: Iterable[str]) -> str:
    """`原标题：…`'s title; a node that does not say 原标题 names none."""
    return next((match[1] for text in texts if (match := _ORIGINAL_TITLE.match(text))), "")
