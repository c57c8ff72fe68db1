"""A page no template knows: the generic main-content extractor (trafilatura)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from finews_crawler.items import GENERIC_TEMPLATE
from finews_crawler.domain.markup import has_text, squash
from finews_crawler.sources.pages.template import TITLE_SUFFIX, PageError, PageFields

GENERIC = GENERIC_TEMPLATE
_EXTRACTED_BODY = re.compile(r"^\s*<html>\s*<body>(?P<body>.*)</body>\s*</html>\s*$", re.S)


def generic_page(html: str, listed_title: str = "", listed_text: str = "", listed_whole: bool = False) -> PageFields:
    """A page no template knows: trafilatura's main content and title, flagged as `generic`.

    trafilatura (imported here, by the first page that needs it) finds the
    article in any page skeleton; what it returns goes through the same
    cleaning and sanitising as any body.  Main content is a guess, so it
    is taken only when the page is the article the feed listed: its whole
    title and the listed title are the same but for a few characters
    (`same_title`).  A maintenance page titled `A股` is not the article
    「A股三大指数集体收涨」, though the one names part of the other.
    Its text is then checked against what the feed said (`listed_text`, the
    summary or digest): a result that shares too little of it, or that is
    mostly links (a sidebar of 「热门文章」), is page chrome, not the article;
    the more precise extraction is tried next, and otherwise a PageError: a
    page stored as chrome has not been saved.  `listed_whole`: the listed
    text is the article's whole text (a 7×24 flash's summary), so of a
    result much longer than it only the blocks that hold it are the article
    (the rest is a sidebar the extractor took along).  Otherwise, or when it
    finds nothing, a PageError.
    """
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")  # one-sentence news items are articles too
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    under_title = block_under_title(html, listed_title, listed_text)
    body, why = "", "the generic extractor found no article either"
    for candidate in _candidates(html, config, under_title):
        try:
            if has_text(candidate) and (why := chrome_reason(candidate, listed_text)) is None:
                body = blocks_holding(candidate, listed_text) if listed_whole else candidate
                break
        except PageError as exc:
            why = str(exc)
        why = why or "the generic extractor found no article either"
    if not body:
        raise PageError(f"no known article container, and {why}")
    metadata = trafilatura.extract_metadata(html)
    title = TITLE_SUFFIX.sub("", metadata.title or "") if metadata is not None else ""
    if listed_title and not same_title(title, listed_title):
        raise PageError(f"no known article container, and the page's title {title[:60]!r} is not the listed "
                        f"title {listed_title[:60]!r}")
    return PageFields(template=GENERIC, title=title, time=(metadata.date or "") if metadata else "", body_html=body)


def _candidates(html: str, config: Any, under_title: tuple[str, str] | None) -> Iterator[str]:
    """The article's body as each reading finds it, best first: trafilatura favouring recall, then precision;
    where the page has a block under the title, a reading that is not that block gives way to the block."""
    import trafilatura

    wanted = _bigrams(under_title[1]) if under_title is not None else set()
    for favour in ({"favor_recall": True}, {"favor_precision": True}):
        extracted = trafilatura.extract(html, output_format="html", include_tables=True, include_formatting=True,
                                        include_links=True, include_comments=False, config=config, **favour) or ""
        match = _EXTRACTED_BODY.match(extracted)
        extracted = match.group("body").strip() if match else extracted
        if under_title is None:
            yield extracted
            continue
        text = _NOT_WORDS.sub("", _text_of(extracted))
        got = _bigrams(text)
        same_length = abs(len(text) - len(under_title[1])) <= min((1 - SAME_BLOCK) * len(under_title[1]), SAME_WITHIN)
        if same_length and _share_of(got, wanted) >= SAME_BLOCK and _share_of(wanted, got) >= SAME_BLOCK:
            yield extracted  # the block under the title, without the page's markup around its text
    if under_title is not None:
        yield under_title[0]


def _text_of(body_html: str) -> str:
    from lxml import html as lxml_html

    return lxml_html.fragment_fromstring(body_html, create_parent="div").text_content() if body_html.strip() else ""


# How much of each other (character pairs, and length) an extraction and the block under the title must share
# to be the same text.
SAME_BLOCK = 0.97
SAME_WITHIN = 30  # characters: a sidebar is more
MAX_CLIMB = 6  # ancestors of the headline looked at for the article's block
_CONTAINERS = ("div", "section", "article", "main", "td")
_BLOCKS = (*_CONTAINERS, "p", "ul", "ol", "table", "blockquote", "pre", "figure", "h2", "h3", "h4", "h5", "h6")
_SKIPPED = ("script", "style", "noscript", "template", "iframe", "form", "button", "textarea", "input", "select")


def _words(element: Any) -> tuple[str, int]:
    """An element's words (its text without spaces and punctuation), and how many of their characters are links'."""
    return (_NOT_WORDS.sub("", element.text_content()),
            sum(len(_NOT_WORDS.sub("", link.text_content())) for link in element.iter("a")))


def _own_text(element: Any) -> str:
    """An element's words when most of them are not links: prose, not navigation."""
    text, linked = _words(element)
    return text if len(text) - linked > len(text) / 2 else ""


