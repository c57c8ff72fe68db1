"""Today's endpoints of the replay site (SOURCE-SITE.md §6): fast news, column lists, per-stock search,
article pages.

Built from the same articles as the 2021 endpoints (`site.py`): the roll
feed's articles are today's 7×24 fast news (cursor paging on `realSort`),
the media-named ones (media and market feeds) column 1207's list, and every
article has a page at `/a/{code}.html` (desktop template with today's junk
inside the body) and `/m/a/{code}.html` (mobile), where `code` is the
infoCode's 18 digits.  Pure functions: `ReplaySite.respond` routes to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from finews_crawler.replay.site import ReplayArticle

BEIJING = timezone(timedelta(hours=8))
FAST_COLUMN = "102"
COLUMN = "1207"
MAX_PAGE_SIZE = 100
# Today's junk inside #ContentBody (§6): a promotion link on top, a disclaimer at the end.
PROMOTION = '<p class="toplink"><a href="https://marketing.eastmoney.example/mx" target="_blank">全新妙想投研助理，立即体验</a></p>'
DISCLAIMER = ("<p>郑重声明：东方财富发布此内容旨在传播更多信息，与本站立场无关，不构成投资建议。"
              "据此操作，风险自担。</p>")
# The replay site's own reading of §7's markup (not finews's: a test of one must not lean on the other).
_SECIDS = re.compile(r'id="(?:stock_|bk_|Info\.)(?P<a>\d{1,3}\.[A-Za-z0-9]+)"'
                     r'|data-code="(?P<m>\d{1,3}),(?P<c>[A-Za-z0-9]+)"'
                     r'|data-code="(?P<c2>[A-Za-z0-9]+)\|(?P<m2>\d{1,3})\|'
                     r'|quote\.eastmoney\.com/(?:unify/)?r/(?P<b>\d{1,3}\.[A-Za-z0-9]+)')
SEARCH_TYPE = "cmsArticleWebOld"
_TAGS = re.compile(r"<[^<>]*>")


def code_of(article: ReplayArticle) -> str:
    return article.info_code[2:]


def real_sort(article: ReplayArticle) -> str:
    """The fast list's cursor value: milliseconds of the time, then three digits of the code."""
    moment = datetime.strptime(article.showtime, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    digits = re.sub(r"\D", "", code_of(article))  # a malformed code (hostile data) still sorts
    return f"{int(moment.timestamp() * 1000)}{digits[-3:]:0>3}"


def stock_list(article: ReplayArticle) -> list[str]:
    """The secids the body's quote markup names (§7), in order, once each."""
    found = (m["a"] or m["b"] or (f"{m['m']}.{m['c']}" if m["m"] else f"{m['m2']}.{m['c2']}")
             for m in _SECIDS.finditer(article.body))
    return list(dict.fromkeys(found))


def search(articles: Iterable[ReplayArticle], query: dict[str, str], refuse: bool) -> dict[str, Any]:
    """The per-stock search (§6): the articles whose markup names the keyword's security, newest first,
    `<em>` around the keyword when asked, paged; refusing, the live endpoint's HTTP 200 without a list."""
    try:
        param = json.loads(query.get("param", ""))
        keyword = str(param["keyword"])
        options = param["param"][SEARCH_TYPE]
        index, size = max(1, int(options.get("pageIndex", 1))), max(1, min(MAX_PAGE_SIZE, int(options.get("pageSize", 10))))
    except (ValueError, KeyError, TypeError):
        return {"code": 1, "msg": "bad param", "hitsTotal": 0, "result": {}}
    if refuse:
        return {"code": 0, "msg": "OK", "hitsTotal": 0, "result": {"passportWeb": []}}
    wanted = keyword.upper()
    hits = sorted((a for a in articles if a.status == "ok" and a.showtime
                   and any(secid.split(".", 1)[1].upper() == wanted for secid in stock_list(a))),
                  key=lambda a: a.showtime, reverse=True)
    pre, post = str(options.get("preTag", "")), str(options.get("postTag", ""))

    def marked(text: str) -> str:
        return text.replace(keyword, f"{pre}{keyword}{post}") if pre or post else text

    items = [{"date": a.showtime, "mediaName": a.media, "code": code_of(a), "title": marked(a.title),
              "content": marked(_TAGS.sub("", a.body)[:120]), "url": f"http://finance.eastmoney.com/a/{code_of(a)}.html",
              "image": ""} for a in hits[(index - 1) * size: index * size]]
    return {"code": 0, "msg": "OK", "hitsTotal": len(hits), "result": {SEARCH_TYPE: items}}


def _page_size(query: dict[str, str], key: str, default: int) -> int:
    try:
        return max(1, min(MAX_PAGE_SIZE, int(query.get(key, default))))
    except ValueError:
        return default


# The shapes other public clients' fixtures show today's lists in (SOURCE-SITE.md §6a), served on demand
# (`ReplaySite.shapes`, `--shapes` of the server): each one a way a crawler could end a feed in silence.
SHAPES = frozenset({
    "page_cap",        # the server answers at most 10 items a page, whatever was asked
    "no_sort_end",     # no data.sortEnd: clients page on with the last item's realSort
    "ms_real_sort",    # every other realSort in milliseconds (13 digits) among the 16-digit ones
    "twice",           # a page's first item listed again at its end
    "empty_titles",    # every third fast item with "title": "" (the headline is in the summary's 【…】)
    "bare_columns",    # column answers with neither code nor message, only data.list and its counters
})
# Not a shape any client has seen, but what a crawler must notice: items with neither sortEnd nor realSort.
NO_CURSOR = "no_cursor"
PAGE_CAP = 10


def _served_size(query: dict[str, str], key: str, default: int, shapes: frozenset[str]) -> int:
    size = _page_size(query, key, default)
    return min(size, PAGE_CAP) if "page_cap" in shapes else size


def fast_news(articles: Iterable[ReplayArticle], query: dict[str, str],
              shapes: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The 7×24 list: newest first, older than `sortEnd` when it is given; `data: null` without the cursor."""
    if "sortEnd" not in query or "req_trace" not in query or query.get("fastColumn", FAST_COLUMN) != FAST_COLUMN:
        return {"req_trace": query.get("req_trace", ""), "code": "1", "message": "success", "data": None}
    listed = sorted((a for a in articles if "roll" in a.feeds and a.showtime), key=real_sort, reverse=True)
    if query["sortEnd"]:
        cursor = int(query["sortEnd"])
        cursor = cursor * 1000 + 999 if len(query["sortEnd"]) == 13 else cursor  # milliseconds, as some send
        listed = [a for a in listed if int(real_sort(a)) < cursor]
    page = listed[:_served_size(query, "pageSize", 50, shapes)]
    items = [{"code": code_of(a), "title": "" if "empty_titles" in shapes and n % 3 == 1 else a.title,
              "summary": f"【{a.title}】{a.digest}", "showTime": a.showtime, "stockList": stock_list(a), "image": [],
              "titleColor": 0, "realSort": real_sort(a)[:13] if "ms_real_sort" in shapes and n % 2 else real_sort(a)}
             for n, a in enumerate(page)]
    if "twice" in shapes and items:
        items.append(dict(items[0]))
    if NO_CURSOR in shapes:
        items = [{key: value for key, value in item.items() if key != "realSort"} for item in items]
    data: dict[str, Any] = {"total": len(listed), "fastNewsList": items}
    if "no_sort_end" not in shapes and NO_CURSOR not in shapes:
        data["sortEnd"] = items[-1]["realSort"] if items else ""
    return {"req_trace": query["req_trace"], "code": "1", "message": "success", "data": data}


def column_list(articles: Iterable[ReplayArticle], query: dict[str, str],
                shapes: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Column 1207: the media-named articles, newest first, paged by `page_index`."""
    listed = [] if query.get("column") != COLUMN else sorted(
        (a for a in articles if a.media and a.showtime and any(f != "roll" for f in a.feeds)),
        key=lambda a: a.showtime, reverse=True)
    try:
        index = max(1, int(query.get("page_index", "1")))
    except ValueError:
        index = 1
    size = _served_size(query, "page_size", 20, shapes)
    page = listed[(index - 1) * size: index * size]
    items = [{"code": code_of(a), "showTime": a.showtime, "title": a.title, "summary": a.digest,
              "mediaName": a.media, "image": "", "url": "",
              "uniqueUrl": f"http://finance.eastmoney.com/a/{code_of(a)}.html"} for a in page]
    if "twice" in shapes and items:
        items.append(dict(items[0]))
    if "bare_columns" in shapes:  # sic: totle_hits, as the source spells it
        return {"data": {"list": items, "page_index": index, "page_size": size, "totle_hits": len(listed)}}
    return {"code": "1", "message": "success", "data": {"list": items}}


def today_body(body: str) -> str:
    """The body as today's page serves it: the promotion on top, the disclaimer at the end."""
    return f"{PROMOTION}\n{body}\n{DISCLAIMER}"
