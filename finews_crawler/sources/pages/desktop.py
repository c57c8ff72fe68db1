"""The desktop article template (SOURCE-SITE.md §2, §6): 2021 share pages and today's `/a/{code}.html`."""

from __future__ import annotations

from datetime import date

from finews_crawler.sources.pages.template import Template

# When the layout changed is not known: the corpus's share pages (2021-12 to 2022-06) are the 2021 layout's,
# today's clients' fixtures (2026) today's; from 2023 on, today's is tried first.
CHANGED = date(2023, 1, 1)
# The 2021 share pages (SOURCE-SITE.md §2): the title only in the article head's h1 (a `div.title` elsewhere on
# such a page is not the article's).
LAYOUT_2021 = Template("desktop", title=".newsContent h1", infos=".newsContent .infos .item",
                       digest=".newsContent .b-review", body="#ContentBody", valid_until=CHANGED)
# Today's pages (SOURCE-SITE.md §6a) also title an article in `div.title`, and name the media in a
# `div.sourcebox` outside the body: 「文章来源：东方财富Choice数据 郑重声明：…」, and an original title in
# `div.sublab`: 「原标题：…」.
TEMPLATE = Template("desktop", title=".newsContent h1, div.title", infos=".newsContent .infos .item, div.sourcebox",
                    digest=".newsContent .b-review", body="#ContentBody", original_title="div.sublab",
                    valid_from=CHANGED)


def share_url(share_base: str, info_code: str) -> str:
    """A 2021 share page."""
    return f"{share_base}/html_News/NewsShare.html?infoCode={info_code}"


def article_url(page_base: str, info_code: str) -> str:
    """Today's article page: the infoCode's digits are today's code."""
    return f"{page_base}/a/{info_code[2:]}.html"
