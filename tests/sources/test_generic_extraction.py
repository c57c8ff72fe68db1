"""A page no template knows: the generic extractor (trafilatura), flagged, counted, and a template-change verdict."""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import replace

import pytest

from conftest import run_crawl
from finews_crawler.sources.feeds import INFO_CODE
from finews_crawler.sources.pages import GENERIC, PageError, generic_page
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import ReplaySite, Response
from finews_crawler.runtime.summary import template_change
from finews_crawler.testing.skeletons import SKELETONS, chrome_in, dress
from finews_crawler.testing.text import visible_text

RICH = 200  # visible characters from which an article is "rich"


def _articles(site: ReplaySite):
    """The articles as the source writes them (the hostile hard cases are the hostile suite's)."""
    return [a for a in site.articles if a.status == "ok" and a.showtime and a.title and INFO_CODE.fullmatch(a.info_code)
            and "javascript:" not in a.body and "<script" not in a.title]


def _skeleton(article, skeleton: str = "portal") -> str:
    return dress(skeleton, article.title, article.body, article.showtime, article.media)


@pytest.mark.parametrize("skeleton", SKELETONS)
def test_rich_articles_come_out_whole_and_without_the_page_around_them(replay_site, skeleton):
    """With what the spider passes: the listed title and the feed's digest (empty for a fifth of them)."""
    rich = [a for a in _articles(replay_site) if len(visible_text(a.body)) >= RICH]
    assert len(rich) >= 20
    # Without a title to find the block under, only trafilatura's guess is left: measured on the plainest skeleton.
    readings = [("title", "digest"), *([("", "")] if skeleton == "portal" else [])]
    for article in rich:
        for title, digest in readings:
            page = generic_page(_skeleton(article, skeleton), getattr(article, title, ""), getattr(article, digest, ""))
            got, want = visible_text(page.body_html), visible_text(article.body)
            assert page.template == GENERIC and page.title == article.title
            assert difflib.SequenceMatcher(None, got, want, autojunk=False).ratio() >= 0.95, article.info_code
            assert not chrome_in(got, want), (article.info_code, chrome_in(got, want))


@pytest.mark.parametrize("skeleton", SKELETONS)
def test_one_sentence_items_keep_their_whole_text_and_nothing_of_the_page(replay_site, skeleton):
    """As a feed item with its digest, and as a 7×24 flash whose summary is its whole text."""
    short = [a for a in _articles(replay_site) if len(visible_text(a.body)) < RICH]
    assert len(short) >= 50
    whole = 0
    for article in short:
        want = visible_text(article.body)
        for listed, flash in ((article.digest, False), (want, True)):
            got = visible_text(generic_page(_skeleton(article, skeleton), article.title, listed, flash).body_html)
            assert not chrome_in(got, want), (article.info_code, chrome_in(got, want))
            whole += want in got
    assert whole >= 0.98 * 2 * len(short)


def test_the_paragraphs_after_a_headline_are_the_article_when_it_has_no_container():
    from finews_crawler.sources.pages.generic import block_under_title

    page = ("<html><body><article><h1>央行开展逆回购</h1><div>2026-08-19 17:46 来源：新华社</div><p>第一段，央行开展操作。</p>"
            "<table><tr><td>期限</td><td>7天</td></tr></table><p>第二段。</p></article>"
            "<aside><p>热门文章：市场继续震荡整理，资金流向出现分化，多个板块轮动上涨。</p></aside></body></html>")
    body, text = block_under_title(page, "央行开展逆回购", "第一段，央行开展操作。")
    assert "第一段" in body and "<table>" in body and "第二段" in body and "热门" not in body and "来源" not in body


@pytest.mark.parametrize("page", ["", "<html></html>", "<p>" * 5000 + "深", "<h1>标题</h1>" + "<div>" * 3000 + "正文"])
def test_a_page_without_a_usable_headline_has_no_block_under_it(page):
    from finews_crawler.sources.pages.generic import block_under_title

    assert block_under_title(page, "另一篇文章的标题", "") is None


