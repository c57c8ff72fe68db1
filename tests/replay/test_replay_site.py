import json
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import urlopen

from finews_crawler.sources.feeds import decode_payload
from finews_crawler.replay.build import build_articles
from finews_crawler.replay.site import ReplaySite
from helpers import CORPUS, REPO
from finews_crawler.testing.runs import server_stats


def get(site, path, **query):
    return site.respond(path, {k: str(v) for k, v in query.items()})


def test_the_committed_data_is_what_the_build_script_makes_from_the_corpus():
    built = [json.dumps(a.to_dict(), ensure_ascii=False) for a in build_articles(CORPUS)]
    committed = (REPO / "data" / "site" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert built == committed, "run: python -m finews_crawler.replay.build"


def test_roll_feed_answers_jsonp_and_the_others_json(replay_site):
    roll = get(replay_site, "/web/webapi", type=102, count=100, pageindex=1).body.decode()
    media = get(replay_site, "/web/webapi", type=45, count=100, pageindex=1).body.decode()
    market = get(replay_site, "/information/newmarket/web/webapi", marketType=37, count=10, pageindex=1).body.decode()
    assert roll.startswith("var ajaxResult={") and "records" in decode_payload(roll)
    assert json.loads(media)["nodeList"][0]["infocode"].startswith("NW")
    assert set(json.loads(market)["record"][0]) == {"infoCode", "title", "datetime", "medianame"}
    callback = get(replay_site, "/information/newmarket/web/webapi", marketType=37, cb="cb123").body.decode()
    assert callback.startswith("cb123({")


def test_feeds_page_newest_first_and_return_an_empty_list_past_the_end(replay_site):
    pages = [decode_payload(get(replay_site, "/web/webapi", type=102, count=50, pageindex=n).body.decode())["records"]
             for n in (1, 2, 3, 4)]
    listed = len(replay_site.feeds["roll"])
    assert 100 < listed < 150 and [len(p) for p in pages] == [50, 50, listed - 100, 0]
    times = [item["showtime"] for page in pages for item in page if item["showtime"]]
    assert times == sorted(times, reverse=True)
    assert pages[0][0]["showtime"] == ""  # the item with an empty time


def test_an_article_listed_by_two_feeds_is_in_both(replay_site):
    roll = {i["infoCode"] for n in (1, 2) for i in
            decode_payload(get(replay_site, "/web/webapi", type=102, count=100, pageindex=n).body.decode())["records"]}
    media = {i["infocode"] for i in json.loads(get(replay_site, "/web/webapi", type=45, count=100).body)["nodeList"]}
    market = {i["infoCode"] for i in json.loads(get(replay_site, "/information/newmarket/web/webapi",
                                                     marketType=37, count=100).body)["record"]}
    assert "NW202201072239307540" in roll & media  # a 券商中国 article, also a roll post in the corpus
    assert len(roll & (media | market)) == 5


def test_share_pages_text_api_and_unknown_articles(replay_site):
    desktop = next(a for a in replay_site.articles if a.template == "desktop" and a.status == "ok")
    page = get(replay_site, "/html_News/NewsShare.html", infoCode=desktop.info_code)
    assert page.status == 200 and b'id="ContentBody"' in page.body and b"ad_context3" in page.body
    assert get(replay_site, "/html_News/NewsShare.html", infoCode="NW999999999").status == 404
    assert get(replay_site, "/html_News/NewsShare.html", infoCode="NW202205312399000002").status == 404
    withdrawn = get(replay_site, "/html_News/NewsShare.html", infoCode="NW202205312399000001")
    assert withdrawn.status == 200 and "该文章已被删除" in withdrawn.body.decode()
    api = json.loads(get(replay_site, "/NewsData/GetNewsText.do", id="NW202206010000000003").body)
    assert api["rc"] == 1 and "content" in api and "text" not in api
    assert json.loads(get(replay_site, "/NewsData/GetNewsText.do", id="NW999999999").body) == {"rc": 0, "text": ""}


def test_scaling_derives_new_valid_info_codes(replay_site):
    site = ReplaySite.load(scale=2000)
    codes = [a.info_code for a in site.articles]
    assert len(codes) == 2000 and len(set(codes)) == 2000
    assert all(c.startswith("NW") and c[2:].isdigit() for c in codes[len(replay_site.articles):])


def test_the_server_takes_concurrent_load_and_counts_requests(replay_server):
    codes = [a.info_code for a in replay_server._server.site.articles if a.status == "ok"][:40]

    def fetch(code):
        try:
            with urlopen(f"{replay_server.url}/html_News/NewsShare.html?infoCode={code}", timeout=10) as answer:
                return answer.status
        except HTTPError as error:
            return error.code

    with ThreadPoolExecutor(64) as pool:
        statuses = list(pool.map(fetch, codes * 5))
    assert statuses.count(200) == len(statuses)
    counted = server_stats(replay_server)
    assert counted["kinds"]["share"] == 200 and set(counted["share_pages"].values()) == {5}
