from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings, strategies as st

from finews_crawler.outputs.hugo import hugo_filename, render_hugo_post
from finews_crawler.outputs.jekyll import escape_template_syntax
from helpers import SamplePost, split_post


def test_front_matter_has_an_iso_date_with_the_beijing_offset_and_lists_for_taxonomies():
    front, _ = split_post(render_hugo_post(SamplePost()))
    assert front["date"] == "2022-04-28T13:52:55+08:00"
    assert front["categories"] == ["zhongguoshichangjianguanxinwenwang"]
    assert front["tags"] == ["zhongguoshichangjianguanxinwenwang"]  # a term is a slug: Hugo makes a path of it
    assert front["tag"] == "中国市场监管新闻网新闻"  # its name, the term page's title
    assert front["slug"] == front["info_code"] == "NW202204282363799455"


def test_a_utc_time_is_written_in_beijing_time_and_named_by_its_beijing_date():
    post = SamplePost(published=datetime.fromisoformat("2022-04-28T16:30:00+00:00"))
    front, _ = split_post(render_hugo_post(post))
    assert front["date"] == "2022-04-29T00:30:00+08:00"
    assert hugo_filename(post) == "2022-04-29-NW202204282363799455.md"


def test_shortcode_lookalikes_in_a_body_become_entities_hugo_does_not_parse():
    post = SamplePost(body="<p>{{< youtube abc >}} 与 {{% notice %}} 和 {{ .Title }}</p>")
    _, rest = split_post(render_hugo_post(post))
    assert "{{" not in rest and "{%" not in rest
    assert "&#123;&#123;< youtube abc >}} 与 &#123;&#123;% notice %}} 和 &#123;&#123; .Title }}" in rest


def test_the_body_is_kept_and_followed_by_the_share_link_and_category_link():
    _, rest = split_post(render_hugo_post(SamplePost()))
    assert rest.startswith('<p>正文</p>\n<p class="em_media">（文章来源：中国市场监管新闻网）</p>\n\n<http://share.example/')
    assert "[返回中国市场监管新闻网新闻](/categories/zhongguoshichangjianguanxinwenwang.html)" in rest


@settings(max_examples=300, deadline=None)
@given(title=st.text(min_size=1), body=st.text())
def test_any_title_round_trips_and_no_body_leaves_a_shortcode_opener(title, body):
    front, rest = split_post(render_hugo_post(replace(SamplePost(), title=title, body=body)))
    assert front["title"] == title
    assert "{{" not in rest and "{%" not in rest


def test_escaping_is_the_identity_on_text_without_double_braces():
    assert escape_template_syntax("a { b } {c} %}") == "a { b } {c} %}"

