import dataclasses
from typing import Any

import pytest

from finews_crawler.domain.article import CLEANED_FIELDS, clean_article, cleaned_fields
from finews_crawler.items import Article


def _article(body_raw: str, **fields: Any) -> Article:
    return Article("NW202204282363799455", "u", "http://share.example/a", title=" 标题 ", body_raw=body_raw, **fields)


def test_cleaning_takes_the_attribution_line_out_of_the_body_and_keeps_what_it_named():
    item = _article('<p>正文</p><p class="em_media">（文章来源：<b>上海证券报</b>）</p>')
    assert clean_article(item) is None
    assert (item.body, item.line_media, item.title) == ("<p>正文</p>", "上海证券报", "标题")


def test_a_body_without_an_attribution_line_names_no_media():
    item = _article("<p>正文</p>")
    assert clean_article(item) is None
    assert (item.body, item.line_media) == ("<p>正文</p>", "")


@pytest.mark.parametrize("body_raw, message", [
    ('<p class="em_media">（文章来源：财联社）</p><p><img src="x.png"></p>', "only an attribution line"),
    ("<script>x</script><p> </p>", "nothing of the body is left"),
])
def test_a_body_with_no_text_besides_its_attribution_is_dropped_as_empty(body_raw, message):
    reason, text = clean_article(_article(body_raw))
    assert reason == "empty_body" and message in text


def test_a_worker_sends_back_what_cleaning_wrote_and_not_the_raw_body():
    item = _article('<p>正文<script>x</script></p>', digest="<b>摘要</b>")
    fields, dropped = cleaned_fields(item)
    assert dropped is None and set(fields) == set(CLEANED_FIELDS) and "body_raw" not in fields
    assert (fields["body"], fields["digest"], fields["title"]) == ("<p>正文</p>", "摘要", "标题")


def test_every_field_cleaning_writes_is_one_a_worker_sends_back():
    body = ('<p>　　据<span id="stock_1.600519"><a href="http://quote.eastmoney.com/sh600519.html">贵州茅台</a></span>'
            '公告&nbsp;</p><p class="em_media">（文章来源：证券时报）</p>')
    item = _article(body, digest="<p>摘要</p>", media=" 财联社 ", page_media="<b>证券时报</b>", stock_list=["1.600519"])
    before = dataclasses.asdict(item)
    assert clean_article(item) is None
    written = {name for name, value in dataclasses.asdict(item).items() if value != before[name]}
    assert written and written <= set(CLEANED_FIELDS), written - set(CLEANED_FIELDS)


def test_a_search_answers_snippet_names_the_security_the_body_shows_only_as_a_chart():
    item = Article("NW1", "u", "s", title="白酒板块走强", digest="贵州茅台(600519)午后拉升",
                   body_raw='<p>白酒板块午后走强。</p><a href="http://quote.eastmoney.com/unify/r/1.600519"><img src="k.png"></a>')
    assert clean_article(item) is None
    assert [(s.symbol, s.name) for s in item.securities] == [("600519.SH", "贵州茅台")]


def test_an_original_title_is_cleaned_and_one_that_repeats_the_title_is_none():
    item = _article("<p>正文</p>", original_title=" 旧标题\n ")
    assert clean_article(item) is None and item.original_title == "旧标题"
    repeated = _article("<p>正文</p>", original_title="标题")
    assert clean_article(repeated) is None and repeated.original_title == ""
