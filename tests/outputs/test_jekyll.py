import html
from dataclasses import replace
from datetime import datetime

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from finews_crawler.domain.dates import BEIJING
from finews_crawler.outputs.jekyll import SiteLinks, escape_markdown, post_filename, render_post
from helpers import SamplePost as Post, post_body, read_post, split_post


def test_post_layout_matches_the_original_site(tmp_path):
    text = render_post(Post(), SiteLinks("finews.example.com"))
    assert text == (
        "---\nlayout: post\ntitle: 保定加强信用监管优化营商环境\ndate: 2022-04-28 13:52:55 +0800\n"
        "categories: zhongguoshichangjianguanxinwenwang\ntags:\n- 中国市场监管新闻网新闻\n"
        "source: 中国市场监管新闻网\ninfo_code: NW202204282363799455\nrender_with_liquid: false\n---\n"
        '<p>正文</p>\n<p class="em_media">（文章来源：中国市场监管新闻网）</p>\n\n'
        "<http://share.example/html_News/NewsShare.html?infoCode=NW202204282363799455>\n\n"
        "[返回中国市场监管新闻网新闻](//finews.example.com/category/zhongguoshichangjianguanxinwenwang.html)"
        "｜[返回首页](//finews.example.com/)\n")


def test_site_links_are_root_relative_by_default_and_keep_an_explicit_scheme():
    assert SiteLinks().category("emnews") == "/category/emnews.html" and SiteLinks().home() == "/"
    assert SiteLinks("https://news.example/").home() == "https://news.example/"


def test_file_name_uses_the_beijing_date_of_the_article():
    late = datetime(2022, 4, 28, 23, 30, tzinfo=BEIJING)
    assert post_filename("NW1234567", late.astimezone(BEIJING)) == "2022-04-28-NW1234567.md"
    assert post_filename("NW1234567", datetime.fromisoformat("2022-04-28T16:30:00+00:00")) == "2022-04-29-NW1234567.md"


@pytest.mark.parametrize("title", ['A "quoted": title', "'single'", "#hash", "--- dashes", "[bracket] start",
                                   "* star", "& amp", "! bang", "key: value", "{{ liquid }}", "{% tag %}",
                                   "yes", "null", "2022-04-28", "0x1F", "  spaced  ", "emoji 😀"])
def test_odd_titles_survive_a_yaml_round_trip(tmp_path, title):
    path = tmp_path / "post.md"
    path.write_text(render_post(Post(title=title), SiteLinks()), encoding="utf-8")
    front, _ = read_post(path)
    assert front["title"] == title


def test_markdown_link_text_is_escaped():
    assert escape_markdown("a]b[c*d_e") == r"a\]b\[c\*d\_e"


def test_a_post_without_a_time_is_refused():
    with pytest.raises(ValueError, match="needs a time"):
        render_post(Post(published=None), SiteLinks())


@settings(max_examples=200, deadline=None)
@given(title=st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
       source=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
       digest=st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_property_front_matter_parses_back_to_the_same_values(title, source, digest):
    post = Post(title=title, source=source, digest=digest, tags=[f"{source}新闻"])
    text = render_post(post, SiteLinks())
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert front["title"] == title and front["source"] == source and front["tags"] == [f"{source}新闻"]
    assert html.unescape(front.get("excerpt", "")) == digest  # the excerpt is HTML: the digest's text, escaped
    assert "<" not in front.get("excerpt", "") and "]]>" not in front.get("excerpt", "")
    assert front["render_with_liquid"] is False
    assert post_body(text.split("---\n", 2)[2]) == post.body


@given(body=st.text(alphabet="{}% ab<>", max_size=40), source=st.text(alphabet="{}%媒体", min_size=1, max_size=10))
def test_property_no_liquid_version_sees_a_tag_below_the_front_matter(body, source):
    """Jekyll 3 (GitHub Pages) ignores render_with_liquid: false, so the content itself must hold no tag opener."""
    post = replace(Post(), body=body, source=source, tags=[f"{source}新闻"])
    _, rest = split_post(render_post(post, SiteLinks()))
    assert "{{" not in rest and "{%" not in rest
