"""A replay site of hostile and broken input (issue 5), built from the bundled site's templates.

Each case is an article (or a raw answer) and what finews must make of it:
a clean post, or a counted drop or error with a log line.  Never a crash,
a broken site build or a lost article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from finews_crawler.replay.site import ReplayArticle, ReplaySite, Response

PARAGRAPH = "<p>上证指数今日收涨0.5%，成交额较上一交易日放大。</p>"
XSS_BODY = (
    "<script>alert(1)</script><img src=x onerror=alert(2)><p>正文第一段。</p>"
    '<a href="javascript:alert(3)">坏链接</a><a href="data:text/html,<script>alert(4)</script>">数据链接</a>'
    '<iframe src="http://evil.example/"></iframe><svg><script>alert(5)</script></svg>'
    '<math><mi xlink:href="javascript:alert(6)">数学</mi></math>'
    '<p style="background:url(javascript:alert(7));width:expression(alert(8))">样式段落。</p>'
    '<object data="x.swf"></object><embed src="x.swf"><form action="http://evil.example/"><input name=a></form>'
)
TEMPLATE_BODY = "<p>{{ site.title }} 与 {% endraw %} 与 {{< youtube abc >}} 与 {{% notice %}} 与 {% include x.html %}</p>"


@dataclass(frozen=True)
class Case:
    code: str
    expect: str  # "post", or "drop:<reason>", or "error:<kind>"
    why: str


BROKEN_FEED_PAGES = 4


def _code(n: int) -> str:
    return f"NW20220602000000{n:04d}"


def _article(n: int, *, title: str = "", media: str = "证券时报", body: str = PARAGRAPH,
             showtime: str = "", feeds: tuple[str, ...] = ("media",), digest: str = "") -> ReplayArticle:
    return ReplayArticle(_code(n), title or f"普通标题{n}", showtime or f"2022-06-02 10:{n % 60:02d}:00", media, digest,
                         body, feeds)


TITLES = ['"双引号"标题', "'单引号'标题", "标题: 冒号", "# 井号开头", "---", "第一行\n第二行", "[方括号]开头",
          "*星号开头", "&符号与&amp;实体", "!感叹号开头", '<script>alert("t")</script>脚本标题', "{{ site.title }}",
          # YAML: a Ruby symbol, YAML 1.1/1.2 special scalars, every indicator in first place
          ":快讯", ":1", "::双冒号", "y", "n", "No", "on", "~", "null", "true", "0o17", "0x1F", "1e3", "1_000", "12:30",
          ".inf", "=", "<<", "- 短横", "? 问号", "@at", "`反引号", "|竖线", ">大于", "%百分号", ",逗号", "{花括号}"]
MEDIA = ["a/b 媒体", "..", "Media Name", "财经📈日报", "CNBC",
         "长" * 300,  # a file name too long for any file system, were it the slug
         "第一行\n\n[点我](javascript:alert(1))",  # a blank line would end Hugo's raw HTML block
         "<b>粗体</b>媒体<script>alert(9)</script>", "媒体](javascript:alert(2)) [x",
         "a/../../../b", "tags/../../categories/../escape"]  # a name that would be a path
DIGESTS = ["<img src=x onerror=alert(3)>摘要", "摘要\n\n[链接](javascript:alert(4))", "<script>alert(5)</script>",
           "摘" * 6000,
           # entity-encoded markup and the end of a CDATA section: text, never a tag in any feed
           "]]>", "]]><img src=x onerror=alert(6)>摘要", "&lt;img src=x onerror=alert(7)&gt;摘要",
           "&amp;lt;img src=x onerror=alert(8)&amp;gt;摘要", "&amp;#60;a href=javascript:alert(9)&amp;#62;链接"]
GOOD_TIMES = ["2022年06月02日 10:18", "2022/6/2 10:19", "2022-06-02T10:20:00+08:00"]
BAD_TIMES = ["0000-00-00 00:00:00", "2022-02-31 10:00:00"]


def build(base: ReplaySite) -> tuple[ReplaySite, list[Case]]:
    articles: list[ReplayArticle] = []
    cases: list[Case] = []
    overrides: dict[str, Response] = {}

    def add(article: ReplayArticle, expect: str, why: str) -> None:
        articles.append(article)
        cases.append(Case(article.info_code, expect, why))

    n = iter(range(1, 1000))
    add(_article(next(n), body=XSS_BODY), "post", "XSS in the body")
    add(_article(next(n), body=TEMPLATE_BODY), "post", "Jekyll and Hugo template syntax in the body")
    for title in TITLES:
        add(_article(next(n), title=title), "post", f"title {title!r}")
    for media in MEDIA:
        add(_article(next(n), media=media), "post", f"media {media!r}")
    for digest in DIGESTS:
        add(_article(next(n), digest=digest), "post", f"digest {digest[:40]!r}")
    for time in GOOD_TIMES:
        add(_article(next(n), showtime=time), "post", f"time {time!r}")
    for time in BAD_TIMES:
        add(_article(next(n), showtime=time), "drop:no_time", f"time {time!r}")
    add(_article(next(n), feeds=("media", "media")), "post", "listed twice in one feed page")

    def raw(expect: str, why: str, status: int, content_type: str, body: bytes) -> None:
        article = _article(next(n))
        add(article, expect, why)
        overrides[f"share:{article.info_code}"] = Response(status, content_type, body, "share")

    def page(article_body: str) -> str:
        return (f"<html><head><title>标题</title></head><body><div class=\"newsContent\"><h1>GBK 标题</h1>"
                f"<div class=\"Info\"><span>2022-06-02 11:00:00</span></div>"
                f"<div id=\"ContentBody\">{article_body}</div></div></body></html>")

    raw("post", "GBK page declaring its charset", 200, "text/html",
        page(PARAGRAPH).replace("<head>", '<head><meta charset="gbk">').encode("gbk"))
    raw("post", "GBK page declaring nothing", 200, "text/html", page(PARAGRAPH).encode("gbk"))
    raw("post", "UTF-8 page with a BOM", 200, "text/html", b"\xef\xbb\xbf" + page(PARAGRAPH).encode("utf-8"))
    raw("post", "UTF-8 page with invalid bytes", 200, "text/html; charset=utf-8",
        page(PARAGRAPH).encode("utf-8").replace("成交额".encode(), b"\xff\xfe\xfd"))
    raw("post", "HTML truncated mid-paragraph", 200, "text/html; charset=utf-8",
        page(PARAGRAPH + "<p>这一段被截断了").encode("utf-8")[:-40])
    raw("error:download", "a 20 MB page (DOWNLOAD_MAXSIZE)", 200, "text/html; charset=utf-8",
        page("<p>" + "大" * (7 * 1024 * 1024) + "</p>").encode("utf-8"))
    raw("error:unknown_template", "an empty 200 answer", 200, "text/html; charset=utf-8", b"")
    # Through the text API: a page's own parse (libxml2) stops at 256 levels, the API's JSON has no limit.
    add(replace(_article(next(n), body="<div>" * 200_000 + "深"), template="shell"), "drop:unsafe_markup",
        "200,000 nested elements from the text API (quadratic for an HTML5 parser)")
    add(_article(next(n), body="<p>x</p>" + "<!-- EM_StockImg_Start -->" * 40_000 + "<p>正文仍在。</p>"), "post",
        "a megabyte of quote-chart start markers without an end")

    for code in ("NW2022%2F..%2F..%2Fetc", "NW２０２２０６０２００", "NW 20220602", "../../NW20220602"):
        articles.append(ReplayArticle(code, "坏代码", "2022-06-02 12:00:00", "证券时报", "", PARAGRAPH, ("media",)))
        cases.append(Case(code, "drop:invalid_info_code", f"infoCode {code!r}"))

    # Feeds that break (BROKEN_FEED_PAGES): malformed JSON, an HTML answer, truncated JSONP; the roll feed is empty.
    overrides["feed:market37:1"] = Response(200, "application/json", b'{"rc": 1, "record": [{"infoCode": "NW1', "feed")
    overrides["feed:market38:1"] = Response(200, "text/html", b"<html><body>502 Bad Gateway</body></html>", "feed")
    overrides["feed:market39:1"] = Response(200, "application/javascript", b'cb({"rc":1,"record":[{"info', "feed")
    # A JSONP head and a megabyte of spaces: cubic for a backtracking unwrap pattern.
    overrides["feed:roll:1"] = Response(200, "application/javascript", b"var ajaxResult=" + b" " * 1_000_000, "feed")
    return ReplaySite(articles, base.templates, overrides), cases