def test_a_page_that_is_not_the_listed_article_is_not_taken_for_it(replay_site):
    article = next(a for a in _articles(replay_site) if len(visible_text(a.body)) >= RICH)
    assert generic_page(_skeleton(article), article.title).title == article.title
    with pytest.raises(PageError, match="is not the listed title"):
        generic_page(_skeleton(article), "另一篇文章的标题")


@pytest.mark.parametrize("stats, verdict", [
    ({"finews/pages/desktop": 4, "finews/extraction/generic": 6, "finews/pages/generic": 6}, True),
    ({"finews/pages/desktop": 10, "finews/extraction/generic": 4, "finews/pages/generic": 4}, False),
    ({"finews/pages/desktop": 2, "finews/errors/unknown_template": 8}, True),
    ({"finews/pages/desktop": 2, "finews/extraction/none": 8}, True),
    ({"finews/pages/desktop": 1, "finews/extraction/generic": 3, "finews/pages/generic": 3}, False),  # too few
])
def test_the_template_change_verdict_needs_most_of_enough_pages(stats, verdict):
    assert bool(template_change(stats, 0.5)) is verdict


def _skeleton_site(site: ReplaySite, share: float) -> ReplaySite:
    """The replay site with this share of its share pages in the unknown skeleton."""
    chosen = [a for a in _articles(site) if a.template != "shell"]
    chosen = chosen[: int(len(chosen) * share)]
    overrides = {f"share:{a.info_code}": Response(200, "text/html; charset=utf-8", _skeleton(a).encode(), "share")
                 for a in chosen}
    return replace(site, overrides=overrides)


def _crawl_skeleton(tmp_path, site: ReplaySite, share: float) -> tuple[int, str, dict]:
    with ReplayServer(_skeleton_site(site, share)) as server:
        return run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_EXPORT_DIR": str(tmp_path / "site"),
                                    "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


@pytest.mark.e2e
def test_a_run_where_most_pages_need_the_generic_extractor_warns_and_exits_4(tmp_path, replay_site):
    returncode, log, stats = _crawl_skeleton(tmp_path, replay_site, 0.9)
    assert returncode == 4, log[-2000:]
    generic = stats["finews/extraction/generic"]
    assert generic > 50 and stats["finews/pages/generic"] == generic
    pages = stats.get("finews/pages/desktop", 0) + stats.get("finews/pages/mobile", 0) + generic
    assert log.rstrip().splitlines()[-1].endswith(
        f"finews: the source's page template seems to have changed: {generic} of {pages} article pages needed the "
        f"generic extractor ({generic}) or could not be read (0) (exit status 4)")
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        flagged = connection.execute("select count(*) from articles where template = 'generic'").fetchone()[0]
    assert flagged == generic


@pytest.mark.e2e
def test_a_few_pages_in_an_unknown_skeleton_are_read_flagged_and_counted_without_a_verdict(tmp_path, replay_site):
    returncode, log, stats = _crawl_skeleton(tmp_path, replay_site, 0.1)
    assert returncode == 0, log[-2000:]
    assert 5 < stats["finews/extraction/generic"] < 20
    assert "no known page template; the generic extractor read it" in log
    assert "template seems to have changed" not in log


def _slow_page() -> str:
    """A page in an unknown skeleton the generic extractor needs seconds for (~0.7 MB of paragraphs)."""
    body = "".join(f'<div class="x{i % 7}"><p>段落{i}，沪深两市今日窄幅震荡，成交额维持在万亿元上下。<a href="/a/{i}">链接</a></p></div>'
                   for i in range(8000))
    return f'<html><head><title>慢页面</title></head><body><div class="main"><h1>慢页面</h1>{body}</div></body></html>'


