"""The desktop article template (SOURCE-SITE.md §2, §6): 2021 share pages and today's `/a/{code}.html`."""

from __future__ import annotations

from .template import Template

TEMPLATE = Template("desktop", title=".newsContent h1", infos=".newsContent .infos .item",
                    digest=".newsContent .b-review", body="#ContentBody")


def share_url(share_base: str, info_code: str) -> str:
    """A 2021 share page."""
    return f"{share_base}/html_News/NewsShare.html?infoCode={info_code}"


def article_url(page_base: str, info_code: str) -> str:
    """Today's article page: the infoCode's digits are today's code."""
    return f"{page_base}/a/{info_code[2:]}.html"
