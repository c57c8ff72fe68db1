"""Reading markup cheaply: white space, text presence, the inside of a node, undeclared encodings.

Linear in any input: these run on every page, including hostile ones.
"""

from __future__ import annotations

import re
from html import escape, unescape

from lxml import etree
from parsel.csstranslator import css2xpath

_SPACES = re.compile(r"[\s\u3000\xa0]+")

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


def select(css: str) -> etree.XPath:
    """A CSS selector compiled once to XPath: parsel's `.css()` translates and builds an evaluator per call,
    which cost more than the page's parse."""
    return etree.XPath(css2xpath(css), smart_strings=False)


_TEXT = etree.XPath(".//text()", smart_strings=False)


def text_of(node: etree._Element) -> str:
    """The text inside a node, white space squashed."""
    return squash(" ".join(_TEXT(node)))


def inner_html(node: etree._Element) -> str:
    """The markup inside `node`, comments included (they delimit quote charts), text escaped."""
    parts = [escape(node.text, quote=False)] if node.text else []
    parts += [etree.tostring(child, method="html", encoding="unicode", with_tail=True) for child in node]
    return "".join(parts)


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
