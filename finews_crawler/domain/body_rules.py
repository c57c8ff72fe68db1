"""What cleaning keeps of a body and what it takes out: the rules as data, applied by `domain.cleaning`'s passes.

A new kind of junk on the source's pages is a line here: an element
dropped whole (by tag, class or id), a wrapper unwrapped to its text, a
paragraph of page furniture; the passes never change for it.
"""

from __future__ import annotations

import re

# Live quote charts: everything between these comments goes.
CHART_START = re.compile(r"<!--\s*+EM_StockImg_Start\s*+-->", re.I)
CHART_END = re.compile(r"<!--\s*+EM_StockImg_End\s*+-->", re.I)

# Elements removed with everything inside them (by the HTML5 pre-pass).
DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "form", "input", "button", "select", "textarea", "svg", "math", "link", "meta",
    "base", "audio", "video", "canvas", "head", "title",
})
# Void elements: they have no content, so the pre-pass removes them like any unknown tag.
VOID_TAGS = frozenset({"embed", "input", "link", "meta", "base"})
# Elements removed whole when a class or id matches (ads, quote placeholders, chart links).
# `toplink`: the promotion links today's pages put on top of the body (SOURCE-SITE.md §6).
DROPPED_CLASSES = re.compile(r"^(?:ad_\w*|ad|adv\w*|EmImageRemark|em_share\w*|toplink)$", re.I)
DROPPED_IDS = re.compile(r"^(?:quote_|bkquote_|ad_)", re.I)
# Inline wrappers replaced by their content (stock-keyword spans, fonts).
UNWRAPPED_TAGS = frozenset({"span", "font", "small", "big", "ins", "label", "abbr", "cite", "tt", "nobr"})
# Links that only point at a quote or data page for a keyword: unwrapped to text.
KEYWORD_LINK_CLASSES = frozenset({"keytip", "infokey", "em_stock_key_common"})
# Containers whose content is lifted into the block list.
CONTAINER_TAGS = frozenset({"div", "section", "article", "center", "body", "main", "header", "footer", "aside", "nav"})
# Block elements that survive as one line each.
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "figure", "hr"})
# Blocks that hold only phrasing content: a block inside one is re-parsed by HTML5 rules.
PHRASING_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
# Where a block may legitimately sit; any other parent of a block is an inline wrapper.
BLOCK_PARENTS = CONTAINER_TAGS | BLOCK_TAGS | {"li", "td", "th", "tr", "thead", "tbody", "tfoot", "caption", "figcaption"}
RENAMED_TAGS = {"h1": "h2", "b": "strong", "i": "em", "pre": "p", "dl": "ul", "dt": "li", "dd": "li"}
# Paragraphs inside the body that are page furniture, not article text.
JUNK_PARAGRAPHS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[（(]\s*责任编辑\s*[:：].*[)）]$"),
    re.compile(r"^打开微信[，,]?$"),
    re.compile(r"^点击底部的[“\"]发现[”\"][，,]?$"),
    re.compile(r"^使用[“\"]扫一扫[”\"]$"),
    re.compile(r"^即可将网页分享至朋友圈。?$"),
    # Today's pages (SOURCE-SITE.md §6): the disclaimer tail and a promotion that lost its class.
    re.compile(r"^郑重声明[:：]\s*东方财富发布此内容旨在传播更多信息"),
    re.compile(r"^全新妙想投研助理[，,]\s*立即体验$"),
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Attributes kept by the structural pass (everything else is presentational).
KEPT_ATTRIBUTES = {"a": ("href", "title"), "img": ("src", "alt", "title"), "td": ("colspan", "rowspan"),
                   "th": ("colspan", "rowspan")}
URL_ATTRIBUTES = ("href", "src")
SAFE_SCHEMES = frozenset({"http", "https"})

# The sanitiser's allowlist: the last word on what can appear in a post.
ALLOWED_TAGS = frozenset({
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "em", "u", "sup", "sub", "a", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "li",
    "blockquote", "figure", "figcaption", "hr",
})
ALLOWED_ATTRIBUTES = {tag: set(names) for tag, names in KEPT_ATTRIBUTES.items()}
# What the HTML5 pre-pass lets through for the rules to look at.
PASSED_TAGS = ALLOWED_TAGS | CONTAINER_TAGS | frozenset(RENAMED_TAGS) | {"li", "figcaption"}
PASSED_ATTRIBUTES = frozenset({"class", "id", "style", "hidden", "href", "src", "alt", "title", "colspan", "rowspan"})
# Elements whose text starts and ends a visual box: indentation and trailing breaks go.
TEXT_BOXES = BLOCK_TAGS | {"li", "td", "th", "caption", "figcaption"}
# List items and captions outside their list or figure become paragraphs.
ORPHANS = {"li": ("ul", "ol"), "figcaption": ("figure",)}
ALLOWED_CLASSES = {"p": {"em_media"}}
