import pytest

from finews_crawler.domain.attribution import render_attribution, split_attribution
from finews_crawler.domain.cleaning import clean_body
from finews_crawler.items import Article
from finews_crawler.pipelines.attribute import AttributionPipeline
from finews_crawler.runtime.stats import CountingStats


def test_media_is_the_whole_line_text_even_when_keyword_markup_splits_it():
    body = ('<p>正文</p><p class="em_media">（文章来源：上海<span id="bk_90.BK0473"><a class="keytip" '
            'href="x">证券</a></span><span id="bkquote_90.BK0473"></span>报）</p>')
    assert split_attribution(body) == ("<p>正文</p>", "上海证券报")
    assert split_attribution(clean_body(body)) == ("<p>正文</p>", "上海证券报")


def test_a_line_without_the_class_counts_and_every_copy_is_removed():
    body = '<p class="em_media">（文章来源：财联社）</p>\n<p>正文</p>\n<p>(文章来源: 证券时报 )</p>'
    assert split_attribution(body) == ("<p>正文</p>", "证券时报")


def test_a_body_without_attribution_is_returned_unchanged():
    assert split_attribution("<p>正文提到文章来源很重要</p>") == ("<p>正文提到文章来源很重要</p>", None)


def test_every_corpus_attribution_line_names_the_posts_media(corpus_posts):
    checked = 0
    for post in corpus_posts:
        if "em_media" not in post.body_html:
            continue
        body, media = split_attribution(clean_body(post.body_html))
        assert "文章来源" not in body
        if not post.is_roll:
            assert media == post.media, post.path.name
            checked += 1
    assert checked >= 30


def test_rendered_line_is_normalised_and_escaped():
    assert render_attribution("财联社") == '<p class="em_media">（文章来源：财联社）</p>'
    assert render_attribution("A<b>&") == '<p class="em_media">（文章来源：A&lt;b&gt;&amp;）</p>'


@pytest.mark.parametrize("media, line_media, page_media, source", [
    ("财联社", "证券时报", "上海证券报", "财联社"),
    ("", "证券时报", "上海证券报", "证券时报"),
    ("", "", "上海证券报", "上海证券报"),
    ("", "", "", "东方财富网"),
])
def test_the_feed_names_the_media_before_the_line_and_the_page_and_one_line_ends_the_body(
        media, line_media, page_media, source):
    stats = CountingStats()
    item = AttributionPipeline(stats).process_item(Article("NW202204282363799455", "u", "s", body="<p>正文</p>",
                                                           media=media, line_media=line_media, page_media=page_media))
    assert item.source == source
    assert item.body == f'<p>正文</p>\n<p class="em_media">（文章来源：{source}）</p>'
    assert stats.values == ({"finews/media/fallback": 1} if source == "东方财富网" else {})
