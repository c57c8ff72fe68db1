"""The replay site's content: articles, the feeds that list them, their pages.

Everything here is pure (no sockets): `ReplaySite.respond(path, query)`
answers a request with a status, content type and body, exactly as the
source contract (SOURCE-SITE.md) describes, so the HTTP server around it is
a thin shell and the answers can be tested without one.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any

from finews_crawler.sources.feeds import INFO_CODE
from finews_crawler.replay import today

# Today's article pages (SOURCE-SITE.md §6): `/a/{code}.html`, and `/m/a/{code}.html` standing in for the mobile host.
_TODAY_PAGE = re.compile(r"(?P<mobile>/m)?/a/(?P<code>\d{18})\.html")

DEFAULT_SITE_DIR = Path(__file__).resolve().parents[2] / "data" / "site"
MAX_COUNT = 100
MARKET_TYPES = (37, 38, 39)

# What the real page puts inside #ContentBody around the article.
AD_BLOCK = (
    '<div class="ad_context3" style="margin:10px 0;"><script type="text/javascript">'
    'var adSlot = "em_news_ad_1"; (function(){ var s = document.createElement("script"); '
    's.src = "//example.invalid/ad.js"; document.body.appendChild(s); })();</script>'
    '<p>广告</p></div>'
)
EDITOR_LINE = "<p>（责任编辑：DF532）</p>"
WECHAT_PROMPT = "<p>打开微信，</p><p>点击底部的“发现”，</p><p>使用“扫一扫”</p><p>即可将网页分享至朋友圈。</p>"
WITHDRAWN_NOTICE = "该文章已被删除"
_FIRST_PARAGRAPH_END = re.compile(r"</p>", re.I)


@dataclass(frozen=True)
class ReplayArticle:
    """One article of the replay site and how the site presents it.

    `status`: "ok", "withdrawn" (200 page with an empty body and a notice) or
    "missing" (404).  `template`: "desktop", "mobile" or "shell" (empty body,
    filled from the text API, whose answer uses `api_field`).
    """

    info_code: str
    title: str
    showtime: str
    media: str
    digest: str
    body: str
    feeds: tuple[str, ...]
    template: str = "desktop"
    status: str = "ok"
    api_field: str = "text"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReplayArticle:
        return cls(**{**data, "feeds": tuple(data["feeds"])})

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "feeds": list(self.feeds)}

    @property
    def page_time(self) -> str:
        """The page shows minutes only, in Chinese date style."""
        try:
            moment = datetime.strptime(self.showtime, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return ""
        return moment.strftime("%Y年%m月%d日 %H:%M")


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    kind: str  # what was asked for, for the request counters
    headers: dict[str, str] = field(default_factory=dict)  # extra headers (a redirect's Location)
    article: str = ""  # the infoCode of an article page (share page or today's page), for the per-article counter


def _json(status: int, payload: Any, kind: str, jsonp: str | None = None) -> Response:
    text = json.dumps(payload, ensure_ascii=False)
    if jsonp == "var":
        text = f"var ajaxResult={text};"
    elif jsonp:
        text = f"{jsonp}({text});"
    content_type = "application/javascript; charset=utf-8" if jsonp else "application/json; charset=utf-8"
    return Response(status, content_type, text.encode("utf-8"), kind)


def _html(status: int, text: str, kind: str) -> Response:
    return Response(status, "text/html; charset=utf-8", text.encode("utf-8"), kind)


def decorate_body(body: str) -> str:
    """The body as the real page serves it: an ad after the first paragraph, junk at the end."""
    first = _FIRST_PARAGRAPH_END.search(body)
    if first:
        body = body[: first.end()] + AD_BLOCK + body[first.end():]
    return f"<!--文章主体-->\n{body}\n{EDITOR_LINE}\n{WECHAT_PROMPT}\n"


def derive(article: ReplayArticle, index: int) -> ReplayArticle:
    """A new article made from `article`: a fresh infoCode, title and time."""
    digits = article.info_code[2:10]
    moment = datetime.strptime(article.showtime, "%Y-%m-%d %H:%M:%S") - timedelta(minutes=index)
    return replace(
        article,
        info_code=f"NW{digits}{9_000_000_000 + index:010d}",
        title=f"{article.title}（{index}）",
        showtime=moment.strftime("%Y-%m-%d %H:%M:%S"),
    )


@dataclass
class ReplaySite:
    """The articles and page templates of one replay site."""

    articles: list[ReplayArticle]
    templates: dict[str, Template]
    # Raw answers that replace the rendered ones, for hostile and broken input:
    # "share:{infoCode}", "text:{infoCode}" or "feed:{feed}:{page}" -> Response.
    overrides: dict[str, Response] = field(default_factory=dict)
    refuse_search: bool = False  # the live search's refusal: HTTP 200 with no article list
    shapes: frozenset[str] = frozenset()  # today's lists in the shapes of §6a (`today.SHAPES`)
    by_code: dict[str, ReplayArticle] = field(init=False)
    by_digits: dict[str, ReplayArticle] = field(init=False)  # today's 18-digit code -> article
    feeds: dict[str, list[ReplayArticle]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {article.info_code: article for article in self.articles}
        self.by_digits = {today.code_of(article): article for article in self.articles}
        self.feeds = {}
        for article in self.articles:
            for feed in article.feeds:
                self.feeds.setdefault(feed, []).append(article)
        for listed in self.feeds.values():
            # Newest first; an item with no time sorts first, as a broken item would.
            listed.sort(key=lambda a: a.showtime or "9999", reverse=True)

    @classmethod
    def load(cls, site_dir: Path = DEFAULT_SITE_DIR, scale: int = 0) -> ReplaySite:
        """Load `articles.jsonl` and the page templates; `scale` > 0 derives
        articles from the valid ones until the site holds at least that many."""
        with (site_dir / "articles.jsonl").open(encoding="utf-8") as handle:
            articles = [ReplayArticle.from_dict(json.loads(line)) for line in handle if line.strip()]
        templates = {path.stem: Template(path.read_text(encoding="utf-8"))
                     for path in (site_dir / "templates").glob("*.html")}
        if scale > len(articles):
            valid = [a for a in articles
                     if a.status == "ok" and a.showtime and a.title and INFO_CODE.fullmatch(a.info_code)]
            articles += [derive(valid[i % len(valid)], i) for i in range(scale - len(articles))]
        return cls(articles, templates)

    # -- answers -----------------------------------------------------------

    def respond(self, path: str, query: dict[str, str]) -> Response:
        """Answer one GET request of the source contract."""
        if path == "/web/webapi":
            kind = {"102": "roll", "45": "media"}.get(query.get("type", ""))
            if kind:
                return self.feed_page(kind, query, jsonp="var" if kind == "roll" else None)
        elif path == "/information/newmarket/web/webapi":
            market = query.get("marketType", "")
            if market.isdigit() and int(market) in MARKET_TYPES:
                return self.feed_page(f"market{market}", query, jsonp=query.get("cb") or None)
        elif path == "/html_News/NewsShare.html":
            return self.share_page(query.get("infoCode", ""))
        elif path == "/NewsData/GetNewsText.do":
            return self.text_api(query.get("id", ""))
        elif path == "/comm/web/getFastNewsList":
            return _json(200, today.fast_news(self.articles, query, self.shapes), "fast", query.get("callback") or None)
        elif path == "/comm/web/getNewsByColumns":
            return _json(200, today.column_list(self.articles, query, self.shapes), "column",
                         query.get("callback") or None)
        elif path == "/search/jsonp":
            return _json(200, today.search(self.articles, query, self.refuse_search), "search", query.get("cb") or None)
        elif (page := _TODAY_PAGE.fullmatch(path)) is not None:
            return self.today_page(page["code"], mobile=bool(page["mobile"]))
        return _html(404, "<html><body><h1>404 Not Found</h1></body></html>", "other")

    def feed_page(self, feed: str, query: dict[str, str], jsonp: str | None) -> Response:
        try:
            count = max(1, min(MAX_COUNT, int(query.get("count", "20"))))
            page = max(1, int(query.get("pageindex", "1")))
        except ValueError:
            return _json(400, {"rc": 0, "message": "bad paging"}, f"feed:{feed}")
        if f"feed:{feed}:{page}" in self.overrides:
            return self.overrides[f"feed:{feed}:{page}"]
        listed = self.feeds.get(feed, [])[(page - 1) * count: page * count]
        kind = "market" if feed.startswith("market") else feed
        items = [self.feed_item(kind, article) for article in listed]
        list_key = {"roll": "records", "media": "nodeList", "market": "record"}[kind]
        return _json(200, {"rc": 1, list_key: items}, f"feed:{feed}", jsonp)

    @staticmethod
    def feed_item(kind: str, article: ReplayArticle) -> dict[str, Any]:
        code = article.info_code
        if kind == "roll":
            return {"id": code[2:], "infoCode": code, "title": article.title,
                    "digest": f"【{article.title}】{article.digest}", "showtime": article.showtime,
                    "url_w": f"http://finance.eastmoney.com/a/{code[2:]}.html"}
        if kind == "media":
            return {"infocode": code, "title": article.title, "simtitle": article.title,
                    "simdigest": article.digest, "showtime": article.showtime, "from": article.media}
        return {"infoCode": code, "title": article.title, "datetime": article.showtime,
                "medianame": article.media}

    def share_page(self, code: str) -> Response:
        if f"share:{code}" in self.overrides:
            return self.overrides[f"share:{code}"]
        article = self.by_code.get(code)
        template = "mobile" if article is not None and article.template == "mobile" else "desktop"
        body = "" if article is None or article.template == "shell" else decorate_body(article.body)
        return self._page(article, template, body, "share", code)

    def today_page(self, digits: str, mobile: bool) -> Response:
        """`/a/{code}.html` (desktop; empty body for a script-shell article) or `/m/a/{code}.html` (mobile)."""
        article = self.by_digits.get(digits)
        if mobile:
            body = today.today_body(decorate_body(article.body)) if article is not None else ""
        else:
            body = "" if article is None or article.template == "shell" else today.today_body(decorate_body(article.body))
        return self._page(article, "mobile" if mobile else "desktop", body, "page", f"NW{digits}")

    def _page(self, article: ReplayArticle | None, template: str, body: str, kind: str, code: str) -> Response:
        """An article page in `template`; 404 for a missing article, the notice for a withdrawn one."""
        if article is None or article.status == "missing":
            return replace(_html(404, self.templates["notfound"].substitute(), kind), article=code)
        if article.status == "withdrawn":
            return replace(_html(200, self.templates["withdrawn"].substitute(notice=WITHDRAWN_NOTICE), kind), article=code)
        digest = f'<div class="b-review">摘要 {html.escape(article.digest)}</div>' if article.digest else ""
        source = html.escape(article.media)
        if template == "desktop" and article.template == "desktop":
            source = f'<a href="http://www.eastmoney.com/" target="_blank">{source}</a>'
        page = self.templates[template].substitute(
            title=html.escape(article.title), time=article.page_time, source=source,
            digest=digest if template == "desktop" else html.escape(article.digest),
            body=body or "<!--文章主体-->",
        )
        return replace(_html(200, page, kind), article=code)

    def text_api(self, code: str) -> Response:
        if f"text:{code}" in self.overrides:
            return self.overrides[f"text:{code}"]
        article = self.by_code.get(code)
        if article is None or article.status != "ok":
            return _json(200, {"rc": 0, "text": ""}, "text_api")
        return _json(200, {"rc": 1, "infoCode": code, "title": article.title, "showtime": article.showtime,
                           "medianame": article.media, article.api_field: article.body}, "text_api")
