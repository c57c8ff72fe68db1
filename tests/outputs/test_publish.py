from datetime import datetime

import pytest

from finews_crawler.domain.dates import BEIJING
from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.outputs.rotation import Rotation
from finews_crawler.storage.database import ArticleStore
from finews_crawler.testing.stored import stored_row
from helpers import CODE, sample_article

POST = f"_posts/2022-04-28-{CODE}.md"


@pytest.fixture
def store(tmp_path):
    store = ArticleStore.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    yield store
    store.close()


def test_publishing_writes_the_row_the_post_and_the_category_page(tmp_path, store):
    published = Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).publish(sample_article())
    assert published.outcome.status == "new" and published.post_written
    assert stored_row(store, CODE).media == "财联社"
    assert (tmp_path / "site" / POST).read_text(encoding="utf-8") == stored_row(store, CODE).post
    assert "title: 财联社新闻" in (tmp_path / "site" / "category" / "cailianshe.html").read_text(encoding="utf-8")


def test_an_edited_category_page_is_never_overwritten(tmp_path, store):
    page = tmp_path / "site" / "category" / "cailianshe.html"
    page.parent.mkdir(parents=True)
    page.write_text("mine")
    Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).publish(sample_article())
    assert page.read_text() == "mine"


def test_an_unchanged_article_whose_post_was_rotated_is_not_written_back(tmp_path, store):
    folder = ExportFolder(tmp_path / "site")
    publisher = Publisher(store, folder, SiteLinks(), Rotation(3))
    publisher.publish(sample_article())
    folder.move(POST, f"old_post/2022-04-28-{CODE}.md")
    again = publisher.publish(sample_article())
    assert again.outcome.status == "unchanged" and not again.post_written
    assert not (tmp_path / "site" / POST).exists()


def test_a_changed_article_replaces_its_rotated_copy_with_one_post(tmp_path, store):
    folder = ExportFolder(tmp_path / "site")
    publisher = Publisher(store, folder, SiteLinks(), Rotation(3))
    publisher.publish(sample_article())
    folder.move(POST, f"old_post/2022-04-28-{CODE}.md")
    assert publisher.publish(sample_article(body="<p>更正</p>")).outcome.status == "updated"
    assert "更正" in (tmp_path / "site" / POST).read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "old_post" / f"2022-04-28-{CODE}.md").exists()


def test_a_new_date_moves_the_post_to_its_new_name(tmp_path, store):
    publisher = Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks())
    publisher.publish(sample_article())
    publisher.publish(sample_article(published=datetime(2022, 4, 29, 9, 0, tzinfo=BEIJING)))
    assert sorted(p.name for p in (tmp_path / "site" / "_posts").iterdir()) == [f"2022-04-29-{CODE}.md"]


def test_an_export_failure_keeps_the_row_and_says_why(tmp_path, store):
    (tmp_path / "site").write_text("a file where the folder should be")
    published = Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).publish(sample_article())
    assert published.outcome.status == "new" and not published.post_written
    assert "Not a directory" in published.export_error
    assert stored_row(store, CODE) is not None


def test_a_row_stored_by_a_run_killed_before_its_post_was_written_is_repaired(tmp_path, store):
    from finews_crawler.outputs.jekyll import render_post
    from finews_crawler.outputs.publish import row_values
    post = render_post(sample_article(), SiteLinks())
    store.upsert({**row_values(sample_article(), post, POST), "post_exported": False})  # then SIGKILL
    publisher = Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks())
    assert publisher.repair() == ([CODE], [])
    assert (tmp_path / "site" / POST).read_text(encoding="utf-8") == post
    assert store.unexported() == [] and publisher.repair() == ([], [])


def test_a_published_row_is_marked_exported_only_once_its_post_is_written(tmp_path, store):
    (tmp_path / "site").write_text("not a folder")
    Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).publish(sample_article())
    assert [row.info_code for row in store.unexported()] == [CODE]


def test_the_start_up_repair_goes_on_past_a_post_it_cannot_write(tmp_path, store):
    from dataclasses import replace

    from finews_crawler.outputs.jekyll import render_post
    from finews_crawler.outputs.publish import row_values
    other = replace(sample_article(), info_code="NW202205302396506117")
    bad = "_posts/" + "长" * 200 + ".md"  # a name no file system takes
    store.upsert({**row_values(sample_article(), render_post(sample_article(), SiteLinks()), bad), "post_exported": False})
    store.upsert({**row_values(other, render_post(other, SiteLinks()), "_posts/2022-05-30-NW202205302396506117.md"),
                  "post_exported": False})
    repaired, failed = Publisher(store, ExportFolder(tmp_path / "site"), SiteLinks()).repair()
    assert repaired == ["NW202205302396506117"]
    assert len(failed) == 1 and failed[0].startswith(f"{CODE} (") and "File name too long" in failed[0]
    assert [row.info_code for row in store.unexported()] == [CODE]


def test_an_original_title_is_stored_and_written_in_the_front_matter_only_when_there_is_one(tmp_path, store):
    folder = ExportFolder(tmp_path / "site")
    Publisher(store, folder, SiteLinks()).publish(sample_article(original_title="旧标题：沪指收涨"))
    post = (tmp_path / "site" / POST).read_text(encoding="utf-8")
    assert stored_row(store, CODE).original_title == "旧标题：沪指收涨" and "original_title: 旧标题：沪指收涨" in post
    Publisher(store, folder, SiteLinks()).publish(sample_article(title="新标题"))
    assert stored_row(store, CODE).original_title == "" and "original_title" not in stored_row(store, CODE).post
