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
from finews_crawler.summary import template_change
from helpers import visible_text

# An unknown skeleton around the article: header and navigation, a sidebar, a share box, a footer.
SKELETON = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 财经频道</title></head><body>
<header class="site-head"><nav><a href="/">首页</a> <a href="/stock">股票</a> <a href="/fund">基金</a></nav></header>
<div class="layout"><aside class="side"><h3>热门</h3><ul><li><a href="/x1">沪指收涨0.5% 成交额放大</a></li>
<li><a href="/x2">北向资金净买入</a></li></ul></aside>
<main class="page"><div class="post-head"><h1 class="post-title">{title}</h1><span class="post-time">{time}</span>
<span class="post-src">{media}</span></div><section class="post-body">{body}</section>
<div class="share-box">分享到：<a href="#">微信</a> <a href="#">微博</a></div></main></div>
<footer>版权所有 © 财经网 京ICP备00000000号</footer></body></html>"""
CHROME = ("热门", "分享到", "版权所有", "京ICP备", "沪指收涨0.5%")
RICH = 200  # visible characters from which an article is "rich"


def _articles(site: ReplaySite):
    """The articles as the source writes them (the hostile hard cases are the hostile suite's)."""
    return [a for a in site.articles if a.status == "ok" and a.showtime and a.title and INFO_CODE.fullmatch(a.info_code)
            and "javascript:" not in a.body and "<script" not in a.title]


def _skeleton(article) -> str:
    return SKELETON.format(title=article.title, time=article.showtime, media=article.media, body=article.body)


def test_rich_articles_come_out_whole_and_without_the_page_around_them(replay_site):
    rich = [a for a in _articles(replay_site) if len(visible_text(a.body)) >= RICH]
    assert len(rich) >= 20
    for article in rich:
        page = generic_page(_skeleton(article))
        got, want = visible_text(page.body_html), visible_text(article.body)
        assert page.template == GENERIC and page.title == article.title
        assert difflib.SequenceMatcher(None, got, want).ratio() >= 0.95, article.info_code
        assert not [chrome for chrome in CHROME if chrome in got and chrome not in want], article.info_code


def test_one_sentence_items_keep_their_whole_text(replay_site):
    short = [a for a in _articles(replay_site) if len(visible_text(a.body)) < RICH]
    assert len(short) >= 50
    for article in short:
        want = visible_text(article.body)
        assert want in visible_text(generic_page(_skeleton(article)).body_html), article.info_code


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
    page = SKELETON.format(title=page_title, time="", media="", body="<p>系统维护中，请稍后再试。给您带来的不便敬请谅解。</p>")
    with pytest.raises(PageError, match="is not the listed title"):
        generic_page(page, "A股三大指数集体收涨")


def test_a_page_whose_whole_title_is_the_listed_one_is_the_article_spacing_and_site_suffix_aside():
    page = SKELETON.format(title="A股三大指数 集体收涨 _ 东方财富网", time="", media="", body="<p>三大指数今日集体收涨。</p>")
    assert generic_page(page, "A股三大指数集体收涨").title


# Another unknown skeleton, of the kind other sites use: a sidebar of hot articles (prose, not links) and a
# disclaimer beside a one-sentence flash, where the main-content guess takes the sidebar along.
SIDEBAR_SKELETON = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="top"><a href="/">首页</a> <a href="/kx">快讯</a></div>
<div class="wrap"><div class="left"><h1>{title}</h1><div class="txt">{body}</div></div>
<div class="right"><h3>热门文章</h3>{hot}<p>以上内容仅供参考，不构成投资建议。</p></div></div></body></html>"""
HOT_PROSE = "".join(f"<p>热门文章{n}：市场继续震荡整理，资金流向出现分化，多个板块轮动上涨，成交额维持在万亿元上方。</p>"
                    for n in range(8))
HOT = "".join(f'<li><a href="/a/{n}.html">热门文章第{n}篇：市场继续震荡整理，资金流向出现分化</a></li>' for n in range(12))


def test_a_flash_in_a_skeleton_with_a_prose_sidebar_comes_out_whole_and_without_the_sidebar(replay_site):
    """A 7×24 flash's summary is its whole text: of an extraction that took the sidebar along, only the blocks
    holding the flash are kept. Every one-sentence item comes out whole with nothing of the sidebar, or (where
    the extractor took the sidebar alone) is refused as chrome: the spider then stores the flash from its
    summary (test_today_shapes.py)."""
    short = [a for a in _articles(replay_site) if len(visible_text(a.body)) < RICH]
    assert len(short) >= 30
    whole = 0
    for article in short:
        want = visible_text(article.body)
        page = SIDEBAR_SKELETON.format(title=article.title, body=article.body, hot=HOT_PROSE)
        try:
            got = visible_text(generic_page(page, article.title, want, listed_whole=True).body_html)
        except PageError as exc:
            assert "page chrome" in str(exc), article.info_code
            continue
        assert want in got and "热门文章" not in got and "仅供参考" not in got, article.info_code
        whole += 1
    assert whole >= 0.9 * len(short)


def test_a_links_only_result_is_chrome():
    from finews_crawler.sources.pages.generic import chrome_reason

    assert "mostly links" in chrome_reason(f"<ul>{HOT}</ul>", "")
    assert "does not hold the listed text" in chrome_reason("<p>系统维护中，请稍后再试。</p>", "央行今日开展2000亿元逆回购操作，中标利率持平")
    assert chrome_reason("<p>央行今日开展2000亿元逆回购操作，中标利率持平。</p>", "央行今日开展2000亿元逆回购操作") is None
