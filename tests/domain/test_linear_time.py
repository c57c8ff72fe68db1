"""Linear time on any content: adversarial input near the size limits costs about what a normal page does.

Each case is timed beside normal input of the same size, in the same run,
and bounded as a ratio (the best of three runs each), so the bound holds on
any machine.  Before the fix the JSONP case took 46 s for 4 KB (cubic), the
`<a` case 1.3 s for 16 KB, and nh3 92 s for 200,000 nested elements.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest

from finews_crawler.domain.cleaning import clean_body, strip_stock_images, unsafe_to_clean
from finews_crawler.sources.feeds import decode_payload
from finews_crawler.sources.pages import has_text

SIZE = 1_000_000  # characters: a large page, a tenth of DOWNLOAD_MAXSIZE
RATIO = 10


def _best(function: Callable[[str], object], text: str) -> float:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        try:
            function(text)
        except ValueError:
            pass
        timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.fixture(scope="module")
def normal_body(corpus_posts) -> str:
    rich = max((post.body_html for post in corpus_posts), key=len)
    return (rich * (SIZE // len(rich) + 1))[:SIZE]


@pytest.fixture(scope="module")
def normal_markup(normal_body) -> str:
    """The normal body's markup without its text: as many tags as a real page can have, every one scanned."""
    tags = re.sub(r">[^<]+<", "><", normal_body)
    return (tags * (SIZE // len(tags) + 1))[:SIZE]


@pytest.fixture(scope="module")
def normal_feed(corpus_posts) -> str:
    items = [{"infoCode": f"NW2022{n:014d}", "title": post.title, "showtime": "2022-04-28 13:52:55",
              "digest": post.body_html[:300]} for n, post in enumerate(corpus_posts * 40)]
    text = "var ajaxResult=" + json.dumps({"rc": 1, "records": items}, ensure_ascii=False) + ";"
    return text[:SIZE] if len(text) > SIZE else text


ADVERSARIAL_FEEDS = {
    "JSONP head then a megabyte of spaces": "cb(" + " " * SIZE + "x",
    "var head then spaces and no end": "var a=" + " " * SIZE,
    "JSONP callbacks nested": "cb(" * (SIZE // 3),
}
ADVERSARIAL_BODIES = {
    "<a repeated": "<a" * (SIZE // 2),
    "unterminated quoted attributes": "<a x='" * (SIZE // 6),
    "unterminated comment": "<p>x</p><!--" + "-" * SIZE,
    "start markers without an end": "<p>x</p>" + "<!-- EM_StockImg_Start -->" * (SIZE // 27),
    "tags and no text": "<br>" * (SIZE // 4),
}


@pytest.mark.parametrize("name", ADVERSARIAL_FEEDS)
def test_feed_decoding_is_linear_on_adversarial_jsonp(name, normal_feed):
    assert _best(decode_payload, ADVERSARIAL_FEEDS[name]) <= RATIO * _best(decode_payload, normal_feed) + 0.01


@pytest.mark.parametrize("name", ADVERSARIAL_BODIES)
def test_has_text_stock_image_and_depth_scans_are_linear(name, normal_markup):
    for scan in (has_text, strip_stock_images, unsafe_to_clean):
        assert _best(scan, ADVERSARIAL_BODIES[name]) <= RATIO * _best(scan, normal_markup) + 0.01, scan.__name__


@pytest.mark.parametrize("name", ADVERSARIAL_BODIES)
def test_cleaning_an_adversarial_body_costs_about_a_normal_one(name, normal_body):
    body = ADVERSARIAL_BODIES[name]
    if unsafe_to_clean(body) is not None:  # refused (and counted) before cleaning: the scan above is its cost
        return
    assert _best(clean_body, body) <= RATIO * _best(clean_body, normal_body)


def test_deep_nesting_is_refused_in_linear_time_before_the_quadratic_parser_sees_it(normal_markup):
    deep = "<div>" * (SIZE // 5) + "x"
    assert unsafe_to_clean(deep) == f"elements nested {SIZE // 5} deep (at most 256)"
    assert _best(unsafe_to_clean, deep) <= RATIO * _best(unsafe_to_clean, normal_markup) + 0.01
    assert unsafe_to_clean("<div>" * 200 + "x" + "</div>" * 200) is None
    assert unsafe_to_clean("<p>" * 5000 + "x") is None  # paragraphs close each other: no nesting


def test_a_body_over_the_size_bound_is_refused():
    assert "characters of body markup" in unsafe_to_clean("<p>" + "x" * (3 * 1024 * 1024) + "</p>")
