"""What a reader sees of an HTML fragment: the text tests and benchmarks compare bodies by."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from finews_crawler.domain.body_rules import HIDDEN_STYLE
from finews_crawler.domain.cleaning import strip_stock_images

INVISIBLE = ("script", "style", "svg", "math", "iframe", "noscript", "template", "object")
_ALL_SPACE = re.compile(r"[\s\u3000\xa0]+")


def visible_text(markup: str, *, without_attribution: bool = True) -> str:
    """What a reader sees of an HTML fragment, with all white space removed."""
    markup = strip_stock_images(markup)
    if not markup.strip():
        return ""
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            continue
        hidden = HIDDEN_STYLE.search(element.get("style", ""))
        attribution = without_attribution and "em_media" in element.get("class", "")
        if element.tag in INVISIBLE or hidden or attribution:
            element.drop_tree()
    return _ALL_SPACE.sub("", root.text_content())
