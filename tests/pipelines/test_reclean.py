import dataclasses

from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.pipelines.offline import article_from_row
from finews_crawler.storage.database import ArticleRow, ArticleStore
from finews_crawler.testing.stored import stored_row
from helpers import sample_article, CODE

# Derived by the pipelines again (or a column the spider never fills): everything else is a spider's fact.
DERIVED = {"body", "source", "category", "tags", "securities", "line_media", "published"}


def test_an_article_rebuilt_from_its_row_has_every_fact_the_spider_found(tmp_path):
    """A field the rebuild forgot would be wiped by reclean (the original title once was)."""
    store = ArticleStore.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    facts = {f.name for f in dataclasses.fields(sample_article())} - DERIVED
    stored = sample_article(original_title="旧标题", page_media="页面媒体", digest="摘要", stock_list=["1.600519"],
                     time_text="2022-04-28 13:52:55")
    Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).publish(stored)
    rebuilt = article_from_row(stored_row(store, CODE))
    columns = set(ArticleRow.__table__.columns.keys())
    kept = {name for name in facts if name in columns}
    assert {"original_title", "page_media", "digest", "stock_list", "body_raw"} <= kept
    assert {name: getattr(rebuilt, name) for name in kept} == {name: getattr(stored, name) for name in kept}
    store.close()
