import re

import pytest
from hypothesis import given, settings, strategies as st

from finews_crawler.domain.cleaning import clean_body, clean_text
from finews_crawler.testing.text import visible_text

BASE = "http://127.0.0.1:8000/html_News/NewsShare.html?infoCode=NW202206010000000001"
FORBIDDEN = ("<script", "<style", "<iframe", "<span", "<div", "<center", "style=", "onerror", "onclick",
             "javascript:", "data:", "EM_StockImg", "webquoteklinepic", "keytip", "<!--")


def _lines(html):
    return html.split("\n")


def test_every_corpus_body_keeps_its_visible_text_and_loses_all_markup_noise(corpus_posts):
    for post in corpus_posts:
        cleaned = clean_body(post.body_html, BASE)
        assert visible_text(cleaned) == visible_text(post.body_html), post.path.name
        for needle in FORBIDDEN:
            assert needle not in cleaned, (post.path.name, needle)
        assert re.sub(r' class="em_media"', "", cleaned).count("class=") == 0


def test_every_corpus_body_is_one_unindented_block_per_line(corpus_posts):
    for post in corpus_posts:
        for line in _lines(clean_body(post.body_html, BASE)):
            assert re.match(r"^<(p|h[2-6]|table|ul|ol|blockquote|figure|hr)[ >]", line), (post.path.name, line)


def test_cleaning_a_cleaned_corpus_body_changes_nothing(corpus_posts):
    for post in corpus_posts:
        once = clean_body(post.body_html, BASE)
        assert clean_body(once, BASE) == once, post.path.name


def test_full_width_indentation_nbsp_and_empty_or_hidden_paragraphs_go():
    html = ('<p>　　第一段&nbsp;文字。</p>\n <p></p><p><br /></p><p>&nbsp;</p>'
            '<p style="display:none;height:1px;overflow:hidden;"><br /></p><p>　　第二段<br />　　续</p>')
    assert clean_body(html) == "<p>第一段 文字。</p>\n<p>第二段<br>续</p>"


def test_stock_keyword_markup_is_unwrapped_to_its_text():
    html = ('<p>包括<span id="stock_0.000776"><a href="http://quote.eastmoney.com/unify/r/0.000776" class="keytip" '
            'data-code="0,000776">广发证券</a></span><span id="quote_0.000776"></span>、<span web="1" '
            'href="http://quote.eastmoney.com/unify/r/90.BK0473" class="em_stock_key_common">证券</span>与'
            '<span id="Info.3304"><a href="http://data.eastmoney.com/wtlc/" class="infokey">理财</a></span>'
            '<span id="bk_90.BK0473"><a class="keytip" href="x">板块</a></span><span id="bkquote_90.BK0473"></span></p>')
    assert clean_body(html) == "<p>包括广发证券、证券与理财板块</p>"


def test_quote_chart_blocks_are_removed_whole():
    html = ('<p>前</p><!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/x" '
            'class="EmImageRemark"><img src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?token=t" /></a></p>'
            '<!-- EM_StockImg_End --><p>后</p>')
    assert clean_body(html) == "<p>前</p>\n<p>后</p>"


def test_center_becomes_a_paragraph_and_relative_urls_become_absolute():
    html = ('<center><img src="/img/a.png" style="border:1px" width="552" alt="图" /></center>'
            '<p style="text-align:center;">图片来源：<a href="../x.html" target="_blank">来源</a></p>')
    assert clean_body(html, "http://h.example/news/a/b.html") == (
        '<p><img src="http://h.example/img/a.png" alt="图"></p>\n'
        '<p>图片来源：<a href="http://h.example/news/x.html">来源</a></p>')


def test_ads_editor_line_and_wechat_prompt_inside_the_body_are_removed():
    html = ('<p>正文</p><div class="ad_context3"><script>ad()</script><p>广告</p></div>'
            '<p>（责任编辑：DF532）</p><p>打开微信，</p><p>点击底部的“发现”，</p><p>使用“扫一扫”</p>'
            '<p>即可将网页分享至朋友圈。</p>')
    assert clean_body(html) == "<p>正文</p>"


def test_tables_and_nested_containers_survive_without_presentation():
    html = ('<div><div><p>　　<strong>一、标题</strong></p></div></div><table border="1" style="width:100%">'
            '<tr><td style="x"><div>a</div></td><td colspan="2" class="c">b</td></tr></table>')
    assert clean_body(html) == ('<p><strong>一、标题</strong></p>\n'
                                '<table><tbody><tr><td>a</td><td colspan="2">b</td></tr></tbody></table>')


def test_text_outside_any_paragraph_is_wrapped_in_one():
    assert clean_body("裸文本<strong>加粗</strong><div>块</div>尾") == "<p>裸文本<strong>加粗</strong></p>\n<p>块</p>\n<p>尾</p>"


