"""The securities an article names (finews_crawler.domain.securities), on real corpus bodies and the §7 forms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

from finews_crawler.domain.cleaning import clean_body
from finews_crawler.domain.securities import Security, security, securities_in, split_by_kind, names_in_text
from finews_crawler.testing.text import visible_text
from helpers import CORPUS

EXPECTED = yaml.safe_load(Path(__file__).with_name("securities.yml").read_text(encoding="utf-8"))  # beside this test


def _body(relative: str) -> str:
    return (CORPUS / relative).read_text(encoding="utf-8").split("---", 2)[2]


def test_the_fixture_covers_every_corpus_article_with_quote_markup():
    marked = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.md")
              if any(form in p.read_text(encoding="utf-8") for form in ("keytip", "em_stock_key_common", 'id="stock_',
                                                                        'id="bk_', 'id="Info.', "quote.eastmoney.com"))}
    assert marked == set(EXPECTED) and len(EXPECTED) == 14


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_corpus_article_names_exactly_its_hand_checked_securities(relative):
    got = [[s.secid, s.symbol, s.kind, s.name] for s in securities_in(_body(relative))]
    assert got == EXPECTED[relative]


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_extracting_securities_leaves_the_visible_text_as_cleaning_makes_it(relative):
    body = _body(relative)
    cleaned = clean_body(body, "https://finance.eastmoney.com/a/1.html")
    securities_in(body)
    assert clean_body(body, "https://finance.eastmoney.com/a/1.html") == cleaned
    for item in securities_in(body):
        if item.name:  # the names stay in the text, unwrapped
            assert item.name in visible_text(cleaned)
    assert "keytip" not in cleaned and "quote.eastmoney.com/unify" not in cleaned


@pytest.mark.parametrize("markup, expected", [
    # Today's forms (§7)
    ('<span id="stock_1.600030"><a href="http://quote.eastmoney.com/unify/r/1.600030" class="keytip" '
     'data-code="1,600030">中信证券</a></span><span id="quote_1.600030"></span>', [("1.600030", "600030.SH", "stock", "中信证券")]),
    ('<span class="em_stock_key_common" href="http://quote.eastmoney.com/unify/r/1.600030" data-code="1,600030">中信证券</span>',
     [("1.600030", "600030.SH", "stock", "中信证券")]),
    ('<span id="bk_90.BK1036"><a class="keytip" data-code="90,BK1036">半导体</a></span><span id="bkquote_90.BK1036"></span>',
     [("90.BK1036", "BK1036", "sector", "半导体")]),
    # Older forms: the market only in the link, a bare Info span
    ('<a href="http://quote.eastmoney.com/r/0.002353" data-code="002353">杰瑞股份</a>', [("0.002353", "002353.SZ", "stock", "杰瑞股份")]),
    ('<span id="Info.116.00700">腾讯控股</span>', [("116.00700", "00700.HK", "stock", "腾讯控股")]),
    ('<a href="http://quote.eastmoney.com/unify/r/0.830799" class="keytip" data-code="0,830799">艾融软件</a>',
     [("0.830799", "830799.BJ", "stock", "艾融软件")]),
    ('<a href="https://quote.eastmoney.com/unify/r/0.920118" data-code="920118|0|2"><img src="x.png"></a>',
     [("0.920118", "920118.BJ", "stock", "")]),
    ('<a href="http://quote.eastmoney.com/sh000001.html" data-code="000001|1|2"></a>上证指数',
     [("1.000001", "000001.SH", "index", "")]),
    ('<a href="http://quote.eastmoney.com/sz000001.html">平安银行</a>', [("0.000001", "000001.SZ", "stock", "平安银行")]),
    ('<a class="keytip" data-code="100,HSI">恒生指数</a>', [("100.HSI", "100.HSI", "index", "恒生指数")]),
    ('<a class="keytip" data-code="107,ABC">X</a><a data-code="105,nvda">英伟达</a>',
     [("107.ABC", "ABC.US", "stock", "X"), ("105.nvda", "NVDA.US", "stock", "英伟达")]),
    # Ids §7 does not list are kept as given, never guessed
    ('<a class="keytip" data-code="113,rb2410">螺纹钢</a><a data-code="150,159915">创业板ETF</a>',
     [("113.rb2410", "113.rb2410", "other", "螺纹钢"), ("150.159915", "150.159915", "other", "创业板ETF")]),
    # Markup as browsers read it: attribute names in any case, values unquoted
    ('<SPAN ID=stock_1.600519><A CLASS=keytip DATA-CODE="1,600519">贵州茅台</A></SPAN>', [("1.600519", "600519.SH", "stock", "贵州茅台")]),
    ('<a HREF="HTTP://QUOTE.EASTMONEY.COM/unify/r/116.00700">腾讯</a>', [("116.00700", "00700.HK", "stock", "腾讯")]),
    # Links that name no security
    ('<span class="em_stock_key_common" href="http://baike.eastmoney.com/item/可转债">可转债</span>', []),
    ('<span id="Info.3304"><a href="http://data.eastmoney.com/wtlc/" class="infokey">理财</a></span>', []),
    ('<a href="http://quote.eastmoney.com/center/gridlist.html">行情中心</a><span id="quote_1.600519"></span>', []),
    ('<a href="http://evil.example/quote.eastmoney.com/unify/r/1.600519">x</a><a data-code="1,60 0519">y</a>', []),
])
def test_every_form_of_the_markup_names_its_security(markup, expected):
    assert [(s.secid, s.symbol, s.kind, s.name) for s in securities_in(f"<p>{markup}</p>")] == expected


def test_the_feeds_stock_list_adds_securities_the_body_does_not_name():
    found = securities_in('<p><a class="keytip" data-code="1,600519">贵州茅台</a></p>', ["1.600519", "116.00700", "90.BK0437"])
    assert [(s.symbol, s.name) for s in found] == [("600519.SH", "贵州茅台"), ("00700.HK", ""), ("BK0437", "")]
    assert split_by_kind(found) == (["600519.SH", "00700.HK"], ["BK0437"])


def test_a_security_is_named_once_with_the_first_name_the_text_gives():
    markup = ('<a href="http://quote.eastmoney.com/unify/r/1.600519" class="EmImageRemark"><img src="k.png"></a>'
              '<span id="stock_1.600519"><a class="keytip" data-code="1,600519">贵州茅台</a></span>'
              '<a class="keytip" data-code="1,600519">茅台</a>')
    assert securities_in(markup) == [Security("1.600519", "600519.SH", "stock", "贵州茅台")]


def test_names_are_plain_one_line_text_of_bounded_length():
    [item] = securities_in('<a class="keytip" data-code="1,600519">贵州\n<b>茅台</b>' + "长" * 500 + "</a>")
    assert "\n" not in item.name and "<" not in item.name and len(item.name) <= 60


@given(st.text(max_size=300))
def test_any_input_yields_secids_only_and_never_raises(text):
    for item in securities_in(text):
        assert security(item.secid) == Security(item.secid, item.symbol, item.kind)


@pytest.mark.parametrize("text, code, name", [
    ("<p>昇兴股份(002752)1月21日晚间公告</p>", "002752", "昇兴股份"),
    ("上涨，贵州茅台（600519.SH）领涨", "600519", "贵州茅台"),
    ("停牌：*ST左江(300799)", "300799", "*ST左江"),
    ("，万科A(000002)", "000002", "万科A"),
])
def test_a_name_written_beside_its_code_in_the_text_names_the_security(text, code, name):
    assert names_in_text(text) == {code: name}


@pytest.mark.parametrize("text", ["广告昇兴股份(002752)", "就在今天，又有圣莱退(002473.SZ)", "涨幅(5)", "（600519）"])
def test_a_name_whose_start_is_a_guess_is_no_name(text):
    """Chinese runs words together: without a delimiter right before a short name, it is not taken."""
    assert names_in_text(text) == {}


def test_a_security_the_markup_leaves_unnamed_takes_its_name_from_the_feeds_text():
    """A search answer's snippet or a flash's summary, `贵州茅台(600519)`, names a quote chart's security."""
    chart = '<a href="http://quote.eastmoney.com/unify/r/1.600519"><img src="k.png"></a>'
    found = securities_in(chart, ["116.00700"], ("茅台一季报", "摘要：贵州茅台(600519)营收增长；腾讯控股(00700)回购"))
    assert [(s.symbol, s.name) for s in found] == [("600519.SH", "贵州茅台"), ("00700.HK", "腾讯控股")]


def test_the_bodys_own_name_for_a_code_wins_over_the_feeds():
    found = securities_in('<p>，贵州茅台(600519)</p><a href="http://quote.eastmoney.com/unify/r/1.600519"></a>',
                          listed=("，茅台酒业(600519)",))
    assert [s.name for s in found] == ["贵州茅台"]


def test_the_feeds_text_adds_no_security_of_its_own():
    """Only the body's markup and the stockList say which securities an article names; text only names them."""
    assert securities_in("<p>正文</p>", listed=("，贵州茅台(600519)",)) == []
