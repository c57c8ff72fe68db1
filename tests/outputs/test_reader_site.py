"""The reader's site, built by both site builders from a crawl: security pages, feeds, style, and real pages
opened in a headless browser (Debian's chromium, with a CJK font), a screenshot of each kept as an artefact."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html

from conftest import run_scrapy
from helpers import REPO
from finews_crawler.testing.text import visible_text

pytestmark = [pytest.mark.e2e, pytest.mark.jekyll, pytest.mark.hugo]

SCREENSHOTS = Path(os.environ.get("FINEWS_SCREENSHOTS", REPO / "build" / "screenshots"))
STYLESHEET = "/assets/site.css"


def _naming(crawl) -> dict[str, tuple[str, set[str]]]:
    """symbol -> (kind, infoCodes of the stored articles naming it), from the crawl's database."""
    found: dict[str, tuple[str, set[str]]] = {}
    with sqlite3.connect(crawl.database) as connection:
        for symbol, kind, code in connection.execute(
                "select s.symbol, s.kind, l.info_code from article_securities l join securities s using (secid)"):
            found.setdefault(symbol, (kind, set()))[1].add(code)
    return found


def _listed(page: Path) -> set[str]:
    """The infoCodes of the posts a built list page links to."""
    tree = lxml_html.fromstring(page.read_bytes())
    return {href.rsplit("/", 1)[1].removesuffix(".html") for href in tree.xpath('//ul[@class="post-list"]//a/@href')}


def test_the_crawl_filled_the_security_tables_from_every_article_that_names_one(crawl):
    naming = _naming(crawl)
    assert len(naming) >= 10 and {kind for kind, _ in naming.values()} >= {"stock", "sector", "index"}
    assert naming["600519.SH"][1] >= {"NW202205252390829633", "NW202205312397987746"}


def test_every_jekyll_security_page_lists_exactly_the_articles_naming_it(crawl, jekyll_site):
    naming = _naming(crawl)
    for symbol, (_, codes) in naming.items():
        assert _listed(jekyll_site / "stock" / f"{symbol}.html") == codes, symbol
    index = lxml_html.fromstring((jekyll_site / "stock" / "index.html").read_bytes())
    assert {href.rsplit("/", 1)[1] for href in index.xpath("//main//a/@href")} == {f"{s}.html" for s in naming}


def test_every_hugo_security_term_page_lists_exactly_the_articles_naming_it(crawl, hugo_site):
    for symbol, (kind, codes) in _naming(crawl).items():
        assert _listed(hugo_site / ("sectors" if kind == "sector" else "stocks") / f"{symbol}.html") == codes, symbol


def test_a_post_links_each_security_it_names_to_its_page_on_both_sites(crawl, jekyll_site, hugo_site):
    post = "2022/06/01/NW202206010000000001.html"  # names 招商银行 (600036.SH) and the 证券 board (BK0473)
    for site, pages in ((jekyll_site, ("/stock/600036.SH.html", "/stock/BK0473.html")),
                        (hugo_site, ("/stocks/600036.SH.html", "/sectors/BK0473.html"))):
        chips = lxml_html.fromstring((site / post).read_bytes()).xpath('//ul[contains(@class, "securities")]//a')
        assert [(a.get("href"), a.text_content()) for a in chips] == [
            (pages[0], "招商银行（600036.SH）" if site == hugo_site else "招商银行600036.SH"),
            (pages[1], "证券（BK0473）" if site == hugo_site else "证券BK0473")]


def test_both_sites_have_a_feed_of_the_newest_posts(crawl, jekyll_site, hugo_site):
    atom = etree.parse(str(jekyll_site / "feed.xml")).getroot()
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed" and 0 < len(entries) <= 50
    rss = etree.parse(str(hugo_site / "index.xml")).getroot()
    assert rss.tag == "rss" and 0 < len(rss.findall("channel/item")) <= 50


@pytest.mark.parametrize("site", ["jekyll_site", "hugo_site"])
def test_every_page_uses_our_stylesheet_and_no_external_asset(request, site):
    root: Path = request.getfixturevalue(site)
    assert "font-family" in (root / STYLESHEET.lstrip("/")).read_text(encoding="utf-8")
    for page in root.rglob("*.html"):
        tree = lxml_html.fromstring(page.read_bytes())
        if tree.xpath("//meta[@http-equiv='refresh']"):
            continue  # Hugo's alias redirects
        assert tree.xpath("//link[@rel='stylesheet']/@href") == [STYLESHEET], page
        assert not [src for src in tree.xpath("//script/@src | //link/@href") if "//" in src and "127.0.0.1" not in src]


# -- a real browser -------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: run `make test` (or apt-get install chromium fonts-noto-cjk) first")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not fonts.strip():
        pytest.fail("no CJK font: run `make test` (or apt-get install fonts-noto-cjk) first, or pages render as boxes")
    return CHROMIUM


