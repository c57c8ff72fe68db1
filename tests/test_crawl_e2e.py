"""A real `scrapy crawl finews` over HTTP, checked against the original site's posts."""

from __future__ import annotations

import html

import sqlite3
from collections import defaultdict

import pytest

from finews_crawler.outputs.jekyll import escape_template_syntax
from finews_crawler.domain.pinyin import pinyin_slug
from finews_crawler.replay.corpus import CorpusPost
from helpers import post_body, read_post
from finews_crawler.testing.text import visible_text

pytestmark = pytest.mark.e2e

INVALID = "NW202205262391921712"  # the original's `date:  +0800` post: empty time and title
# Where our slug deliberately differs from the original site's: pypinyin reads 央行 as yanghang.
POLYPHONE_FIXES = {"yangxingwangzhan": "yanghangwangzhan"}
NOISE = ("打开微信", "责任编辑", "<p>广告</p>", "style=", "<script", "<span", "<div", "<center", "EM_StockImg",
         "webquoteklinepic", "keytip", "em_stock_key_common", "display:none", "onerror", "javascript:", "<iframe")


def expected_articles(posts: list[CorpusPost]) -> dict[str, CorpusPost]:
    """One expected post per infoCode.

    The original site wrote a second post when the roll feed also listed an
    article (category emnews).  finews writes one post per article, filed
    under the media that the media/market feed names, so for those five
    articles the media post is the reference and the roll post's digest is
    the excerpt.
    """
    by_code: dict[str, list[CorpusPost]] = defaultdict(list)
    for post in posts:
        by_code[post.info_code].append(post)
    return {code: next((p for p in group if not p.is_roll), group[0])
            for code, group in by_code.items() if code != INVALID}


def roll_digests(posts: list[CorpusPost]) -> dict[str, str]:
    return {p.info_code: p.digest for p in posts if p.is_roll and p.digest}


def test_the_crawl_exits_cleanly_and_reports_one_summary_line(crawl):
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert crawl.log.count("finews: ") == 1
    assert "Traceback" not in crawl.log and "DeprecationWarning" not in crawl.log


def test_every_valid_corpus_article_has_exactly_one_post(crawl, corpus_posts):
    expected = expected_articles(corpus_posts)
    assert set(crawl.posts) == set(expected)
    assert crawl.stats["finews/articles/new"] == len(expected) == crawl.stats["finews/posts/written"]


def test_title_date_category_and_tag_equal_the_original_posts(crawl, corpus_posts):
    for code, original in expected_articles(corpus_posts).items():
        front, _ = read_post(crawl.posts[code])
        assert front["title"] == original.title, code
        assert front["date"] == f"{original.date} +0800", code
        assert front["categories"] == POLYPHONE_FIXES.get(original.category, original.category), code
        assert front["tags"] == [original.tag], code
        assert front["info_code"] == code and front["render_with_liquid"] is False


def test_the_polyphone_slug_differs_from_the_original_on_purpose(crawl):
    front, _ = read_post(crawl.posts["NW202205302396506117"])
    assert front["source"] == "央行网站" and front["categories"] == pinyin_slug("央行网站") == "yanghangwangzhan"


def test_roll_articles_carry_the_digest_as_excerpt(crawl, corpus_posts):
    digests = roll_digests(corpus_posts)
    assert len(digests) > 100
    for code, digest in digests.items():
        if code in crawl.posts:
            assert html.unescape(read_post(crawl.posts[code])[0]["excerpt"]) == digest, code  # HTML: escaped text


def test_body_text_equals_the_originals_without_chrome_or_markup_noise(crawl, corpus_posts):
    for code, original in expected_articles(corpus_posts).items():
        front, rest = read_post(crawl.posts[code])
        body = post_body(rest)
        assert visible_text(body) == visible_text(original.body_html), code
        for needle in NOISE:
            assert needle not in body, (code, needle)
        # Exactly one normalised attribution line, at the end, naming the source.
        assert body.count('class="em_media"') == 1
        assert body.endswith(f'<p class="em_media">（文章来源：{front["source"]}）</p>'), code


def test_post_footer_links_the_public_article_page_and_the_category(crawl):
    front, rest = read_post(crawl.posts["NW202204282363799455"])
    # The replay site on loopback stands in for the source: posts link to the source's public page.
    assert rest.endswith("\n\n<https://finance.eastmoney.com/a/202204282363799455.html>\n\n"
                         "[返回中国市场监管新闻网新闻](/category/zhongguoshichangjianguanxinwenwang.html)｜[返回首页](/)\n")


def test_invalid_unknown_and_withdrawn_items_are_dropped_and_counted(crawl):
    assert INVALID not in crawl.posts
    assert crawl.stats["finews/dropped/no_time"] == 1
    assert crawl.stats["finews/dropped/invalid_info_code"] == 2
    assert crawl.stats["finews/dropped/withdrawn"] == 1
    assert crawl.stats["finews/dropped/not_found"] == 1
    assert "NW2022../../etc/passwd" not in crawl.server_stats["share_pages"]
    assert not any(key.startswith("finews/errors/") for key in crawl.stats)


def test_every_share_page_is_requested_exactly_once(crawl):
    counts = crawl.server_stats["share_pages"]
    assert len(counts) == len(crawl.posts) + 2  # + the withdrawn and the missing one
    assert INVALID not in counts  # an item with no time is invalid at the feed: never requested
    assert set(counts.values()) == {1}


def test_every_template_and_the_text_api_fallback_were_exercised(crawl):
    assert crawl.stats["finews/pages/desktop"] > 50 and crawl.stats["finews/pages/mobile"] > 10
    assert crawl.stats["finews/pages/text_api"] == crawl.server_stats["kinds"]["text_api"] > 5


def test_the_database_holds_every_article_with_aware_times(crawl):
    with sqlite3.connect(crawl.database) as connection:
        rows = connection.execute("select info_code, published_at, body, post, source from articles").fetchall()
    assert {row[0] for row in rows} == set(crawl.posts)
    for code, _published, body, post, source in rows:
        assert post == crawl.posts[code].read_text(encoding="utf-8")
        assert escape_template_syntax(body) in post and source


def test_hard_cases_come_out_clean(crawl):
    _, rest = read_post(crawl.posts["NW202206010000000001"])
    body = post_body(rest)
    assert "<table><tbody><tr><td><strong>指标</strong></td>" in body
    assert "&#123;&#123; site.title }} 与 &#123;% include x.html %}" in body  # shown as typed, no template tag
    assert body.endswith('<p class="em_media">（文章来源：上海证券报）</p>')
    _, rest = read_post(crawl.posts["NW202206010000000004"])
    for needle in ("alert", "<script", "onerror", "javascript:", "data:", "<iframe", "<svg", "<math"):
        assert needle not in post_body(rest)
