"""Page skeletons no template knows, around real articles: what the generic extractor is measured on.

Each skeleton is the chrome of a kind of news page other sites use (header
and navigation, sidebar lists, a comment box, a share bar, related-news
blocks, a breadcrumb and an author box, a body without a container), with `{title}`, `{time}`,
`{media}` and `{body}` where the article goes.  `CHROME` holds text every
skeleton's chrome contains and no article does: found in an extraction, it
is the page around the article stored as the article.  Tests
(`tests/sources/test_generic.py`) and `bench/skeletons.py` share them.
"""

from __future__ import annotations

_HOT_PROSE = "".join(f"<p>热门文章{n}：市场继续震荡整理，资金流向出现分化，多个板块轮动上涨，成交额维持在万亿元上方。</p>"
                     for n in range(8))
_RELATED = "".join(f'<div class="rel-item"><h4><a href="/news/{n}.html">相关阅读{n}：两市成交额连续三日破万亿</a></h4>'
                   f"<p>分析人士认为，在政策预期持续升温的背景下，市场风险偏好有望逐步修复，后市仍可期待。{n}</p></div>"
                   for n in range(5))
_COMMENTS = "".join(f'<div class="cmt"><span class="user">网友{n}</span><p>网友评论：这波行情我看好，明天继续加仓，'
                    f"大家怎么看？坐等翻倍。{n}</p><span>回复</span> <span>点赞 {n * 7}</span></div>" for n in range(6))

SKELETONS: dict[str, str] = {
    # Header with navigation, a sidebar list of links, a share box, a footer.
    "portal": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 财经频道</title></head><body>
<header class="site-head"><nav><a href="/">首页</a> <a href="/stock">股票</a> <a href="/fund">基金</a></nav></header>
<div class="layout"><aside class="side"><h3>热门</h3><ul><li><a href="/x1">沪指收涨0.5% 成交额放大</a></li>
<li><a href="/x2">北向资金净买入</a></li></ul></aside>
<main class="page"><div class="post-head"><h1 class="post-title">{title}</h1><span class="post-time">{time}</span>
<span class="post-src">{media}</span></div><section class="post-body">{body}</section>
<div class="share-box">分享到：<a href="#">微信</a> <a href="#">微博</a></div></main></div>
<footer>版权所有 © 财经网 京ICP备00000000号</footer></body></html>""",
    # A sidebar of hot articles written as prose, and a disclaimer beside the article.
    "prose_sidebar": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="top"><a href="/">首页</a> <a href="/kx">快讯</a></div>
<div class="wrap"><div class="left"><h1>{title}</h1><div class="txt">{body}</div></div>
<div class="right"><h3>热门文章</h3>""" + _HOT_PROSE + """<p>以上内容仅供参考，不构成投资建议。</p></div></div></body></html>""",
    # Readers' comments (prose) under the article, with a comment form.
    "comments": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_财经网</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/news">新闻</a> &gt; 正文</div>
<article><h1>{title}</h1><p class="meta">{time} 来源：{media}</p><div class="article-content">{body}</div></article>
<section class="comments"><h3>网友评论</h3><form><textarea placeholder="发表你的看法"></textarea>
<button>发表评论</button></form>""" + _COMMENTS + """</section>
<footer>版权所有 © 财经网</footer></body></html>""",
    # Related-news blocks with summaries (prose) after the article, and a share bar with counts above it.
    "related": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div id="header"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/finance">财经</a></li>
<li><a href="/market">行情</a></li></ul></div>
<div id="main"><div class="hd"><h1 class="tit">{title}</h1><div class="info"><span>{time}</span> <span>{media}</span>
</div><div class="sharebar">分享到： <a href="#">微信</a>(12) <a href="#">微博</a>(3) <a href="#">QQ空间</a></div></div>
<div class="bd">{body}</div>
<div class="related"><h3>相关阅读</h3>""" + _RELATED + """</div></div>
<div id="footer">版权所有 © 财经网</div></body></html>""",
    # A breadcrumb, an author box, previous/next links and a newsletter prompt.
    "magazine": """<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title} | 财经周刊</title>
</head><body><div class="crumb"><a href="/">首页</a> / <a href="/macro">宏观</a> / 正文</div>
<div class="container"><div class="main-col"><h1 class="headline">{title}</h1>
<div class="byline">{media} · {time}</div><div class="story">{body}</div>
<div class="author-box"><img src="/a.png"><p>作者简介：资深财经记者，长期关注宏观经济与资本市场，版权所有。</p></div>
<div class="prev-next"><a href="/p.html">上一篇：央行公开市场操作</a> <a href="/n.html">下一篇：外汇储备规模</a></div>
<div class="subscribe"><p>订阅我们的每日早报，第一时间获取市场动态。</p><input type="email"><button>订阅</button></div>
</div></div></body></html>""",
    # The paragraphs are the headline's own siblings (no body container), a prose sidebar beside them.
    "inline": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="bar"><a href="/">首页</a></div><div class="cols"><article class="post"><h1>{title}</h1>
<div class="meta">{time} {media}</div>{body}</article><aside><h3>热门文章</h3>""" + _HOT_PROSE + """</aside></div>
</body></html>""",
}

# Text of the chrome above that no article holds: in an extraction, it is the page stored as the article.
CHROME = ("首页", "热门", "分享到", "版权所有", "京ICP备", "沪指收涨0.5%", "仅供参考，不构成投资建议", "网友评论",
          "发表评论", "相关阅读", "作者简介", "上一篇", "下一篇", "订阅我们")


def dress(skeleton: str, title: str, body: str, time: str = "", media: str = "") -> str:
    """An article's page in a skeleton."""
    return SKELETONS[skeleton].format(title=title, time=time, media=media, body=body)


def chrome_in(text: str, article_text: str) -> list[str]:
    """The chrome in an extraction's text that its article does not hold itself."""
    return [chrome for chrome in CHROME if chrome in text and chrome not in article_text]
