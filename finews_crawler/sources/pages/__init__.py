"""Article pages: the templates finews knows (one module each) and the generic extractor for the rest.

A new layout from the source is one more module with its `Template`,
added to `TEMPLATES`.
"""

from __future__ import annotations

from datetime import datetime

from parsel import Selector

from finews_crawler.sources.pages import desktop, mobile
from finews_crawler.sources.pages.generic import GENERIC, generic_page
from finews_crawler.domain.markup import decode_undeclared, has_text, inner_html, squash
from finews_crawler.sources.pages.template import PageError, PageFields, Template, is_withdrawn_notice, read_template
from finews_crawler.sources.pages.text_api import read_text_api

__all__ = ["GENERIC", "TEMPLATES", "PageError", "PageFields", "Template", "decode_undeclared", "generic_page",
           "has_text", "inner_html", "read_page", "read_text_api", "squash"]

TEMPLATES: tuple[Template, ...] = (desktop.TEMPLATE, desktop.LAYOUT_2021, mobile.TEMPLATE)


def read_page(html: str, published: datetime | None = None) -> PageFields:
    """Pick the template an article page uses and read it.

    The layouts of the article's time (`published`: its listed time) are
    tried first, then the others; a layout fits a page where it finds the
    body and the title, else the first that finds the body reads it.  A
    page with none of the known body containers is either a withdrawn
    notice (counted as such) or a layout we do not know (a `PageError`).
    """
    root = Selector(text=html).root  # parsel's parse (recovering, huge-tree safe); read with compiled XPath
    found = [(template, bodies[0]) for template in _in_order(published) if (bodies := template.nodes(root, "body"))]
    if found:
        template, body = next(((t, b) for t, b in found if t.nodes(root, "title")), found[0])
        return read_template(root, template, body)
    if is_withdrawn_notice(root):
        return PageFields(template="withdrawn", withdrawn=True)
    raise PageError("no known article container (#ContentBody, article#zwtext)")


def _in_order(published: datetime | None) -> list[Template]:
    """The templates, those valid when the article was published first (all in their order without a time)."""
    if published is None:
        return list(TEMPLATES)
    return sorted(TEMPLATES, key=lambda template: not template.valid_at(published))
