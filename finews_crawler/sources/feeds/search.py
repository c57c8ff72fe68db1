"""Today's per-stock search (SOURCE-SITE.md §6): the articles on one security, for a watch-list.

One feed per watched security (`FeedSpec.keyword`: its code).  The request
asks for no highlighting; a server that highlights anyway has its `<em>`
taken out of titles and snippets.  Since late 2025 the live endpoint often
answers HTTP 200 with only `passportWeb` in `result` when a request does not
look like a browser: that is a refusal (`Refused`), never "no news".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from finews_crawler.sources.feeds.kind import Keys, TodayKind
from finews_crawler.sources.feeds.payload import FeedError, Refused

if TYPE_CHECKING:
    from finews_crawler.sources.feeds import FeedSpec

LIST_TYPE = "cmsArticleWebOld"
_HIGHLIGHT = re.compile(r"</?em\b[^<>]{0,200}>", re.IGNORECASE)


class Search(TodayKind):
    name = "search"
    base = "search"
    keys = Keys(items=LIST_TYPE, code="code", time="date", media="mediaName", digest="content")
    needs = ("keyword",)
    # What the search page sends: without them the live endpoint answers with a refusal (passportWeb).
    headers = {"Referer": "https://so.eastmoney.com/", "Accept": "*/*", "Accept-Language": "zh-CN,zh;q=0.9"}

    def url(self, spec: FeedSpec, base: str, page: int, count: int, cursor: str) -> str:
        """The search request: highlighting off, default scope and order unless the feed's options say otherwise."""
        options = {"searchScope": "default", "sort": "default", "preTag": "", "postTag": "", **dict(spec.options),
                   "pageIndex": page, "pageSize": count}
        param = {"uid": "", "keyword": spec.keyword, "type": [LIST_TYPE], "client": "web", "clientType": "web",
                 "clientVersion": "curr", "param": {LIST_TYPE: options}}
        return f"{base}/search/jsonp?{urlencode({'cb': 'cb', 'param': json.dumps(param, separators=(',', ':'))})}"

    def data(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        if payload.get("code") != 0:
            raise FeedError(f"code={payload.get('code')!r} ({payload.get('msg', '')!s:.80})")
        result = payload.get("result")
        if not isinstance(result, Mapping) or not isinstance(result.get(LIST_TYPE), list):
            given = sorted(result)[:5] if isinstance(result, Mapping) else type(result).__name__
            raise Refused(f"HTTP 200 with no article list (result: {given}): the source refused the search "
                          "(its request: FINEWS_HEADERS' search entry and FINEWS_SEARCH_OPTIONS)")
        return result

    def prepare(self, item: Mapping[str, Any]) -> Mapping[str, Any]:
        return {**item, **{key: _HIGHLIGHT.sub("", item[key]) for key in ("title", "content")
                           if isinstance(item.get(key), str)}}
