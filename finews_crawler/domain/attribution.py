"""The attribution line `<p class="em_media">（文章来源：X）</p>`.

X is read from the line's whole text, not its first text node: keyword
markup can split it (`（文章来源：上海<span>…证券…</span>报）` is 上海证券报).
The line is taken out of the body and rendered once, normalised, at the end.
"""

from __future__ import annotations

import html
import re

from lxml import etree, html as lxml_html

ATTRIBUTION = re.compile(r"^[（(]\s*文章来源\s*[:：]\s*(?P<media>.+?)\s*[)）]$", re.S)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def _line_media(element: etree._Element) -> str | None:
    text = _SPACES.sub(" ", "".join(element.itertext())).strip()
    match = ATTRIBUTION.match(text)
    return match.group("media") if match else None


def split_attribution(body: str) -> tuple[str, str | None]:
    """Remove every attribution line from a body; return it and the last line's media.

    A line counts when it has class `em_media` or when its whole text is
    `（文章来源：…）`; an `em_media` paragraph that says something else is kept.
    """
    if "文章来源" not in body:
        return body, None
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    media = None
    for paragraph in list(root.iter("p")):
        found = _line_media(paragraph)
        if found is not None:
            media = found
            paragraph.drop_tree()
    blocks = [etree.tostring(child, encoding="unicode", method="html", with_tail=False) for child in root]
    return "\n".join(block.strip() for block in blocks if block.strip()), media


def render_attribution(media: str) -> str:
    """The one normalised attribution line that ends a post body."""
    return f'<p class="em_media">（文章来源：{html.escape(media, quote=False)}）</p>'
