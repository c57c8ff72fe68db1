"""Turn a share page's body markup into clean, safe, one-block-per-line HTML.

Every rule is data in `domain.body_rules` (what is dropped whole, what is
unwrapped to its text, which paragraphs are junk, which attributes live);
`clean_body`'s passes apply them with lxml and then runs an allowlist sanitiser
(nh3) so that, whatever a rule misses, no script, event handler,
`javascript:`/`data:` URL or iframe survives.  The output is one block
element per line with no indentation, which Markdown renderers (kramdown,
goldmark) read as raw HTML blocks, never as code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from itertools import accumulate
from urllib.parse import urljoin, urlsplit

import nh3
from lxml import etree, html as lxml_html

from finews_crawler.domain.body_rules import (
    CHART_START, CHART_END, DROPPED_TAGS, VOID_TAGS, DROPPED_CLASSES, DROPPED_IDS,
    UNWRAPPED_TAGS, KEYWORD_LINK_CLASSES, CONTAINER_TAGS, BLOCK_TAGS, PHRASING_BLOCKS, BLOCK_PARENTS,
    RENAMED_TAGS, JUNK_PARAGRAPHS, HIDDEN_STYLE, KEPT_ATTRIBUTES, URL_ATTRIBUTES, SAFE_SCHEMES,
    ALLOWED_TAGS, ALLOWED_ATTRIBUTES, PASSED_TAGS, PASSED_ATTRIBUTES, TEXT_BOXES, ORPHANS,
    ALLOWED_CLASSES,
)


def strip_stock_images(markup: str) -> str:
    """Remove each live quote-chart block, from its start comment to the next end comment.

    Scanned forward once (a lazy `start.*?end` regex rescans the rest of
    the page from every start marker that has no end: quadratic).
    """
    parts, position = [], 0
    while (start := CHART_START.search(markup, position)) is not None:
        end = CHART_END.search(markup, start.end())
        if end is None:
            break
        parts.append(markup[position:start.start()])
        position = end.end()
    parts.append(markup[position:])
    return "".join(parts)

BLANK = " \t\r\n\f\v\xa0\u3000"
_WS = re.compile(r"[ \t\r\n\f\v\xa0\x85\u2028\u2029]+")
_LEADING = re.compile(r"^[\s\u3000\xa0]+")
_TRAILING = re.compile(r"[\s\u3000\xa0]+$")


def sanitise(markup: str) -> str:
    """Allowlist sanitising: only `ALLOWED_TAGS`, their attributes and http(s) URLs remain."""
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


def html5_normalise(markup: str) -> str:
    """Re-parse with an HTML5 parser (html5ever, via nh3), dropping `DROPPED_TAGS` whole.

    Every other known tag and the attributes the rules look at pass through;
    unknown tags (fonts, keyword spans) are unwrapped.  The rules then work
    on the tree every browser and the final sanitiser build, so a body
    cannot be re-shaped by the second parse (libxml2 would nest `<p>` in
    `<embed>`, keep orphan `<td>`s, …).
    """
    return nh3.clean(
        markup,
        tags=set(PASSED_TAGS),
        attributes={"*": set(PASSED_ATTRIBUTES)},
        url_schemes=None,
        link_rel=None,
        strip_comments=True,
        clean_content_tags=set(DROPPED_TAGS - VOID_TAGS),
    )


def _is_dropped(element: etree._Element) -> bool:
    if HIDDEN_STYLE.search(element.get("style", "")) or element.get("hidden") is not None:
        return True
    if DROPPED_IDS.match(element.get("id", "")):
        return True
    return any(DROPPED_CLASSES.match(name) for name in element.get("class", "").split())


def _is_unwrapped(element: etree._Element) -> bool:
    if element.tag in UNWRAPPED_TAGS:
        return True
    return element.tag == "a" and bool(KEYWORD_LINK_CLASSES & set(element.get("class", "").split()))


def _safe_url(value: str, base_url: str) -> str | None:
    absolute = urljoin(base_url, value.strip())
    return absolute if urlsplit(absolute).scheme.lower() in SAFE_SCHEMES else None


def _clean_attributes(element: etree._Element, base_url: str) -> None:
    keep = KEPT_ATTRIBUTES.get(element.tag, ())
    em_media = element.tag == "p" and "em_media" in element.get("class", "").split()
    for name in list(element.attrib):
        if name not in keep:
            del element.attrib[name]
    if em_media:
        element.set("class", "em_media")
    for name in URL_ATTRIBUTES:
        if name in element.attrib:
            url = _safe_url(element.attrib[name], base_url)
            if url is None:
                del element.attrib[name]
            else:
                element.attrib[name] = url


def _apply_element_rules(root: etree._Element, base_url: str) -> None:
    """Drop, unwrap, rename and strip attributes, depth-first over a snapshot."""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if node.getparent() is not None:
            node.drop_tree()
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            continue
        if _is_dropped(element):
            element.drop_tree()
            continue
        if _is_unwrapped(element):
            element.drop_tag()
            continue
        element.tag = RENAMED_TAGS.get(element.tag, element.tag)
        if element.tag in ORPHANS and element.getparent().tag not in ORPHANS[element.tag]:
            element.tag = "p"
        _clean_attributes(element, base_url)
        if element.tag == "a" and "href" not in element.attrib:
            element.drop_tag()
        elif element.tag == "img" and "src" not in element.attrib:
            element.drop_tree()
        elif element.tag in CONTAINER_TAGS and any(
            ancestor.tag in BLOCK_TAGS or ancestor.tag in {"li", "td", "th"} for ancestor in element.iterancestors()
        ):
            element.drop_tag()  # a container inside a block is just a wrapper
    _fix_nesting(root)


def _fix_nesting(root: etree._Element) -> None:
    """Make block nesting what an HTML5 parser keeps, so sanitising cannot re-split it.

    An inline wrapper around a block is unwrapped (`<strong><p>x</p></strong>`
    is `<p>x</p>`); a paragraph-like block or container inside a
    paragraph-like block is merged into it; a table or list inside a
    paragraph splits the paragraph.
    """
    for element in list(root.iter(*(BLOCK_TAGS | CONTAINER_TAGS))):
        parent = element.getparent()
        while parent is not None and parent is not root:
            if parent.tag not in BLOCK_PARENTS:
                grandparent = parent.getparent()
                parent.drop_tag()
                parent = grandparent
            elif parent.tag in PHRASING_BLOCKS:
                if element.tag in PHRASING_BLOCKS or element.tag in CONTAINER_TAGS:
                    element.drop_tag()
                    break
                grandparent = parent.getparent()
                parent.drop_tag()
                parent = grandparent
            else:
                break


def _lift_blocks(container: etree._Element) -> list[etree._Element]:
    """Flatten containers into a list of blocks; stray inline runs become paragraphs."""
    blocks: list[etree._Element] = []
    run: list[etree._Element | str] = []

    def flush() -> None:
        if run:
            paragraph = lxml_html.Element("p")
            for piece in run:
                if isinstance(piece, str):
                    if len(paragraph):
                        paragraph[-1].tail = (paragraph[-1].tail or "") + piece
                    else:
                        paragraph.text = (paragraph.text or "") + piece
                else:
                    paragraph.append(piece)
            blocks.append(paragraph)
            run.clear()

    if container.text:
        run.append(container.text)
    for child in list(container):
        tail, child.tail = child.tail, None
        if child.tag in CONTAINER_TAGS:
            flush()
            blocks.extend(_lift_blocks(child))
        elif child.tag in BLOCK_TAGS:
            flush()
            blocks.append(child)
        elif child.tag == "br" and not run:
            pass  # a break between blocks separates nothing
        else:
            run.append(child)
        if tail:
            run.append(tail)
    flush()
    return blocks


def _text_slots(element: etree._Element) -> Iterable[tuple[etree._Element, str]]:
    """Every (owner, "text"|"tail") slot inside `element`, in document order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


