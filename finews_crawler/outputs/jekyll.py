"""Render an article as a Jekyll post (YAML front matter + HTML body + links).

The layout follows the original site (SOURCE-SITE.md §5).  Front matter is
written by PyYAML, so any title survives a round trip, and
`render_with_liquid: false` keeps `{{ … }}` / `{% … %}` in a body literal.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

import yaml

from finews_crawler.domain.dates import BEIJING, format_post_date
from finews_crawler.domain.securities import Security, split_by_kind

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>{}()#!|])")
# Characters a YAML reader folds or rejects unless they are escaped in double quotes.
_NEEDS_ESCAPES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class _FrontMatterDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper (libyaml's when present) that double-quotes (so escapes) strings with breaks or controls."""


# Plain scalars some reader takes for something else than the string: YAML 1.1's booleans and nulls (y, n, on,
# ~), numbers of YAML 1.1 or 1.2 (0o17, 0x1F, 1e3, 1_000, 12:30, .inf), the merge and value keys, and Ruby's
# symbols (`:快讯`: Jekyll's safe loader refuses a post whose title reads as one). PyYAML, a YAML 1.1 writer,
# leaves several of them plain; they are double-quoted, as is anything that starts with an indicator.
_READ_AS_OTHER = re.compile(r"""
    (?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|=|<<)
  | [-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?
  | [-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)
  | [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
""", re.VERBOSE)
_INDICATOR = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|\s$|: | #")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Double quotes wherever a plain scalar would not read back as this very string in Jekyll (Ruby) or Hugo."""
    quote = _NEEDS_ESCAPES.search(value) or _INDICATOR.search(value) or _READ_AS_OTHER.fullmatch(value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if quote else None)


_FrontMatterDumper.add_representer(str, _represent_str)


class PostSource(Protocol):
    """What a post is made of; the item and the stored row both provide it."""

    info_code: str
    title: str
    original_title: str
    published: datetime | None
    category: str
    tags: list[str]
    source: str
    digest: str
    body: str
    share_url: str
    securities: list[Security]


@dataclass(frozen=True)
class SiteLinks:
    """Where the footer links point: `site_base` "" gives root-relative links."""

    site_base: str = ""

    def _root(self) -> str:
        base = self.site_base.strip().rstrip("/")
        if not base:
            return ""
        return base if "://" in base or base.startswith("//") else f"//{base}"

    def home(self) -> str:
        return f"{self._root()}/"

    def category(self, slug: str) -> str:
        return f"{self._root()}/category/{slug}.html"


def category_title(post: PostSource) -> str:
    """What a post's category is called on the site: its first tag (`{media}新闻`), else the slug."""
    return post.tags[0] if post.tags else post.category


def post_filename(info_code: str, published: datetime) -> str:
    """`{YYYY-MM-DD}-{infoCode}.md`, dated in Beijing time."""
    return f"{published.astimezone(BEIJING):%Y-%m-%d}-{info_code}.md"


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax in link text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def published_time(post: PostSource) -> datetime:
    if post.published is None:
        raise ValueError(f"{post.info_code}: a post needs a time")
    return post.published


def post_facts(post: PostSource) -> dict[str, Any]:
    """The fields every site builder's front matter ends with: the original title where there is one, source
    and infoCode (the digest is each one's own)."""
    facts: dict[str, Any] = {"original_title": post.original_title} if post.original_title else {}
    facts.update({"source": post.source} if post.source else {})
    facts["info_code"] = post.info_code
    return facts


def security_facts(post: PostSource) -> dict[str, Any]:
    """`stocks:` and `sectors:` (display symbols) and `security_names:` (symbol → name), each only when there is one."""
    stocks, sectors = split_by_kind(post.securities)
    names = {security.symbol: security.name for security in post.securities if security.name}
    facts = {"stocks": stocks, "sectors": sectors, "security_names": names}
    return {key: value for key, value in facts.items() if value}


def front_matter(post: PostSource) -> dict[str, Any]:
    """The front matter fields, in the original site's order, then ours."""
    return {
        "layout": "post",
        "title": post.title,
        "date": format_post_date(published_time(post)),
        "categories": post.category,
        "tags": list(post.tags),
        **security_facts(post),
        **post_facts(post),
        # Jekyll's excerpt is HTML (jekyll-feed writes it into the Atom feed inside CDATA): the digest is text,
        # escaped, so no `<` or `]]>` of the source becomes markup or ends the CDATA section.
        **({"excerpt": html.escape(post.digest, quote=False)} if post.digest else {}),
        "render_with_liquid": False,
    }


def dump_front_matter(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10**9)


def escape_template_syntax(text: str) -> str:
    """Write every `{{` and `{%` with an entity: a browser shows the same text, no template engine sees a tag.

    Jekyll 4 honours `render_with_liquid: false`; Jekyll 3 (GitHub Pages)
    ignores it and would run `{% include … %}` from an article, or fail the
    build on a stray `{{`.  Hugo would read `{{< … >}}` as a shortcode.
    """
    return text.replace("{{", "&#123;&#123;").replace("{%", "&#123;%")


def render_post(post: PostSource, links: SiteLinks) -> str:
    """The whole post file: front matter, body, share link, back links (no template syntax below the front matter)."""
    share_url = quote(post.share_url, safe=":/?=&%#;,+@~")
    footer = f"[返回{escape_markdown(category_title(post))}]({links.category(post.category)})｜[返回首页]({links.home()})"
    content = escape_template_syntax(f"{post.body}\n\n<{share_url}>\n\n{footer}\n")
    return f"---\n{dump_front_matter(front_matter(post))}---\n{content}"


def category_page_path(slug: str) -> str:
    return f"category/{slug}.html"


def render_category_page(slug: str, title: str) -> str:
    """The page a post's 返回 link points to: the `category` layout lists the slug's posts."""
    data = {"layout": "category", "title": title, "category": slug, "permalink": f"/category/{slug}.html"}
    return f"---\n{dump_front_matter(data)}---\n"


def security_page_path(symbol: str) -> str:
    return f"stock/{symbol}.html"


def render_security_page(security: Security) -> str:
    """A security's page (`stock/{symbol}.html`): the `stock` layout lists the posts naming it."""
    title = f"{security.name}（{security.symbol}）" if security.name else security.symbol
    data = {"layout": "stock", "title": title, "symbol": security.symbol, "kind": security.kind,
            "permalink": f"/{security_page_path(security.symbol)}"}
    return f"---\n{dump_front_matter(data)}---\n"
