"""A page no template knows: the generic main-content extractor (trafilatura)."""

from __future__ import annotations

import difflib
import re

from ...items import GENERIC_TEMPLATE
from .markup import has_text, squash
from .template import TITLE_SUFFIX, PageError, PageFields

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
    body, why = "", "the generic extractor found no article either"
    for favour in ({"favor_recall": True}, {"favor_precision": True}):
        extracted = trafilatura.extract(html, output_format="html", include_tables=True, include_formatting=True,
                                        include_links=True, config=config, **favour) or ""
        match = _EXTRACTED_BODY.match(extracted)
        candidate = match.group("body").strip() if match else extracted
        if has_text(candidate) and (why := chrome_reason(candidate, listed_text)) is None:
            body = blocks_holding(candidate, listed_text) if listed_whole else candidate
            break
        why = why or "the generic extractor found no article either"
    if not body:
        raise PageError(f"no known article container, and {why}")
    metadata = trafilatura.extract_metadata(html)
    title = TITLE_SUFFIX.sub("", metadata.title or "") if metadata is not None else ""
    if listed_title and not same_title(title, listed_title):
        raise PageError(f"no known article container, and the page's title {title[:60]!r} is not the listed "
                        f"title {listed_title[:60]!r}")
    return PageFields(template=GENERIC, title=title, time=(metadata.date or "") if metadata else "", body_html=body)


# A block whose visible text is mostly link text is a list of links (a sidebar, a related-news box), not prose.
MAX_LINK_SHARE = 0.5
# The share of the feed's text (its character pairs) an article read off an unknown page must contain.
MIN_LISTED_SHARE = 0.5
LISTED_PREFIX = 120  # characters of the feed's text compared


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _share_of(part: set[str], whole: set[str]) -> float:
    """How much of `part` (character pairs) lies in `whole`: 1.0 for a block that is the listed text's own."""
    return len(part & whole) / len(part) if part else 0.0


def chrome_reason(body_html: str, listed_text: str) -> str | None:
    """Why an extracted body is page chrome rather than the listed article, or None."""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    text = _NOT_WORDS.sub("", root.text_content())
    linked = _NOT_WORDS.sub("", "".join(link.text_content() for link in root.iter("a")))
    if text and len(linked) / len(text) > MAX_LINK_SHARE:
        return "the generic extractor's result is mostly links (page chrome, not an article)"
    wanted = _bigrams(_NOT_WORDS.sub("", squash(listed_text))[:LISTED_PREFIX])
    if len(wanted) >= 8 and _share_of(wanted, _bigrams(text)) < MIN_LISTED_SHARE:
        return "the generic extractor's result does not hold the listed text (page chrome, not the article)"
    return None


def blocks_holding(body_html: str, whole_text: str) -> str:
    """The blocks of an extracted body that hold the article's whole text (a flash), when the body is much more."""
    from lxml import html as lxml_html

    wanted = _bigrams(_NOT_WORDS.sub("", squash(whole_text)))
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    if len(_NOT_WORDS.sub("", root.text_content())) <= 2 * len(_NOT_WORDS.sub("", whole_text)) or len(wanted) < 8:
        return body_html
    kept = [block for block in root if _share_of(_bigrams(_NOT_WORDS.sub("", block.text_content())), wanted) >= 0.5]
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
