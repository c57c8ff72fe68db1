"""Page objects: what an article page says, field by field, read by a template's CSS selectors.

Extraction is kept apart from crawling (in the spirit of web-poet page
objects and fundus's per-publisher layouts): a template is a few
selectors in its own module (`desktop`, `mobile`), and `read_template`
reads any of them into `PageFields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from ...dates import parse_beijing_time
from .markup import text_of, has_text, inner_html, squash

WITHDRAWN_MARKERS = ("该文章已被删除", "文章不存在")
_MEDIA_PREFIX = re.compile(r"^\s*(?:来源|来自|文章来源)\s*[:：]\s*")
_DIGEST_PREFIX = re.compile(r"^\s*摘要\s*[:：]?\s*")
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

    def under(self, shell: PageFields | None) -> PageFields:
        """This page's body, its other fields filled from an earlier page of the article that had no body."""
        if shell is None:
            return self
        return PageFields(template=f"{shell.template}+{self.template}", title=shell.title or self.title,
                          time=shell.time or self.time, media=shell.media or self.media,
                          digest=shell.digest or self.digest, body_html=self.body_html)


def is_withdrawn_notice(selector: Selector) -> bool:
    """Whether the page says the article was deleted (the source's own words)."""
    body_text = " ".join(selector.xpath("//body//text()").getall())
    return any(marker in body_text for marker in WITHDRAWN_MARKERS)


def _first_time(nodes: list[str]) -> str:
    return next((text for text in nodes if parse_beijing_time(text)), "")


def _first_media(nodes: list[str]) -> str:
    return next((_MEDIA_PREFIX.sub("", text) for text in nodes if _MEDIA_PREFIX.match(text)), "")


def read_template(selector: Selector, template: Template) -> PageFields:
    """Read every field of a share page laid out as `template`."""
    body_nodes = selector.css(template.body)
    body_html = inner_html(body_nodes[0]) if body_nodes else ""
    infos = [text_of(node) for node in selector.css(template.infos)]
    title = " ".join(text_of(node) for node in selector.css(template.title)[:1])
    if not title:
        title = TITLE_SUFFIX.sub("", squash(selector.css("title::text").get() or ""))
    withdrawn = not has_text(body_html) and is_withdrawn_notice(selector)
    return PageFields(
        template=template.name,
        title=title,
        time=_first_time(infos),
        media=_first_media(infos),
        digest=_DIGEST_PREFIX.sub("", " ".join(text_of(node) for node in selector.css(template.digest))),
        body_html=body_html,
        withdrawn=withdrawn,
    )
