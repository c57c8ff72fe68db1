"""The replay site's answers for today's endpoints (SOURCE-SITE.md §6), from the same corpus."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from finews_crawler.domain.cleaning import clean_body
from finews_crawler.sources.feeds import decode_payload
from finews_crawler.sources.pages import has_text, read_page
from finews_crawler.replay.today import DISCLAIMER, PROMOTION, code_of, stock_list, today_body
from finews_crawler.testing.text import visible_text

FAST = "/comm/web/getFastNewsList"
COLUMNS = "/comm/web/getNewsByColumns"


def _json(site, path, **query):
    answer = site.respond(path, {key: str(value) for key, value in query.items()})
    assert answer.status == 200
    return decode_payload(answer.body.decode("utf-8"))


def _fast(site, sort_end="", size=50, **extra):
    return _json(site, FAST, client="web", biz="web_724", fastColumn=102, sortEnd=sort_end, pageSize=size,
                 req_trace=1, **extra)


def test_the_fast_list_without_its_cursor_answers_data_null(replay_site):
    assert _json(replay_site, FAST, client="web", fastColumn=102, pageSize=50)["data"] is None
    assert _json(replay_site, FAST, client="web", fastColumn=102, sortEnd="", pageSize=50)["data"] is None


def test_the_fast_list_pages_by_cursor_through_every_roll_article_once_newest_first(replay_site):
    seen, cursor = [], ""
    while True:
        data = _fast(replay_site, cursor, size=30)["data"]
        seen += data["fastNewsList"]
        if not data["fastNewsList"] or not data["sortEnd"]:
            break
        cursor = data["sortEnd"]
    roll = [a for a in replay_site.articles if "roll" in a.feeds and a.showtime]
    assert sorted(item["code"] for item in seen) == sorted(code_of(a) for a in roll)
    assert [item["realSort"] for item in seen] == sorted((item["realSort"] for item in seen), reverse=True)
    assert all(item["summary"].startswith(f"【{item['title']}】") for item in seen)
    # Every code is today's 18 digits but the corpus's hostile one, listed as given for the crawler to refuse.
    assert [item["code"] for item in seen if not re.fullmatch(r"\d{18}", item["code"])] == ["2022../../etc/passwd"]


def test_the_fast_list_answers_jsonp_and_names_the_securities_of_the_body(replay_site):
    answer = replay_site.respond(FAST, {"sortEnd": "", "req_trace": "x", "pageSize": "100", "callback": "cb"})
    assert answer.body.startswith(b"cb(")
    items = decode_payload(answer.body.decode("utf-8"))["data"]["fastNewsList"]
    by_code = {code_of(a): a for a in replay_site.articles}
    assert items and all(item["stockList"] == stock_list(by_code[item["code"]]) for item in items)
    named = [stock_list(a) for a in replay_site.articles if stock_list(a)]
    assert named and all(all(re.fullmatch(r"\d{1,3}\.[A-Za-z0-9]+", secid) for secid in ids) for ids in named)


def test_column_1207_pages_through_every_media_named_article_once(replay_site):
    seen, index = [], 1
    while items := _json(replay_site, COLUMNS, column=1207, page_index=index, page_size=20)["data"]["list"]:
        seen += items
        index += 1
    named = [a for a in replay_site.articles if a.media and a.showtime and any(f != "roll" for f in a.feeds)]
    assert sorted(item["code"] for item in seen) == sorted(code_of(a) for a in named)
    assert all(item["mediaName"] and item["uniqueUrl"].endswith(f"/a/{item['code']}.html") for item in seen)
    assert _json(replay_site, COLUMNS, column=9999, page_index=1)["data"]["list"] == []


def test_todays_article_page_is_the_desktop_template_with_todays_junk(replay_site):
    article = next(a for a in replay_site.articles if a.template == "desktop" and a.status == "ok" and a.showtime)
    answer = replay_site.respond(f"/a/{code_of(article)}.html", {})
    assert (answer.status, answer.kind, answer.article) == (200, "page", article.info_code)
    page = read_page(answer.body.decode("utf-8"))
    assert (page.template, page.title, page.media) == ("desktop", article.title, article.media)
    assert PROMOTION in page.body_html and DISCLAIMER in page.body_html
    assert visible_text(clean_body(page.body_html, "https://finance.eastmoney.com/a/x.html")) == \
        visible_text(clean_body(article.body, "https://finance.eastmoney.com/a/x.html"))


def test_a_script_shell_article_has_an_empty_desktop_body_and_a_full_mobile_page(replay_site):
    shell = next(a for a in replay_site.articles if a.template == "shell" and a.status == "ok")
    desktop = read_page(replay_site.respond(f"/a/{code_of(shell)}.html", {}).body.decode("utf-8"))
    mobile = read_page(replay_site.respond(f"/m/a/{code_of(shell)}.html", {}).body.decode("utf-8"))
    assert not has_text(desktop.body_html)
    assert mobile.template == "mobile" and has_text(mobile.body_html) and mobile.title == shell.title


def test_missing_and_withdrawn_articles_on_todays_pages(replay_site):
    assert replay_site.respond("/a/202205312399000002.html", {}).status == 404
    assert replay_site.respond("/a/999999999999999999.html", {}).status == 404
    withdrawn = replay_site.respond("/a/202205312399000001.html", {})
    assert withdrawn.status == 200 and read_page(withdrawn.body.decode("utf-8")).withdrawn


def test_todays_junk_is_cleaned_away(corpus_posts):
    for post in corpus_posts[:40]:
        assert clean_body(today_body(post.body_html)) == clean_body(post.body_html), post.path.name


def test_a_page_counter_counts_todays_pages_under_the_infocode(replay_server, replay_site):
    from urllib.request import urlopen

    article = next(a for a in replay_site.articles if a.template == "desktop" and a.status == "ok")
    urlopen(f"{replay_server.url}/a/{code_of(article)}.html").close()
    with urlopen(f"{replay_server.url}/__stats") as answer:
        assert json.load(answer)["share_pages"] == {article.info_code: 1}



def _search(site, keyword: str, **options) -> dict:
    param = {"keyword": keyword, "type": ["cmsArticleWebOld"],
             "param": {"cmsArticleWebOld": {"pageIndex": 1, "pageSize": 10, "preTag": "", "postTag": "", **options}}}
    answer = site.respond("/search/jsonp", {"cb": "cb", "param": json.dumps(param)})
    assert answer.status == 200 and answer.body.decode().startswith("cb(")
    return decode_payload(answer.body.decode())


def test_the_search_lists_the_articles_whose_markup_names_the_security_newest_first_and_pages(replay_site):
    naming = sorted((a for a in replay_site.articles if a.status == "ok" and a.showtime
                     and "1.600519" in stock_list(a)), key=lambda a: a.showtime, reverse=True)
    answer = _search(replay_site, "600519")
    assert answer["hitsTotal"] == len(naming) >= 2
    assert [item["code"] for item in answer["result"]["cmsArticleWebOld"]] == [code_of(a) for a in naming]
    second = _search(replay_site, "600519", pageIndex=2, pageSize=1)["result"]["cmsArticleWebOld"]
    assert [item["code"] for item in second] == [code_of(naming[1])]
    assert _search(replay_site, "999999")["result"]["cmsArticleWebOld"] == []


def test_the_search_highlights_only_when_asked_and_refuses_in_refusal_mode(replay_site):
    plain = _search(replay_site, "002752")["result"]["cmsArticleWebOld"]  # 昇兴股份(002752)…
    marked = _search(replay_site, "002752", preTag="<em>", postTag="</em>")["result"]["cmsArticleWebOld"]
    assert plain and not any("<em>" in item["title"] + item["content"] for item in plain)
    assert any("<em>002752</em>" in item["title"] + item["content"] for item in marked)
    assert [item["code"] for item in marked] == [item["code"] for item in plain]
    refused = _search(replace(replay_site, refuse_search=True), "600519")
    assert refused["code"] == 0 and refused["result"] == {"passportWeb": []}
