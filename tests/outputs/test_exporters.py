import json
from datetime import UTC, datetime

import pytest

from finews_crawler.domain.dates import BEIJING
from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.rebuild import export_hugo, export_jekyll, export_jsonl
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.outputs.rotation import Rotation
from finews_crawler.storage.database import ArticleRow, ArticleStore
from helpers import split_post
from helpers import sample_article

NOW = datetime(2022, 5, 1, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    store = ArticleStore.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    publisher = Publisher(store, None, SiteLinks())
    for day, media, slug in ((26, "财联社", "cailianshe"), (28, "证券时报", "zhengquanshibao")):
        publisher.publish(sample_article(info_code=f"NW202204{day}00000001", media=media, source=media, category=slug,
                                  tags=[f"{media}新闻"], published=datetime(2022, 4, day, 9, tzinfo=BEIJING)))
    yield store
    store.close()


def test_jekyll_export_writes_the_stored_posts_category_pages_and_starter_files(tmp_path, store):
    report = export_jekyll(store.rows(), ExportFolder(tmp_path / "out"), None, NOW)
    assert (report.articles, report.written) == (2, 2) and "_config.yml" in report.scaffolded
    for row in store.rows():
        assert (tmp_path / "out" / row.post_path).read_text(encoding="utf-8") == row.post
    assert {p.name for p in (tmp_path / "out" / "category").iterdir()} == {"cailianshe.html", "zhengquanshibao.html"}


def test_exporting_again_rewrites_nothing(tmp_path, store):
    export_jekyll(store.rows(), ExportFolder(tmp_path / "out"), None, NOW)
    again = export_jekyll(store.rows(), ExportFolder(tmp_path / "out"), None, NOW)
    assert (again.articles, again.written, again.scaffolded) == (2, 0, [])


def test_jekyll_export_applies_the_rotation_window(tmp_path, store):
    report = export_jekyll(store.rows(), ExportFolder(tmp_path / "out"), Rotation(3), NOW)
    assert report.rotated == 1
    assert [p.name for p in (tmp_path / "out" / "old_post").iterdir()] == ["2022-04-26-NW2022042600000001.md"]


def test_hugo_export_writes_content_posts_and_a_config_with_the_unsafe_renderer(tmp_path, store):
    report = export_hugo(store.rows(), ExportFolder(tmp_path / "hugo"))
    assert report.written == 2 and "hugo.yaml" in report.scaffolded
    front, _ = split_post((tmp_path / "hugo" / "content/posts/2022-04-28-NW2022042800000001.md")
                          .read_text(encoding="utf-8"))
    assert front["date"] == "2022-04-28T09:00:00+08:00" and front["categories"] == ["zhengquanshibao"]
    assert "unsafe: true" in (tmp_path / "hugo" / "hugo.yaml").read_text()


def test_jsonl_export_has_one_line_per_article_with_every_stored_column(tmp_path, store):
    report = export_jsonl(store.rows(), tmp_path / "articles.jsonl")
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert report.articles == len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert set(records[0]) == {column.key for column in ArticleRow.__table__.columns} | {"securities"}
    assert records[1]["tags"] == ["证券时报新闻"] and records[1]["published_at"] == "2022-04-28T01:00:00+00:00"


def test_since_limits_the_export_to_newer_articles(tmp_path, store):
    report = export_jsonl(store.rows(datetime(2022, 4, 27, tzinfo=BEIJING)), tmp_path / "a.jsonl")
    assert report.articles == 1