@pytest.mark.parametrize("html", [
    '<p>a<script>alert(1)</script></p>',
    '<p><img src="x" onerror="alert(1)">a</p>',
    '<p><a href="javascript:alert(1)">a</a></p>',
    '<p><a href="JaVaScRiPt:alert(1)">a</a></p>',
    '<p><a href=" javascript:alert(1)">a</a></p>',
    '<p><a href="data:text/html;base64,PHNjcmlwdD4=">a</a></p>',
    '<p><img src="data:image/svg+xml;base64,PHN2Zz4=">a</p>',
    '<iframe src="http://evil.example/"></iframe><p>a</p>',
    '<svg><script>alert(1)</script></svg><p>a</p>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math><p>a</p>',
    '<p style="background:url(javascript:alert(1));width:expression(alert(1))">a</p>',
    '<object data="x.swf"></object><embed src="x.swf"><p>a</p>',
    '<form action="http://evil.example"><input name="x"></form><p>a</p>',
    '<p>a<noscript><img src=x onerror=alert(1)></noscript></p>',
    '<p><a href="http://ok.example/" onmouseover="alert(1)">a</a></p>',
])
def test_no_script_handler_dangerous_url_or_frame_survives(html):
    cleaned = clean_body(html, "http://h.example/")
    lowered = cleaned.lower()
    for needle in ("<script", "alert", "onerror", "onmouseover", "javascript:", "data:", "<iframe", "<svg",
                   "<math", "expression(", "<object", "<embed", "<form", "<input", "<noscript"):
        assert needle not in lowered, (html, cleaned)
    assert "a" in cleaned


def test_a_body_with_nothing_of_the_article_cleans_to_empty():
    assert clean_body("") == ""
    assert clean_body("<p>&nbsp;</p><p><br/></p><!-- x --><script>x()</script><p>　　</p>") == ""


def test_clean_text_makes_one_line_without_control_characters():
    assert clean_text("　标题\n第二行\x00\t尾 ") == "标题 第二行 尾"
    assert clean_text("a\x85b\u2028c\u2029d\x9f\ufeff") == "a b c d"


_fragments = st.lists(st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<span class='keytip'>", "</span>", "<strong>", "</strong>", "<br>",
    "<center>", "</center>", "<table><tr><td>", "</td></tr></table>", "<a href='javascript:x'>", "<a href='/r'>",
    "</a>", "<img src='/i.png' onerror='x'>", "<script>x</script>", "&nbsp;", "　　", "文字", "text", "{{ x }}",
    "<!-- EM_StockImg_Start -->", "<!-- EM_StockImg_End -->", "<p class='em_media'>（文章来源：上海证券报）</p>",
    "<ul><li>", "</li></ul>", "<h1>", "</h1>", "<iframe src=x>", "</iframe>", "\n", " ",
]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_fragments)
def test_property_cleaning_is_idempotent_and_sanitised(html):
    once = clean_body(html, "http://h.example/a/")
    assert clean_body(once, "http://h.example/a/") == once
    for needle in ("<script", "javascript:", "onerror", "<iframe", "<span", "<div", "<center"):
        assert needle not in once
    for line in once.split("\n") if once else []:
        assert line.startswith("<") and not line.startswith("    ")


def test_hidden_elements_go_whether_hidden_by_style_or_by_attribute():
    body = ('<p hidden>属性隐藏</p><p style="display: none">样式隐藏</p><div style="visibility:hidden"><p>也隐藏</p></div>'
            '<p>公开</p>')
    assert clean_body(body, "http://h/") == "<p>公开</p>"


def test_the_final_allowlist_pass_runs_on_every_body(monkeypatch):
    """Defence in depth: the rules already keep to the allowlist, so only a spy shows the last pass runs."""
    import finews_crawler.domain.cleaning as cleaning

    seen = []
    real = cleaning.sanitise
    monkeypatch.setattr(cleaning, "sanitise", lambda markup: seen.append(markup) or real(markup))
    assert clean_body("<p>正文</p>", "http://h/") == "<p>正文</p>" and seen


def test_the_allowlist_alone_keeps_only_allowed_tags_attributes_and_schemes():
    from finews_crawler.domain.cleaning import sanitise

    dirty = ('<div class="x"><p id="a" style="c" onclick="d">t<b>b</b></p><a href="javascript:e" target="_blank">l</a>'
             '<img src="data:x" onerror="f"><p class="em_media">m</p><td colspan="2" width="3">c</td><script>g</script></div>')
    assert sanitise(dirty) == '<p>tb</p><a>l</a><img><p class="em_media">m</p>c'