def _normalise_text(block: etree._Element) -> None:
    """Fold white space; strip indentation at the start and after each `<br>`, and trailing space."""
    while len(block) and block[-1].tag == "br" and not (block[-1].tail or "").strip():
        block.remove(block[-1])
    slots = list(_text_slots(block))
    strip_leading = True
    for owner, attr in slots:
        if owner.tag == "br" and attr == "text":
            strip_leading = True
        value = getattr(owner, attr)
        if not value:
            continue
        value = _WS.sub(" ", value)
        if strip_leading:
            value = _LEADING.sub("", value)
            strip_leading = not value
        setattr(owner, attr, value)
    for owner, attr in reversed(slots):
        value = getattr(owner, attr)
        if value:
            value = _TRAILING.sub("", value)
            setattr(owner, attr, value)
            if value:
                break


def _has_content(element: etree._Element) -> bool:
    if element.tag in {"img", "hr"}:
        return True
    if "".join(element.itertext()).strip(BLANK):
        return True
    return element.find(".//img") is not None


def _drop_empty_inline(block: etree._Element) -> None:
    for element in list(block.iterdescendants()):
        if element.tag in {"br", "img", "hr", "td", "th", "tr"} or _has_content(element):
            continue
        if len(element):
            element.drop_tag()
        else:
            element.drop_tree()


