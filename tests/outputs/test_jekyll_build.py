"""Build the crawl's export folder with Debian's real `jekyll` and read the result."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import html as lxml_html

from helpers import read_post

pytestmark = pytest.mark.jekyll

JEKYLL = shutil.which("jekyll")


@pytest.fixture(scope="module")
def built_site(crawl, tmp_path_factory):
    if JEKYLL is None:
        pytest.fail("jekyll is not installed: run `make test` (or apt-get install jekyll) first")
    source = tmp_path_factory.mktemp("jekyll") / "src"
    shutil.copytree(crawl.export_dir, source)
    destination = source.parent / "_site"
    done = subprocess.run([JEKYLL, "build", "--strict_front_matter", "--source", str(source),
                           "--destination", str(destination)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return crawl, destination


def _page_of(destination, post_path):
    year, month, day, code = post_path.stem.split("-", 3)
    return destination / year / month / day / f"{code}.html"


def test_the_export_folder_is_a_site_jekyll_builds_with_strict_front_matter(built_site):
    crawl, destination = built_site
    assert (destination / "index.html").exists()


def test_every_post_is_rendered_as_html_not_as_an_escaped_code_block(built_site):
    crawl, destination = built_site
    for code, post_path in crawl.posts.items():
        page = _page_of(destination, post_path).read_text(encoding="utf-8")
        article = page.split('<article class="post">', 1)[1]
        assert "<pre" not in article and "<code" not in article and "&lt;p&gt;" not in article, code
        assert re.search(r"<p>[^<]", article), code
        assert '<p class="em_media">（文章来源：' in article, code


def test_template_syntax_in_a_body_is_shown_literally(built_site):
    crawl, destination = built_site
    page = _page_of(destination, crawl.posts["NW202206010000000001"]).read_text(encoding="utf-8")
    shown = lxml_html.fromstring(page).text_content()
    assert "模板语法不应被执行：{{ site.title }} 与 {% include x.html %} 原样显示。" in shown


def test_titles_are_escaped_in_the_built_page(built_site):
    crawl, destination = built_site
    front, _ = read_post(crawl.posts["NW202206010000000004"])
    page = _page_of(destination, crawl.posts["NW202206010000000004"]).read_text(encoding="utf-8")
    assert front["title"].startswith("<script>")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_every_category_page_lists_each_of_its_posts(built_site):
    crawl, destination = built_site
    by_category = {}
    for code, post_path in crawl.posts.items():
        front, _ = read_post(post_path)
        by_category.setdefault(front["categories"], set()).add(code)
    for slug, codes in by_category.items():
        page = (destination / "category" / f"{slug}.html").read_text(encoding="utf-8")
        listed = set(re.findall(r'href="/\d{4}/\d{2}/\d{2}/(NW\d+)\.html"', page))
        assert listed == codes, slug
