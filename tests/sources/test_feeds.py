import re
from dataclasses import replace

import pytest

from finews_crawler.sources.feeds import (
    DEFAULT_FEEDS, KINDS, FeedEntry, FeedError, FeedSpec, NextPage, Rejected, decode_payload, entries,
)

ROLL = FeedSpec("roll", "roll", category="emnews", tag="东财滚动新闻")
MEDIA = FeedSpec("media", "media")
MARKET = FeedSpec("market37", "market", market_type=37)


def test_feed_urls_follow_the_source_contract():
    assert ROLL.url("http://h/", 2, 100) == "http://h/web/webapi?type=102&count=100&newsid=1&pageindex=2"
    assert MEDIA.url("http://h", 1, 50) == "http://h/web/webapi?type=45&count=50&newsid=1&pageindex=1"
    assert MARKET.url("http://h", 3, 100) == \
        "http://h/information/newmarket/web/webapi?marketType=37&count=100&pageindex=3"


@pytest.mark.parametrize("text", [
    '{"rc": 1, "records": []}',
    'var ajaxResult={"rc": 1, "records": []};',
    'var ajaxResult = {"rc": 1, "records": []}',
    'cb({"rc": 1, "records": []});',
    'jQuery1234_5678({"rc": 1, "records": []})',
    '\ufeff{"rc": 1, "records": []}',
    '/**/cb({"rc": 1, "records": []});',
    'cb (\n{"rc": 1, "records": []}\n) ;\n',
])
def test_json_and_jsonp_answers_decode_to_the_same_object(text):
    assert decode_payload(text) == {"rc": 1, "records": []}


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("<html><body>502 Bad Gateway</body></html>", "neither JSON nor JSONP"),
    ('{"rc": 1, "records": [', "neither JSON nor JSONP"),
    ('cb({"rc": 1, "records": [});', "malformed JSONP"),
    ("[1, 2]", "expected a JSON object"),
])
def test_unreadable_answers_raise_a_feed_error_that_says_why(text, message):
    with pytest.raises(FeedError, match=message):
        decode_payload(text)


def test_rc_other_than_one_and_a_non_list_are_feed_errors():
    with pytest.raises(FeedError, match="rc=0"):
        KINDS["roll"].items({"rc": 0})
    with pytest.raises(FeedError, match="not a list"):
        KINDS["media"].items({"rc": 1, "nodeList": {"a": 1}})
    assert KINDS["market"].items({"rc": 1}) == []


def test_each_feed_kind_maps_its_own_key_casing():
    roll = list(entries(ROLL, [{"id": "202204282363799455", "infoCode": "NW202204282363799455", "title": "T",
                                "digest": "【T】摘要正文", "showtime": "2022-04-28 13:52:55"}]))
    media = list(entries(MEDIA, [{"infocode": "NW202204282363799455", "title": "T", "simdigest": "d",
                                  "showtime": "2022-04-28 13:52:55", "from": "中国市场监管新闻网"}]))
    market = list(entries(MARKET, [{"infoCode": "NW202204282363799455", "title": "T",
                                    "datetime": "2022-04-28 13:52:55", "medianame": "财联社"}]))
    assert roll == [FeedEntry("NW202204282363799455", "T", "2022-04-28 13:52:55", "", "摘要正文", ["roll"])]
    assert media == [FeedEntry("NW202204282363799455", "T", "2022-04-28 13:52:55", "中国市场监管新闻网", "d", ["media"])]
    assert market == [FeedEntry("NW202204282363799455", "T", "2022-04-28 13:52:55", "财联社", "", ["market37"])]


@pytest.mark.parametrize("code", ["NW2022../../etc/passwd", "nw202204282363799455", "NW12345", "", None, 42,
                                  "NW" + "1" * 31, "N1202204282363799455", "NW202204282363799455\n",
                                  "NW２０２２０４２８２３６３", "NW٢٠٢٢٠٤٢٨٢٣٦٣", "NW2022%2F..%2F1"])
def test_invalid_info_codes_are_rejected_with_a_reason(code):
    [result] = entries(ROLL, [{"infoCode": code, "title": "t", "showtime": "2022-04-28 13:52:55"}])
    assert isinstance(result, Rejected) and result.reason == "invalid_info_code"


@pytest.mark.parametrize("time", ["", "   ", "0000-00-00 00:00:00", "2022-02-31 10:00:00", None])
def test_an_item_without_a_parsable_time_is_rejected_as_the_contract_says(time):
    [result] = entries(ROLL, [{"infoCode": "NW202205262391921712", "title": "", "showtime": time}])
    assert isinstance(result, Rejected) and result.reason == "no_time"


def test_a_non_object_item_is_rejected_not_fatal():
    assert [r.reason for r in entries(ROLL, ["x", None])] == ["bad_feed_item", "bad_feed_item"]


def test_merging_two_listings_prefers_the_feed_that_names_the_media():
    roll = FeedEntry("NW1234567", "roll title", "2022-04-28 13:52:55", "", "digest", ["roll"])
    media = FeedEntry("NW1234567", "media title", "2022-04-28 13:52:56", "财联社", "", ["media"])
    roll.merge(media, prefer_other=True)
    assert roll == FeedEntry("NW1234567", "media title", "2022-04-28 13:52:56", "财联社", "digest", ["media", "roll"])


