"""sources/facts.py: which facts make an article (pure: no crawler)."""

from finews_crawler.items import GENERIC_TEMPLATE
from finews_crawler.sources.facts import ranked_article, summary_page, whole_summary
from finews_crawler.sources.pages import PageFields

ENTRY = {"info_code": "NW202204282363799455", "title": "快讯标题", "time": "2022-04-28 13:52:55", "media": "财联社",
         "digest": "摘要", "feeds": ["media"], "stocks": ["1.600519"]}
PAGE = PageFields(template="desktop", title="页面标题", time="2022年04月28日 13:52", media="页面媒体", digest="页面摘要",
                  body_html="<p>正文</p>", original_title="原来的标题")


def test_the_feeds_time_media_and_digest_win_and_the_pages_title_and_body_make_the_article():
    ranked = ranked_article(ENTRY, PAGE, "http://h/a", "https://finance.eastmoney.com/a/1.html")
    article = ranked.article
    assert (article.title, article.original_title, article.media, article.page_media, article.digest) == (
        "页面标题", "原来的标题", "财联社", "页面媒体", "摘要")
    assert (article.time_text, article.stock_list, article.body_raw, ranked.time_kept) == (
        "2022-04-28 13:52:55", ["1.600519"], "<p>正文</p>", False)


def test_a_stored_time_stays_when_the_listing_moves_it_and_the_page_does_not_agree():
    page = PageFields(template="desktop", time="2022年04月28日 13:52", body_html="<p>正文</p>")
    moved = {**ENTRY, "time": "2022-04-29 08:00:00"}
    ranked = ranked_article(moved, page, "u", "s", stored_time="2022-04-28 13:52:55")
    assert ranked.time_kept and ranked.article.time_text == "2022-04-28 13:52:55"


def test_a_generic_guess_has_no_say_on_a_stored_articles_time():
    """Fetched again by code (no listing) from a page no template knows: the stored time stays."""
    guess = PageFields(template=GENERIC_TEMPLATE, time="2022-05-01 10:00:00", body_html="<p>正文</p>")
    assert ranked_article({**ENTRY, "time": ""}, guess, "u", "s", "2022-04-28 13:52:55").article.time_text == \
        "2022-04-28 13:52:55"
    assert ranked_article({**ENTRY, "time": ""}, guess, "u", "s").article.time_text == "2022-05-01 10:00:00"


def test_only_a_flash_whose_summary_is_not_cut_short_is_its_whole_text():
    flash = {**ENTRY, "feeds": ["fast"], "digest": "央行开展<逆回购>操作。"}
    assert whole_summary(flash) and summary_page(flash).body_html == "<p>央行开展&lt;逆回购&gt;操作。</p>"
    assert summary_page({**flash, "digest": "被截断的快讯[点击查看全文]"}) is None
    assert summary_page(ENTRY) is None  # not a 7×24 item: its digest is a digest
