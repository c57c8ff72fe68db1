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