@pytest.fixture(scope="module")
def served(jekyll_site, hugo_site) -> Iterator[dict[str, str]]:
    """Both built sites over real HTTP on loopback, as a reader's browser gets them."""
    servers = {}
    for name, root in (("jekyll", jekyll_site), ("hugo", hugo_site)):
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server
    yield {name: f"http://127.0.0.1:{server.server_address[1]}" for name, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--disable-dev-shm-usage", f"--user-data-dir={SCREENSHOTS.parent / 'chromium-profile'}"]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=120)


def _open(browser: str, url: str, shot: str) -> lxml_html.HtmlElement:
    """The page's DOM as the browser built it; a desktop and a phone screenshot saved beside the others."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, suffix in ((1280, ""), (390, "-phone")):
        path = SCREENSHOTS / f"{shot}{suffix}.png"
        done = _chromium(browser, f"--window-size={width},1600", f"--screenshot={path}", url)
        assert done.returncode == 0 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", done.stderr[-2000:]
    dom = _chromium(browser, "--dump-dom", url)
    assert dom.returncode == 0 and "<main" in dom.stdout, dom.stderr[-2000:]
    return lxml_html.fromstring(dom.stdout)


PAGES = {  # (jekyll path, hugo path) of one page of each kind
    "index": ("/", "/"),
    "post": ("/2022/06/01/NW202206010000000001.html", "/2022/06/01/NW202206010000000001.html"),
    "category": ("/category/shanghaizhengquanbao.html", "/categories/shanghaizhengquanbao.html"),
    "stock": ("/stock/600036.SH.html", "/stocks/600036.SH.html"),
}


@pytest.mark.browser
@pytest.mark.parametrize("builder", ["jekyll", "hugo"])
def test_a_reader_sees_the_index_a_post_a_category_and_a_stock_page(browser, served, crawl, builder):
    base = served[builder]
    paths = {kind: pair[builder == "hugo"] for kind, pair in PAGES.items()}
    with sqlite3.connect(crawl.database) as connection:
        title, source, body = connection.execute(
            "select title, source, body from articles where info_code = 'NW202206010000000001'").fetchone()
        newest = [row[0] for row in connection.execute("select title from articles order by published_at desc limit 5")]

    index = _open(browser, base + paths["index"], f"{builder}-index")
    assert all(t in index.text_content() for t in newest) and "个股" in index.text_content()

    post = _open(browser, base + paths["post"], f"{builder}-post")
    shown = visible_text(lxml_html.tostring(post.xpath("//article")[0], encoding="unicode"))
    assert visible_text(body) in shown and title.replace(" ", "") in shown and source in shown
    links = {a.text_content(): a.get("href") for a in post.xpath('//ul[contains(@class, "securities")]//a')}
    assert any("招商银行" in text and href.endswith("600036.SH.html") for text, href in links.items()), links
    assert post.xpath('//a[starts-with(@href, "https://finance.eastmoney.com/a/")]')  # the source link

    category = _open(browser, base + paths["category"], f"{builder}-category")
    assert title in category.text_content() and "上海证券报" in category.xpath("//h1")[0].text_content()

    stock = _open(browser, base + paths["stock"], f"{builder}-stock")
    assert "招商银行" in stock.xpath("//h1")[0].text_content()
    assert [a.text_content() for a in stock.xpath('//ul[@class="post-list"]//a')] == [title]


SITE_URL = "https://news.example.com"


@pytest.mark.parametrize("builder", ["jekyll", "hugo"])
def test_with_the_sites_address_configured_every_feed_link_is_absolute(crawl, tmp_path, builder):
    """FINEWS_SITE_URL goes into the starter config, so a feed reader can follow every link of the built feed."""
    done = run_scrapy("export", "--format", builder, "--out", str(tmp_path / "src"),
                      "-s", f"FINEWS_DATABASE_URL=sqlite:///{crawl.database}", "-s", f"FINEWS_SITE_URL={SITE_URL}")
    assert done.returncode == 0, done.stdout + done.stderr
    command = (["jekyll", "build", "--source", str(tmp_path / "src"), "--destination", str(tmp_path / "out")]
               if builder == "jekyll" else ["hugo", "--source", str(tmp_path / "src"), "--destination", str(tmp_path / "out")])
    built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    feed = etree.parse(str(tmp_path / "out" / ("feed.xml" if builder == "jekyll" else "index.xml"))).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    links = ([link.get("href") for link in feed.iter(f"{atom}link")] + [e.text for e in feed.iter(f"{atom}id")]
             if builder == "jekyll" else [e.text for e in feed.iter("link", "guid")]
             + [e.get("href") for e in feed.iter(f"{atom}link")])
    assert len(links) > 50
    assert all(link and link.startswith(f"{SITE_URL}/") for link in links), [l for l in links if not l.startswith(SITE_URL)][:5]