@pytest.mark.e2e
def test_a_slow_page_costs_no_innocent_article_and_is_fetched_again_by_the_next_run(tmp_path, replay_site):
    """The generic extractor runs in a process of its own under the budget: the crawl goes on meanwhile, no
    other article's cleaning is counted over budget, and the slow article stays pending, not gone."""
    slow = _articles(replay_site)[0]
    site = replace(replay_site, overrides={
        f"share:{slow.info_code}": Response(200, "text/html; charset=utf-8", _slow_page().encode(), "share")})
    settings = {"FINEWS_EXPORT_DIR": str(tmp_path / "site"), "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "FINEWS_CLEAN_BUDGET": "1"}
    with ReplayServer(site) as server:
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, **settings})
        assert "finews/dropped/too_slow" not in stats, log[-3000:]
        assert stats["finews/errors/extraction"] == 1 and f"{slow.info_code}: the generic extractor did not finish" in log
        with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
            stored = {code for (code,) in connection.execute("select info_code from articles")}
            pending = {code for (code,) in connection.execute("select info_code from pending")}
            gone = {code for (code,) in connection.execute("select info_code from gone")}
        assert slow.info_code not in stored | gone and slow.info_code in pending
        assert {a.info_code for a in _articles(replay_site)[1:]} - gone <= stored  # every innocent article
        server.replace_site(replay_site)  # the page reads normally again
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, **settings})
    assert returncode == 0 and stats["finews/articles/new"] == 1, log[-3000:]


@pytest.mark.e2e
def test_a_refresh_never_lets_a_generic_guess_replace_a_stored_article(tmp_path, replay_site):
    """A maintenance page titled by a fragment of the listed title is no article; a generic reading of the
    article itself does not replace what a known template read."""
    first, second = _articles(replay_site)[:2]
    maintenance = ('<html><head><title>{t}</title></head><body><div class="wrap"><h1>{t}</h1><p>系统维护中，'
                   '请稍后再试。给您带来的不便敬请谅解。</p></div></body></html>')
    settings = {"FINEWS_EXPORT_DIR": str(tmp_path / "site"), "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    with ReplayServer(replay_site) as server:
        run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, **settings})
        with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
            before = dict(connection.execute("select info_code, title || body from articles").fetchall())
        server.replace_site(replace(replay_site, overrides={
            f"share:{first.info_code}": Response(200, "text/html; charset=utf-8",
                                                 maintenance.format(t=first.title[:2]).encode(), "share"),
            f"share:{second.info_code}": Response(200, "text/html; charset=utf-8",
                                                  _skeleton(second).replace("<p>", "<p>改版后的页面。", 1).encode(),
                                                  "share")}))
        returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": server.url, "FINEWS_REFRESH": "1", **settings})
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        after = dict(connection.execute("select info_code, title || body from articles").fetchall())
    assert after[first.info_code] == before[first.info_code] and after[second.info_code] == before[second.info_code]
    assert stats.get("finews/articles/updated", 0) == 0, log[-3000:]


@pytest.mark.parametrize("page_title", ["A股", "A", "A股_东方财富网", "三大指数", "A股三大指数集体收涨，沪指涨1%后回落"])
def test_a_page_titled_by_a_fragment_of_the_listed_title_is_no_article(page_title):
    page = dress("portal", page_title, "<p>系统维护中，请稍后再试。给您带来的不便敬请谅解。</p>")
    with pytest.raises(PageError, match="is not the listed title"):
        generic_page(page, "A股三大指数集体收涨")


def test_a_page_whose_whole_title_is_the_listed_one_is_the_article_spacing_and_site_suffix_aside():
    page = dress("portal", "A股三大指数 集体收涨 _ 东方财富网", "<p>三大指数今日集体收涨。</p>")
    assert generic_page(page, "A股三大指数集体收涨").title


HOT = "".join(f'<li><a href="/a/{n}.html">热门文章第{n}篇：市场继续震荡整理，资金流向出现分化</a></li>' for n in range(12))


def test_a_links_only_result_is_chrome():
    from finews_crawler.sources.pages.generic import chrome_reason

    assert "mostly links" in chrome_reason(f"<ul>{HOT}</ul>", "")
    assert "does not hold the listed text" in chrome_reason("<p>系统维护中，请稍后再试。</p>", "央行今日开展2000亿元逆回购操作，中标利率持平")
    assert chrome_reason("<p>央行今日开展2000亿元逆回购操作，中标利率持平。</p>", "央行今日开展2000亿元逆回购操作") is None
