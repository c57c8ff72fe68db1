"""Hostile and broken input served by the replay site: every case ends in a clean post or a
counted drop or error with a log line; the crawl survives, both site builders build the result."""

from __future__ import annotations

import re
import shutil
from collections import Counter
import subprocess

import pytest
from lxml import etree, html as lxml_html

from conftest import run_crawl, run_scrapy

from finews_crawler.testing.runs import server_stats
from finews_crawler.replay.server import ReplayServer
from helpers import post_body, read_post
from finews_crawler.testing.text import visible_text
from hostile_site import BROKEN_FEED_PAGES, TITLES, build

pytestmark = pytest.mark.e2e

FORBIDDEN = ("<script", "onerror", "javascript:", "data:text", "<iframe", "<svg", "<math", "expression(",
             "<object", "<embed", "<form", "<input", "<style")


@pytest.fixture(scope="module")
def hostile(replay_site, tmp_path_factory):
    site, cases = build(replay_site)
    workdir = tmp_path_factory.mktemp("hostile")
    with ReplayServer(site) as server:
        returncode, log, stats = run_crawl(workdir, {
            "FINEWS_API_BASE": server.url, "FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "FINEWS_EXPORT_DIR": str(workdir / "site"), "RETRY_TIMES": "0"})
        counted = server_stats(server)
    posts = {path.stem.split("-", 3)[3]: path for path in (workdir / "site" / "_posts").glob("*.md")}
    return cases, returncode, log, stats, posts, counted, workdir


def test_the_crawl_survives_and_says_it_read_the_broken_feeds_only_in_part(hostile):
    cases, returncode, log, stats, *_ = hostile
    assert returncode == 5, log[-3000:]
    assert "finews: feeds read only in part" in log.rstrip().splitlines()[-1]
    assert "Traceback" not in log and "spider_exceptions/count" not in stats


def test_every_case_ends_as_expected_and_nothing_is_lost(hostile):
    cases, _, log, stats, posts, *_ = hostile
    expected_posts = {case.code for case in cases if case.expect == "post"}
    assert set(posts) == expected_posts
    expected = Counter(case.expect for case in cases if case.expect.startswith("drop:"))
    for expect, count in expected.items():  # every case counted: not one counter shared by several cases
        assert stats.get(f"finews/dropped/{expect[5:]}", 0) == count, expect
    for case in cases:
        kind, _, reason = case.expect.partition(":")
        if kind == "drop":
            assert case.code not in posts
        elif kind == "error":
            assert stats.get(f"finews/errors/{reason}", 0) >= 1, case.why
            assert re.search(rf"{re.escape(case.code)}: .+", log), f"no log line for {case.why}"


def test_posts_are_sanitised(hostile):
    """No active markup in any post body; where names and digests are plain, not even the words."""
    _, _, _, _, posts, *_ = hostile
    for code, path in posts.items():
        front, rest = read_post(path)
        body = lxml_html.fragment_fromstring(post_body(rest), create_parent="div").getroottree()
        assert _active_in(body) == [], code
        if "javascript" not in front.get("source", "") + front.get("excerpt", ""):
            lowered = rest.lower()
            assert not [needle for needle in FORBIDDEN if needle in lowered], code


def test_titles_round_trip_through_the_front_matter(hostile):
    _, _, _, _, posts, *_ = hostile
    titles = {read_post(path)[0]["title"] for path in posts.values()}
    for title in TITLES:
        assert " ".join(title.split()) in titles, title


def test_encodings_are_read_as_chinese_text(hostile):
    cases, _, _, _, posts, *_ = hostile
    for case in cases:
        if "GBK" in case.why or "BOM" in case.why:
            _, rest = read_post(posts[case.code])
            assert "上证指数今日收涨0.5%" in visible_text(rest.split("\n\n<")[0]), case.why


def test_feed_pages_that_are_garbage_are_counted_and_the_duplicate_fetched_once(hostile):
    cases, _, _, stats, _, counted, _ = hostile
    assert stats["finews/errors/feed"] == BROKEN_FEED_PAGES
    duplicate = next(case.code for case in cases if "twice" in case.why)
    assert counted["share_pages"][duplicate] == 1


def test_media_names_give_safe_category_slugs_and_pages(hostile):
    _, _, _, _, posts, _, workdir = hostile
    for path in posts.values():
        front, _ = read_post(path)
        assert re.fullmatch(r"[a-z0-9]+", front["categories"]), front["categories"]
        assert (workdir / "site" / "category" / f"{front['categories']}.html").exists()
    assert not list(workdir.glob("**/etc")) and not (workdir.parent / "etc").exists()


ACTIVE_TAGS = ("script", "iframe", "object", "embed", "form", "svg", "math", "base", "meta[@http-equiv]")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")


def _active_in(tree) -> list[str]:
    found = [f"<{element.tag}>" for element in tree.xpath(" | ".join(f"//{tag}" for tag in ACTIVE_TAGS))]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"<{element.tag} {name}>")
            elif name.lower() in URL_ATTRIBUTES and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                found.append(f"<{element.tag} {name}={value[:40]}>")
    return found


def active_content(site) -> list[str]:
    """Active content anywhere in a built site: every HTML page, and the HTML inside its feeds' descriptions."""
    found = []
    for page in sorted(site.rglob("*.html")):
        found += [f"{page.relative_to(site)}: {what}" for what in _active_in(lxml_html.fromstring(page.read_bytes()))]
    for feed in sorted(site.rglob("*.xml")):
        for description in etree.fromstring(feed.read_bytes()).iter("description", "{*}summary", "{*}content"):
            if description.text and description.text.strip():
                fragment = lxml_html.fragment_fromstring(description.text, create_parent="div")
                found += [f"{feed.relative_to(site)}: {what}" for what in _active_in(fragment.getroottree())]
    return found


def test_the_active_content_check_finds_what_it_looks_for(tmp_path):
    (tmp_path / "a.html").write_text('<p onclick="x">a</p><a href=" javascript:x">b</a><script>c</script>')
    assert active_content(tmp_path) == ["a.html: <script>", "a.html: <p onclick>", "a.html: <a href= javascript:x>"]


def test_hostile_names_and_digests_reach_posts_as_one_line_of_bounded_text(hostile):
    _, _, _, _, posts, _, workdir = hostile
    for path in posts.values():
        front, rest = read_post(path)
        for key in ("source", "excerpt"):
            value = front.get(key, "")
            assert "\n" not in value and "<" not in value and len(value) <= 1000, (key, value[:80])
        assert len(front["categories"]) <= 60
        assert rest.count("\n\n") == 2  # body, share link, back links: no name or digest adds a block


def _shown_titles(site) -> set[str]:
    """The titles the built post pages show their readers (each page's h1)."""
    return {" ".join(lxml_html.fromstring(page.read_bytes()).xpath("string(//h1)").split())
            for page in site.glob("[0-9]*/*/*/NW*.html")}


@pytest.mark.jekyll
def test_the_hostile_site_builds_with_jekyll_and_shows_every_post(hostile):
    _, _, _, _, posts, _, workdir = hostile
    done = subprocess.run(["jekyll", "build", "--strict_front_matter", "--source", str(workdir / "site"),
                           "--destination", str(workdir / "_site")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    built = {page.stem for page in (workdir / "_site").glob("[0-9]*/*/*/NW*.html")}
    assert built == set(posts)
    assert active_content(workdir / "_site") == []  # every feed parses (a `]]>` would break it) and is inert
    shown = _shown_titles(workdir / "_site")
    assert {" ".join(title.split()) for title in TITLES} <= shown, {" ".join(t.split()) for t in TITLES} - shown


@pytest.mark.hugo
def test_the_hostile_site_builds_with_hugo_and_shows_every_post(hostile, tmp_path):
    _, _, _, _, posts, _, workdir = hostile
    done = run_scrapy("export", "--format", "hugo", "--out", str(tmp_path / "hugo"),
                      "-s", f"FINEWS_DATABASE_URL=sqlite:///{workdir / 'db.sqlite3'}")
    assert done.returncode == 0, done.stderr
    done = subprocess.run(["hugo", "--source", str(tmp_path / "hugo"), "--destination", str(tmp_path / "public")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    built = {page.stem for page in (tmp_path / "public").glob("[0-9]*/*/*/NW*.html")}
    assert built == set(posts)
    assert active_content(tmp_path / "public") == []
    shown = _shown_titles(tmp_path / "public")
    assert {" ".join(title.split()) for title in TITLES} <= shown, {" ".join(t.split()) for t in TITLES} - shown
    # Every term page is a safe slug inside its taxonomy's folder; nothing is written beside public/.
    for taxonomy in ("tags", "categories"):
        assert all(re.fullmatch(r"[a-z0-9]+(\.(html|xml))?", page.name)
                   for page in (tmp_path / "public" / taxonomy).iterdir()), taxonomy
    assert sorted(path.name for path in tmp_path.iterdir()) == ["hugo", "public"]
    shutil.rmtree(tmp_path / "public")
