"""Links that resolve: build both sites from a crawl and follow every internal link of every page.

Also: no post or page points at the replay site's loopback address, and
the pages a reader navigates by are named in Chinese (media names, not
pinyin slugs; 分类 / 标签, not Categories / Tags).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html


pytestmark = [pytest.mark.e2e, pytest.mark.jekyll, pytest.mark.hugo]

LOOPBACK = re.compile(r"127\.0\.0\.1|localhost|\[::1\]")


def _links(page: Path, root: Path) -> list[tuple[str, str]]:
    """(link as written, site path it resolves to) for every internal link of a built page."""
    tree = lxml_html.fromstring(page.read_bytes())
    here = "/" + page.relative_to(root).as_posix()
    found = []
    for element, attribute, link, _ in tree.iterlinks():
        parts = urlsplit(link)
        if parts.scheme or link.startswith("//") or not parts.path or element.tag == "a" and link.startswith("#"):
            continue
        target = parts.path if parts.path.startswith("/") else posixpath.join(posixpath.dirname(here), parts.path)
        found.append((link, posixpath.normpath(unquote(target)) + ("/" if parts.path.endswith("/") else "")))
    return found


def _resolves(root: Path, target: str) -> bool:
    relative = target.lstrip("/")
    candidates = [root / relative / "index.html"] if target.endswith("/") else [
        root / relative, root / f"{relative}.html", root / relative / "index.html"]
    return any(candidate.is_file() for candidate in candidates)


def dead_links(root: Path) -> list[str]:
    dead = []
    for page in sorted(root.rglob("*.html")):
        for link, target in _links(page, root):
            if not _resolves(root, target):
                dead.append(f"{page.relative_to(root)}: {link}")
    return dead


def test_every_internal_link_of_the_built_jekyll_site_resolves(jekyll_site):
    assert len(list(jekyll_site.rglob("*.html"))) > 100
    assert dead_links(jekyll_site) == []


def test_every_internal_link_of_the_built_hugo_site_resolves(hugo_site):
    assert len(list(hugo_site.rglob("*.html"))) > 100
    assert dead_links(hugo_site) == []


def test_the_link_checker_finds_a_dead_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text('<a href="/b/c.html">c</a><a href="../a/x.html">me</a><a href="y/">y</a>')
    assert dead_links(tmp_path) == ["a/x.html: /b/c.html", "a/x.html: y/"]


def test_no_post_or_built_page_points_at_the_loopback_replay_site(crawl, jekyll_site, hugo_site):
    for path in [*crawl.posts.values(), *jekyll_site.rglob("*.html"), *hugo_site.rglob("*.html")]:
        assert not LOOPBACK.search(path.read_text(encoding="utf-8")), path


def test_posts_link_to_the_public_article_page_of_the_source(crawl):
    text = crawl.posts["NW202205302396506117"].read_text(encoding="utf-8")
    assert "<https://finance.eastmoney.com/a/202205302396506117.html>" in text


def test_category_indexes_name_media_not_slugs(jekyll_site, hugo_site):
    jekyll_index = (jekyll_site / "category" / "index.html").read_text(encoding="utf-8")
    assert "央行网站新闻" in jekyll_index and ">yanghangwangzhan<" not in jekyll_index
    hugo_index = (hugo_site / "categories.html").read_text(encoding="utf-8")
    assert "<h1>分类</h1>" in hugo_index and "央行网站新闻" in hugo_index and ">yanghangwangzhan<" not in hugo_index
    term = (hugo_site / "categories" / "yanghangwangzhan.html").read_text(encoding="utf-8")
    assert "<h1>央行网站新闻</h1>" in term
    assert "<h1>标签</h1>" in (hugo_site / "tags.html").read_text(encoding="utf-8")
    assert not re.search(r">\s*(Categories|Tags)\s*<", hugo_index)