def block_under_title(html: str, listed_title: str, listed_text: str) -> tuple[str, str] | None:
    """(inner HTML, text) of the block that follows the article's title in the page, or None.

    A news page puts the body after its headline: from the element that
    is the listed title, up through its ancestors, the block among the
    following siblings that holds the feed's text (or, with none, the first
    block of prose after the headline and its byline) is the article; a
    sidebar, a comment box or related news beside it is not under the title.
    """
    from lxml import html as lxml_html

    if not listed_title:
        return None
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for element in list(root.iter(*_SKIPPED)):
        element.drop_tree()
    node = _headline(root, listed_title)
    wanted = _listed_pairs(listed_text)
    for _ in range(MAX_CLIMB):
        if node is None or node.getparent() is None or node.tag == "body":
            return None
        following = [(sibling, _own_text(sibling)) for sibling in node.itersiblings()
                     if isinstance(sibling.tag, str) and sibling.tag in _BLOCKS]
        following = [(sibling, text) for sibling, text in following if text and not _byline(sibling)]
        if following:
            if len(wanted) >= MIN_PAIRS:
                share, start = max((_share_of(wanted, _bigrams(text)), n) for n, (_, text) in enumerate(following))
                if share >= MIN_LISTED_SHARE:
                    return _block_from(following, start)
            else:  # no text to look for: the first block of prose after the headline and its byline
                return _block_from(following, 0)
        node = node.getparent()
    return None


def _headline(root: Any, listed_title: str) -> Any:
    """The element that is the article's title: a heading, else the first element whose own text is it.

    Only headings' whole text is compared, other elements' own text: linear in the page, however deep.
    """
    for tag in ("h1", "h2", "h3"):
        for element in root.iter(tag):
            if same_title(element.text_content(), listed_title):
                return element
    return next((element for element in root.iter("div", "p", "span", "strong")
                 if element.text and same_title(element.text, listed_title)), None)


# A short block with a date and time in it is the byline under a headline (time, media), not the article.
_DATE_TIME = re.compile(r"\d{4}(?:[-/.年])\d{1,2}(?:[-/.月])\d{1,2}日?\d{1,2}[:：]\d{2}")
BYLINE_LENGTH = 80
_SPACE = re.compile(r"\s+")


def _byline(element: Any) -> bool:
    text = _SPACE.sub("", element.text_content())
    return len(text) < BYLINE_LENGTH and _DATE_TIME.search(text) is not None