def _is_junk(block: etree._Element) -> bool:
    text = "".join(block.itertext()).strip(BLANK)
    return any(rule.match(text) for rule in JUNK_PARAGRAPHS)


def _serialise(block: etree._Element) -> str:
    return etree.tostring(block, encoding="unicode", method="html", with_tail=False).replace("\n", " ")


# Passes allowed to reach a fixed point (a real body needs one, plus the check).
MAX_PASSES = 4


# Bounds on what cleaning takes: HTML5 parsing (html5ever, in nh3) is quadratic in nesting depth,
# and no article nests hundreds of elements deep or needs megabytes of markup.
MAX_DEPTH = 256  # libxml2's own limit
MAX_BODY = 2 * 1024 * 1024  # characters of body markup
_NESTING_TAG = re.compile(r"<(/?)(?:div|span|a|b|i|u|s|em|strong|font|section|article|blockquote|table|tbody|"
                          r"ul|ol|center|sup|sub|small|big|strike|q|cite|code|pre|label|nav|aside|header|footer|"
                          r"main|figure|details|summary|mark|abbr|ins|del)(?=[\s/>])", re.I)


def markup_depth(markup: str) -> int:
    """How deep container elements nest (an upper bound a browser would build), in one linear scan."""
    if markup.count("<") <= MAX_DEPTH:
        return 0
    return max(accumulate(-1 if slash else 1 for slash in _NESTING_TAG.findall(markup)), default=0)


def unsafe_to_clean(markup: str) -> str | None:
    """Why a body is beyond what cleaning takes on (counted as a drop), or None."""
    if len(markup) > MAX_BODY:
        return f"{len(markup):,} characters of body markup (at most {MAX_BODY:,})"
    if (depth := markup_depth(markup)) > MAX_DEPTH:
        return f"elements nested {depth} deep (at most {MAX_DEPTH})"
    return None


def clean_body(markup: str, base_url: str = "") -> str:
    """Clean one article body; returns "" when nothing of the article is left.

    Idempotent: the result is re-cleaned until it no longer changes, because
    libxml2 (the rules' parser) and html5ever (the sanitiser's) can still
    disagree on badly broken markup (nested tables, stray cells).
    """
    cleaned = _clean_once(markup, base_url)
    for _ in range(MAX_PASSES - 1):
        again = _clean_once(cleaned, base_url)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _clean_once(markup: str, base_url: str) -> str:
    markup = strip_stock_images(markup or "")
    if not markup.strip():
        return ""
    root = lxml_html.fragment_fromstring(html5_normalise(markup), create_parent="div")
    _apply_element_rules(root, base_url)
    lines = []
    for block in _lift_blocks(root):
        _drop_empty_inline(block)
        for box in list(block.iter(*TEXT_BOXES)):
            _normalise_text(box)
        if _has_content(block) and not _is_junk(block):
            lines.append(_serialise(block))
    return sanitise("\n".join(lines)).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")


# Longest plain-text fields, in characters: generous for real ones, a bound for hostile ones.
# A name becomes a file name in Hugo (tags/{name}新闻.html): 60 CJK characters stay well under 255 bytes.
TITLE_LIMIT, DIGEST_LIMIT, NAME_LIMIT = 300, 1000, 60


def clean_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """A plain-text field (a title): no control characters, one line, single spaces, at most `limit`.

    One line: a line break would end a Markdown block wherever the text is
    written into one (a post's back link).  `<` stays text: a title about
    `<script>` is about it, and every layout escapes it.
    """
    text = _WS.sub(" ", _CONTROL.sub("", text or "")).strip(" \u3000")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_of_markup(text: str, limit: int) -> str:
    """A field the source fills with markup at times (a digest, a media name): its text only, as `clean_text`.

    The result is plain text: tags dropped and entities read exactly once
    (`&amp;lt;img&amp;gt;` is the text `&lt;img&gt;`, `&lt;img&gt;` the text
    `<img>`), never markup again.  Where it lands escapes it for that place
    (an excerpt as HTML, a Hugo summary as Markdown): no tag of the source
    survives, whatever encoding it came in.
    """
    if "<" in (text or "") or "&" in (text or ""):
        text = html.unescape(nh3.clean(text, tags=set(), strip_comments=True))
    return clean_text(text, limit)


def clean_name(text: str) -> str:
    """A media name as a plain one-line text of at most NAME_LIMIT characters."""
    return text_of_markup(text, NAME_LIMIT)