def test_feed_spec_validation_names_the_problem():
    with pytest.raises(ValueError, match="unknown kind"):
        FeedSpec("x", "rss")
    with pytest.raises(ValueError, match="market_type"):
        FeedSpec("x", "market")
    with pytest.raises(ValueError, match="together"):
        FeedSpec("x", "roll", category="emnews")
    with pytest.raises(ValueError, match="unknown keys"):
        FeedSpec.from_mapping({"name": "x", "kind": "roll", "colour": "red"})
    assert [f.name for f in DEFAULT_FEEDS] == ["roll", "media", "market37", "market38", "market39"]


def test_a_fast_items_stock_list_keeps_secids_only_once_each():
    spec = FeedSpec("fast", "fast", column="102")
    item = {"code": "202405233083920012", "title": "t", "showTime": "2024-05-23 10:00:00", "summary": "【t】x",
            "stockList": ["1.600519", "116.00700", "1.600519", "90.BK0437", "../etc", 5, "1.600519; drop table"]}
    (entry,) = entries(spec, [item])
    assert entry.info_code == "NW202405233083920012" and entry.digest == "x"
    assert entry.stocks == ["1.600519", "116.00700", "90.BK0437"]


@pytest.mark.parametrize("sort_end, cursor", [("1716429600000012", "1716429600000012"), (1716429600000012, "1716429600000012"),
                                              ("", ""), (None, ""), ("12a", ""), (True, ""), ("１２", "")])
def test_the_fast_list_pages_by_its_sort_end_as_digits_and_a_column_by_number(sort_end, cursor):
    payload = {"code": "1", "data": {"sortEnd": sort_end, "fastNewsList": []}}
    assert KINDS["fast"].next_page(3, payload) == (NextPage(4, cursor) if cursor else None)
    assert KINDS["column"].next_page(3, payload) == NextPage(4)


@pytest.mark.parametrize("payload, message", [
    ({"code": "1", "data": None}, "data: null"),
    ({"code": "0", "message": "fail", "data": {}}, "no 'fastNewsList' list in the answer, code='0'"),
    ({"code": 1, "data": {"fastList": []}}, "no 'fastNewsList' list"),
    ({"code": "1", "data": []}, "data is list"),
])
def test_todays_answers_that_are_not_a_success_are_feed_errors(payload, message):
    with pytest.raises(FeedError, match=re.escape(message)):
        KINDS["fast"].items(payload)


SEARCH = FeedSpec("watch:600519", "search", keyword="600519", page_size=10)


def test_the_search_asks_for_one_security_a_page_without_highlighting():
    from urllib.parse import parse_qs, urlsplit
    import json

    query = parse_qs(urlsplit(SEARCH.url("http://h/", 2, 10)).query)
    assert query["cb"] == ["cb"] and urlsplit(SEARCH.url("http://h/", 2, 10)).path == "/search/jsonp"
    param = json.loads(query["param"][0])
    assert param["keyword"] == "600519" and param["type"] == ["cmsArticleWebOld"]
    assert param["param"]["cmsArticleWebOld"] == {"searchScope": "default", "sort": "default", "pageIndex": 2,
                                                  "pageSize": 10, "preTag": "", "postTag": ""}
    options = (("sort", "time"), ("preTag", "<em>"), ("postTag", "</em>"), ("pageIndex", "9"))
    highlighted = replace(SEARCH, options=options).url("http://h", 1, 20)
    assert json.loads(parse_qs(urlsplit(highlighted).query)["param"][0])["param"]["cmsArticleWebOld"] == {
        "searchScope": "default", "sort": "time", "preTag": "<em>", "postTag": "</em>", "pageIndex": 1, "pageSize": 20}


def test_a_search_answer_without_its_article_list_is_a_refusal_not_no_news():
    from finews_crawler.sources.feeds import Refused

    with pytest.raises(Refused, match="refused the search") as refused:
        KINDS["search"].items({"code": 0, "msg": "OK", "hitsTotal": 0, "result": {"passportWeb": []}})
    assert refused.value.refusal
    with pytest.raises(FeedError, match="code=1") as failed:
        KINDS["search"].items({"code": 1, "msg": "bad"})
    assert not failed.value.refusal
    assert KINDS["search"].items({"code": 0, "result": {"cmsArticleWebOld": []}}) == []


def test_search_items_map_to_entries_with_the_highlighting_taken_out():
    item = {"date": "2024-05-23 10:00:00", "mediaName": "证券时报", "code": "202405233083920012",
            "title": "<em>贵州茅台</em>公告", "content": "据<em>600519</em>公告…", "url": "", "image": ""}
    (entry,) = entries(SEARCH, [item])
    assert (entry.info_code, entry.title, entry.media, entry.digest, entry.feeds) == (
        "NW202405233083920012", "贵州茅台公告", "证券时报", "据600519公告…", ["watch:600519"])


@pytest.mark.parametrize("keyword", ["", None, "6005 19", "６００５１９", "../x"])
def test_a_search_feed_needs_a_securitys_code(keyword):
    with pytest.raises(ValueError, match="needs the security's code"):
        FeedSpec("w", "search", keyword=keyword)
