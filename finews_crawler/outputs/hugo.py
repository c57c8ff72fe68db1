"""Render an article as a Hugo content file (`content/posts/…md`).

Front matter is YAML with an ISO 8601 date (`+08:00`) and lists for
`categories` and `tags`, as Hugo's taxonomies expect.  The body is HTML,
so the site config must let Goldmark pass it through (`unsafe: true`, in
the shipped `hugo.yaml`); finews has already sanitised it.  Hugo expands
shortcodes (`{{< … >}}`, `{{% … %}}`) in content, so every `{{` of a body
is written as the HTML entities `&#123;&#123;`: the page shows the same
text and Hugo sees no shortcode.
"""

from __future__ import annotations

from typing import Any

from finews_crawler.domain.dates import BEIJING
from finews_crawler.outputs.jekyll import (PostSource, category_title, dump_front_matter, escape_markdown, escape_template_syntax, post_facts,
                     published_time, security_facts)

CONTENT_DIR = "content/posts"


def hugo_filename(post: PostSource) -> str:
    return f"{published_time(post).astimezone(BEIJING):%Y-%m-%d}-{post.info_code}.md"


def hugo_front_matter(post: PostSource) -> dict[str, Any]:
    front = {
        "title": post.title,
        "date": published_time(post).astimezone(BEIJING).isoformat(),
        "slug": post.info_code,
        "categories": [post.category],
        # Hugo makes a page per term at /tags/{term}.html: the term is the category's safe slug, never the
        # media's name (`a/../../b新闻` wrote outside public/tags/ or failed every build); the name is its title.
        "tags": [post.category],
        "tag": category_title(post),
        **security_facts(post),  # `stocks` and `sectors` are taxonomies in the shipped hugo.yaml
        **post_facts(post),
    }
    # Hugo renders a front-matter summary as Markdown (list pages, RSS): a digest is text, so escape it.
    if post.digest:
        front["summary"] = escape_markdown(post.digest)
    return front


def render_hugo_post(post: PostSource) -> str:
    """Front matter, the shortcode-safe body, the share link and the category link."""
    # The shipped hugo.yaml has uglyURLs: a category's term page is /categories/{slug}.html.
    footer = f"[返回{escape_markdown(category_title(post))}](/categories/{post.category}.html)｜[返回首页](/)"
    content = escape_template_syntax(f"{post.body}\n\n<{post.share_url}>\n\n{footer}\n")
    return f"---\n{dump_front_matter(hugo_front_matter(post))}---\n{content}"