def _block_from(following: list[tuple[Any, str]], start: int) -> tuple[str, str]:
    """(inner HTML, text) of the article that starts at `following[start]`: that container alone, or, where the
    headline's siblings are the paragraphs themselves, every block of prose from there on."""
    from lxml import html as lxml_html

    first = following[start][0]
    if first.tag in _CONTAINERS:
        parts = [(first.text or ""), *(lxml_html.tostring(child, encoding="unicode") for child in first)]
        return "".join(parts), following[start][1]
    run = following[start:]
    return ("".join(lxml_html.tostring(element, encoding="unicode", with_tail=False) for element, _ in run),
            "".join(text for _, text in run))


# A block whose visible text is mostly link text is a list of links (a sidebar, a related-news box), not prose.
MAX_LINK_SHARE = 0.5
# The share of the feed's text (its character pairs) an article read off an unknown page must contain.
MIN_LISTED_SHARE = 0.5
LISTED_PREFIX = 120  # characters of the feed's text compared
MIN_PAIRS = 8  # character pairs of the feed's text below which it says too little to compare


def _listed_pairs(listed_text: str) -> set[str]:
    """The character pairs of the start of what the feed said, words only."""
    return _bigrams(_NOT_WORDS.sub("", squash(listed_text))[:LISTED_PREFIX])


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _share_of(part: set[str], whole: set[str]) -> float:
    """How much of `part` (character pairs) lies in `whole`: 1.0 for a block that is the listed text's own."""
    return len(part & whole) / len(part) if part else 0.0


def chrome_reason(body_html: str, listed_text: str) -> str | None:
    """Why an extracted body is page chrome rather than the listed article, or None."""
    from lxml import html as lxml_html

    text, linked = _words(lxml_html.fragment_fromstring(body_html, create_parent="div"))
    if text and linked / len(text) > MAX_LINK_SHARE:
        return "the generic extractor's result is mostly links (page chrome, not an article)"
    wanted = _listed_pairs(listed_text)
    if len(wanted) >= MIN_PAIRS and _share_of(wanted, _bigrams(text)) < MIN_LISTED_SHARE:
        return "the generic extractor's result does not hold the listed text (page chrome, not the article)"
    return None


def blocks_holding(body_html: str, whole_text: str) -> str:
    """The blocks of an extracted body that hold the article's whole text (a flash), when the body is much more."""
    from lxml import html as lxml_html

    whole = _NOT_WORDS.sub("", whole_text)
    wanted = _bigrams(whole)
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    if len(_NOT_WORDS.sub("", root.text_content())) <= 2 * len(whole) or len(wanted) < MIN_PAIRS:
        return body_html
    blocks = [block for block in root if isinstance(block.tag, str)]
    words = [_NOT_WORDS.sub("", block.text_content()) for block in blocks]
    holds = [len(text) > 1 and _share_of(_bigrams(text), wanted) >= 0.5 for text in words]
    if any(holds):  # a block without words (an image, a chart) between two that hold the text is the article's
        first, last = holds.index(True), len(holds) - 1 - holds[::-1].index(True)
        holds = [holds[i] or (first < i < last and len(words[i]) <= 1) for i in range(len(blocks))]
    kept = [block for block, held in zip(blocks, holds) if held]
    if not kept:
        raise PageError("the generic extractor's result does not hold the listed flash (page chrome)")
    return "\n".join(lxml_html.tostring(block, encoding="unicode") for block in kept)


# How alike two whole titles must be (difflib's ratio) to name one article: a changed punctuation mark or two.
TITLE_LIKENESS = 0.9
_NOT_WORDS = re.compile(r"[\s\W_]+")


def same_title(page_title: str, listed_title: str) -> bool:
    """Whether a page's title is the listed title, compared whole (site suffix, spaces and punctuation aside)."""
    page, listed = (_NOT_WORDS.sub("", TITLE_SUFFIX.sub("", squash(t))) for t in (page_title, listed_title))
    return bool(page) and bool(listed) and difflib.SequenceMatcher(None, page, listed).ratio() >= TITLE_LIKENESS
