"""finews's commands as a user runs them: export (with real Jekyll and Hugo builds), reclean, rotate."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess

import pytest
from alembic import command
from alembic.config import Config
from lxml import html as lxml_html
from sqlalchemy import text

from conftest import run_scrapy
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.storage.database import MIGRATIONS, ArticleStore, make_engine
from helpers import sample_article

pytestmark = pytest.mark.e2e

SHORTCODES = "NW202206020000000001"


@pytest.fixture(scope="module")
def stored(crawl, tmp_path_factory):
    """The crawl's database plus one article whose body looks like Hugo and Liquid template code."""
    folder = tmp_path_factory.mktemp("stored")
    database = folder / "finews.sqlite3"
    shutil.copy(crawl.database, database)
    store = ArticleStore.from_url(f"sqlite:///{database}")
    Publisher(store, None, SiteLinks()).publish(sample_article(
        info_code=SHORTCODES, title='模板 "{{< x >}}"',
        body="<p>{{< youtube abc >}} 与 {{% notice %}} 与 {{ .Title }} 与 {% raw %}</p>"))
    codes = {row.info_code: row.title for row in store.rows()}
    store.close()
    return database, codes


def _export(database, kind, out, *extra):
    done = run_scrapy("export", "--format", kind, "--out", str(out), "-s", f"FINEWS_DATABASE_URL=sqlite:///{database}",
                      *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _heading(page):
    return lxml_html.fromstring(page.read_bytes()).findtext(".//h1")


@pytest.mark.jekyll
def test_jekyll_export_builds_with_strict_front_matter_and_has_every_article_and_category(stored, tmp_path):
    database, titles = stored
    summary = _export(database, "jekyll", tmp_path / "site")
    assert f"{len(titles)} articles; {len(titles)} files written" in summary
    done = subprocess.run(["jekyll", "build", "--strict_front_matter", "--source", str(tmp_path / "site"),
                           "--destination", str(tmp_path / "_site")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = {page.stem: page for page in (tmp_path / "_site").glob("[0-9]*/*/*/NW*.html")}
    assert {code: _heading(page) for code, page in pages.items()} == titles
    text = lxml_html.fromstring(pages[SHORTCODES].read_bytes()).text_content()
    assert "{{< youtube abc >}} 与 {{% notice %}} 与 {{ .Title }} 与 {% raw %}" in text
    categories = {page.stem for page in (tmp_path / "_site" / "category").glob("*.html")} - {"index"}
    with sqlite3.connect(database) as connection:
        assert categories == {slug for (slug,) in connection.execute("select distinct category from articles")}


@pytest.mark.hugo
def test_hugo_export_builds_and_has_every_article_with_shortcode_text_shown_literally(stored, tmp_path):
    database, titles = stored
    _export(database, "hugo", tmp_path / "hugo")
    done = subprocess.run(["hugo", "--source", str(tmp_path / "hugo"), "--destination", str(tmp_path / "public")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "raw HTML omitted" not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "public").rglob("*.html"))
    pages = {page.stem: page for page in (tmp_path / "public").glob("[0-9]*/*/*/NW*.html")}
    assert {code: _heading(page) for code, page in pages.items()} == titles
    text = lxml_html.fromstring(pages[SHORTCODES].read_bytes()).text_content()
    assert "{{< youtube abc >}} 与 {{% notice %}} 与 {{ .Title }} 与 {% raw %}" in text
    assert (tmp_path / "public" / "categories" / "cailianshe.html").exists()


def test_jsonl_export_since_a_date_has_exactly_the_newer_articles(stored, tmp_path):
    database, titles = stored
    _export(database, "jsonl", tmp_path / "all.jsonl")
    _export(database, "jsonl", tmp_path / "new.jsonl", "--since", "2022-05-31")
    everything = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    newer = [json.loads(line) for line in (tmp_path / "new.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {record["info_code"]: record["title"] for record in everything} == titles
    assert newer == [r for r in everything if r["published_at"] >= "2022-05-30T16:00:00+00:00"] and newer


def test_export_without_a_database_says_so(tmp_path):
    done = run_scrapy("export", "--format", "jsonl", "--out", str(tmp_path / "a.jsonl"), "-s", "FINEWS_STORE_DATABASE=0")
    assert done.returncode == 2 and "export reads the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_reclean_rewrites_only_the_articles_whose_output_changed(crawl, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(crawl.export_dir, site)
    database = tmp_path / "finews.sqlite3"
    shutil.copy(crawl.database, database)
    stale = crawl.posts["NW202204282363799455"]
    with sqlite3.connect(database) as connection:  # as an older cleaner had left it
        connection.execute("update articles set body = '<p>old</p>', post = 'old', content_hash = 'old' "
                           "where info_code = 'NW202204282363799455'")
    (site / "_posts" / stale.name).write_text("old", encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in (site / "_posts").iterdir() if p.name != stale.name}
    done = run_scrapy("reclean", "-s", f"FINEWS_DATABASE_URL=sqlite:///{database}", "-s", f"FINEWS_EXPORT_DIR={site}")
    assert done.returncode == 0, done.stderr
    assert f"1 updated, {len(crawl.posts) - 1} unchanged" in done.stdout
    assert (site / "_posts" / stale.name).read_text(encoding="utf-8") == stale.read_text(encoding="utf-8")
    assert {p.name: p.stat().st_mtime_ns for p in (site / "_posts").iterdir() if p.name != stale.name} == before


def test_rotate_moves_old_posts_once_and_a_bad_archive_is_refused(crawl, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(crawl.export_dir, site)
    done = run_scrapy("rotate", "--days", "3", "-s", f"FINEWS_EXPORT_DIR={site}")
    assert done.returncode == 0 and f"moved {len(crawl.posts)} posts" in done.stdout
    assert not list((site / "_posts").glob("*.md")) and len(list((site / "old_post").glob("*.md"))) == len(crawl.posts)
    assert "moved 0 posts" in run_scrapy("rotate", "-s", f"FINEWS_EXPORT_DIR={site}").stdout
    refused = run_scrapy("rotate", "--archive", "../elsewhere", "-s", f"FINEWS_EXPORT_DIR={site}")
    assert refused.returncode == 2 and "FINEWS_ROTATE_ARCHIVE must be a folder inside" in refused.stderr


def _links(database) -> set[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return set(connection.execute("select info_code, secid, name from article_securities"))


def test_reclean_gives_a_database_made_before_the_securities_its_securities_from_the_raw_bodies(crawl, tmp_path):
    database = tmp_path / "finews.sqlite3"
    shutil.copy(crawl.database, database)
    expected = _links(database)
    assert len(expected) >= 10
    engine = make_engine(f"sqlite:///{database}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # the schema before this issue: no security tables
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with engine.connect() as connection:
        assert not {"securities", "article_securities"} & set(connection.execute(
            text("select name from sqlite_master where type = 'table'")).scalars())
    with engine.begin() as connection:  # and its posts, rendered without stocks:/sectors:
        for code, post in list(connection.execute(text("select info_code, post from articles"))):
            old = re.sub(r"^(stocks|sectors|security_names):\n(?:  .*\n)+", "", post, flags=re.M)
            connection.execute(text("update articles set post = :post, content_hash = 'old' where info_code = :code"),
                               {"post": old, "code": code})
    engine.dispose()
    done = run_scrapy("reclean", "-s", f"FINEWS_DATABASE_URL=sqlite:///{database}", "-s",
                      f"FINEWS_EXPORT_DIR={tmp_path / 'site'}")
    assert done.returncode == 0, done.stderr
    assert _links(database) == expected
    named = {code for code, _, _ in expected}
    assert f"{len(named)} updated" in done.stdout or f"{len(crawl.posts)} updated" in done.stdout
    for code in named:
        post = next((tmp_path / "site" / "_posts").glob(f"*-{code}.md")).read_text(encoding="utf-8")
        assert "\nstocks:\n" in post or "\nsectors:\n" in post, code


def test_export_limited_to_one_stock_writes_only_the_articles_naming_it(stored, tmp_path):
    database, _ = stored
    out = tmp_path / "moutai.jsonl"
    _export(database, "jsonl", out, "--stock", "600519.SH", "--stock", "BK0477")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all({"600519.SH", "BK0477"} & {s["symbol"] for s in record["securities"]} for record in records)
    with sqlite3.connect(database) as connection:
        wanted = {code for (code,) in connection.execute(
            "select info_code from article_securities where secid in ('1.600519', '90.BK0477')")}
    assert {record["info_code"] for record in records} == wanted
    site = tmp_path / "site"
    _export(database, "jekyll", site, "--stock", "600519")  # a bare code: every market's 600519
    assert {p.stem.split("-", 3)[3] for p in (site / "_posts").glob("*.md")} == {
        r["info_code"] for r in records if "600519.SH" in {s["symbol"] for s in r["securities"]}}


def test_export_of_a_stock_no_article_names_is_a_one_line_error(stored, tmp_path):
    database, _ = stored
    done = run_scrapy("export", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"), "--stock", "999999.SH",
                      "-s", f"FINEWS_DATABASE_URL=sqlite:///{database}")
    assert done.returncode == 2 and "no stored article names it" in done.stderr and "Traceback" not in done.stderr


def test_reclean_runs_the_configured_item_pipelines_including_ones_added_to_them(crawl, tmp_path):
    import json

    import finews_crawler.settings as project

    site, database = tmp_path / "site", tmp_path / "finews.sqlite3"
    shutil.copytree(crawl.export_dir, site)
    shutil.copy(crawl.database, database)
    pipelines = json.dumps({**project.ITEM_PIPELINES, "tests.failing_pipeline.MarkTitles": 500})
    done = run_scrapy("reclean", "-s", f"FINEWS_DATABASE_URL=sqlite:///{database}", "-s", f"FINEWS_EXPORT_DIR={site}",
                      "-s", f"ITEM_PIPELINES={pipelines}")
    assert done.returncode == 0, done.stderr
    assert f"{len(crawl.posts)} updated, 0 unchanged" in done.stdout
    with sqlite3.connect(database) as connection:
        titles = [title for title, in connection.execute("select title from articles")]
    assert titles and all(title.startswith("【已复核】") for title in titles)
    assert "title: 【已复核】" in (site / "_posts" / crawl.posts["NW202204282363799455"].name).read_text(encoding="utf-8")
