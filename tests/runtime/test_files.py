"""No symlink is followed: lock, stats, temporary and post files, and folders inside the export."""

from __future__ import annotations

import pytest

from finews_crawler.outputs.folder import ExportError, ExportFolder
from finews_crawler.runtime.files import UnsafeFile, open_regular, replace_text
from finews_crawler.runtime.preflight import open_database
from finews_crawler.runtime.runlock import RunLocked, run_lock


@pytest.fixture
def victim(tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("precious")
    return target


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path, victim):
    site = tmp_path / "site"
    site.mkdir()
    (site / ".finews.lock").symlink_to(victim)
    with pytest.raises(RunLocked, match="is a symlink"):
        with run_lock(site, "", "crawl", 0):
            pass
    assert victim.read_text() == "precious"


def test_a_symlinked_migration_lock_is_a_database_fault(tmp_path, victim):
    (tmp_path / "db.sqlite3.migrate-lock").symlink_to(victim)
    store, fault = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert store is None
    assert fault is not None and "is a symlink" in fault
    assert victim.read_text() == "precious"


def test_the_stats_file_replaces_a_symlink_instead_of_writing_through_it(tmp_path, victim):
    stats = tmp_path / "stats.json"
    stats.symlink_to(victim)
    replace_text(stats, "{}")
    assert not stats.is_symlink() and stats.read_text() == "{}" and victim.read_text() == "precious"


def test_open_regular_refuses_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(UnsafeFile, match="not a regular file"):
        open_regular(tmp_path)
    with open_regular(tmp_path / "new.lock") as handle:
        handle.write("x")
    assert (tmp_path / "new.lock").read_text() == "x"


def test_a_symlinked_post_is_replaced_not_written_through(tmp_path, victim):
    folder = ExportFolder(tmp_path / "site")
    (tmp_path / "site" / "_posts").mkdir(parents=True)
    link = tmp_path / "site" / "_posts" / "2022-04-28-NW202204282363799455.md"
    link.symlink_to(victim)
    assert folder.read("_posts/2022-04-28-NW202204282363799455.md") is None
    folder.write("_posts/2022-04-28-NW202204282363799455.md", "post")
    assert not link.is_symlink() and link.read_text() == "post" and victim.read_text() == "precious"


def test_a_symlinked_folder_inside_the_export_folder_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "_posts").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ExportError, match="a symlink inside the export folder"):
        ExportFolder(tmp_path / "site").write("_posts/x.md", "post")
    assert list(elsewhere.iterdir()) == []


def test_an_export_folder_that_is_itself_a_symlink_is_the_users_choice(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "site").symlink_to(real, target_is_directory=True)
    ExportFolder(tmp_path / "site").write("_posts/x.md", "post")
    assert (real / "_posts" / "x.md").read_text() == "post"
