"""The mobile article template (SOURCE-SITE.md §2, §6): some 2021 share pages, and today's mobile pages."""

from __future__ import annotations

from finews_crawler.sources.pages.template import Template

TEMPLATE = Template("mobile", title=".atitle", infos=".time, .source",
                    digest=".digest_content", body="article#zwtext")


def article_url(mobile_base: str, info_code: str) -> str:
    """Today's mobile article page, the one clients read when the desktop body is empty."""
    return f"{mobile_base}/a/{info_code[2:]}.html"
