import json

import pytest
from hypothesis import given, settings, strategies as st
from parsel import Selector

from finews_crawler.sources.pages import PageError, has_text, read_text_api, read_page, squash


def _page(site, code):
    answer = site.share_page(code)
    return answer.status, answer.body.decode("utf-8")


def _articles(site, template):
    return [a for a in site.articles if a.template == template and a.status == "ok" and a.showtime][:5]


def test_desktop_page_fields_are_read_from_the_east_money_structure(replay_site):
    for article in _articles(replay_site, "desktop"):
        _, html = _page(replay_site, article.info_code)
        page = read_page(html)
        assert page.template == "desktop"
        assert page.title == article.title
        assert page.time == article.page_time  # minutes only: 2022年04月28日 13:52
        assert page.media == article.media
        assert "ad_context3" in page.body_html and has_text(page.body_html)


def test_mobile_page_fields_are_read_from_the_mobile_template(replay_site):
    for article in _articles(replay_site, "mobile"):
        page = read_page(_page(replay_site, article.info_code)[1])
        assert (page.template, page.title, page.time, page.media) == \
            ("mobile", article.title, article.page_time, article.media)
        assert has_text(page.body_html)


def test_script_shell_page_has_fields_but_an_empty_body(replay_site):
    for article in _articles(replay_site, "shell"):
        page = read_page(_page(replay_site, article.info_code)[1])
        assert page.title == article.title and not has_text(page.body_html) and not page.withdrawn


def test_withdrawn_page_is_recognised(replay_site):
    status, html = _page(replay_site, "NW202205312399000001")
    assert status == 200 and read_page(html).withdrawn


def test_a_page_of_no_known_template_is_a_page_error():
    with pytest.raises(PageError, match="no known article container"):
        read_page("<html><body><div class='other'>hello</div></body></html>")


def test_page_title_falls_back_to_the_html_title_without_the_site_suffix():
    html = "<html><head><title>标题_东方财富网</title></head><body><div id='ContentBody'><p>x</p></div></body></html>"
    assert read_page(html).title == "标题"


def test_text_api_reads_text_or_content_and_unknown_ids():
    base = {"rc": 1, "infoCode": "NW1234567", "title": "T", "showtime": "2022-04-28 13:52:55", "medianame": "M"}
    assert read_text_api(json.dumps({**base, "text": "<p>a</p>"})).body_html == "<p>a</p>"
    assert read_text_api(json.dumps({**base, "content": "<p>b</p>"})).body_html == "<p>b</p>"
    assert read_text_api(json.dumps({"rc": 0, "text": ""})).withdrawn
    with pytest.raises(PageError, match="not JSON"):
        read_text_api("<html>")


_soup = st.lists(st.sampled_from([
    "<p>", "</p>", "<div class='a>b'>", "</div>", "<br/>", "<img src='x' alt=\"y\">", "<!-- 注释 -->", "<!--",
    "&nbsp;", "&amp;", "　", "\xa0", " ", "\n", "文字", "x", "<script>s</script>", "<![CDATA[c]]>", "<b>", "</b>",
]), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(_soup)
def test_has_text_agrees_with_a_real_parse(html):
    parsed = Selector(text=f"<div>{html}</div>").xpath("//text()").getall()
    assert has_text(html) == bool(squash(" ".join(parsed)))


def test_text_directly_in_the_body_container_stays_text_when_the_body_is_read():
    page = read_page('<html><body><div id="ContentBody">1 &lt;b&gt; 2<!--EM_StockImg_Start--><p>x &amp; y</p>'
                     ' tail &lt;script&gt; end</div></body></html>')
    assert page.body_html == "1 &lt;b&gt; 2<!--EM_StockImg_Start--><p>x &amp; y</p> tail &lt;script&gt; end"


# A 2021 share page whose sidebar has a `div.title` before the article's h1: today's layout would take it.
SIDEBAR_TITLE_PAGE = ('<html><body><div class="side"><div class="title">热门推荐</div></div><div class="newsContent">'
                      '<h1>保定加强信用监管</h1><div class="infos"><div class="item">2022年04月28日 13:52</div></div>'
                      '<div id="ContentBody"><p>正文。</p></div></div></body></html>')


def test_an_article_is_read_by_the_layout_of_its_time_first():
    from datetime import datetime

    from finews_crawler.domain.dates import BEIJING

    assert read_page(SIDEBAR_TITLE_PAGE, datetime(2022, 4, 28, tzinfo=BEIJING)).title == "保定加强信用监管"
    # Listed today, the same markup is read by today's layout, where div.title is a title.
    assert read_page(SIDEBAR_TITLE_PAGE, datetime(2026, 8, 19, tzinfo=BEIJING)).title == "热门推荐"


def test_a_layout_that_finds_no_title_gives_way_to_one_that_does():
    from datetime import datetime

    from finews_crawler.domain.dates import BEIJING

    todays = ('<html><body><div class="newsContent"><div class="title">沪指收涨</div><div id="ContentBody">'
              '<p>正文。</p></div></div></body></html>')
    assert read_page(todays, datetime(2022, 4, 28, tzinfo=BEIJING)).title == "沪指收涨"  # old date, today's page
