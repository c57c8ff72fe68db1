import os

import pytest

from helpers import refusing_writes
from finews_crawler.outputs.folder import ExportError, ExportFolder


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    folder = ExportFolder(tmp_path)
    folder.write("_posts/a.md", "one")
    folder.write("_posts/a.md", "two")
    assert (tmp_path / "_posts" / "a.md").read_text() == "two"
    assert [p.name for p in (tmp_path / "_posts").iterdir()] == ["a.md"]


@pytest.mark.parametrize("relative", ["../x.md", "_posts/../../x.md", "/etc/passwd", "."])
def test_paths_outside_the_folder_are_refused(tmp_path, relative):
    with pytest.raises(ExportError, match="outside the export folder"):
        ExportFolder(tmp_path / "site").write(relative, "x")


def test_a_read_only_folder_gives_an_export_error_and_keeps_the_old_file(tmp_path):
    folder = ExportFolder(tmp_path)
    folder.write("_posts/a.md", "old")
    with refusing_writes(tmp_path / "_posts"):  # also for root, as CI runs
        with pytest.raises(ExportError, match="cannot write"):
            folder.write("_posts/a.md", "new")
    assert (tmp_path / "_posts" / "a.md").read_text() == "old"


def test_a_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    folder = ExportFolder(tmp_path)

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left"):
        folder.write("_posts/a.md", "x")
    assert list((tmp_path / "_posts").iterdir()) == []


def test_scaffold_adds_missing_starter_files_and_never_overwrites(tmp_path):
    folder = ExportFolder(tmp_path)
    (tmp_path / "_config.yml").write_text("title: mine\n")
    added = folder.scaffold("jekyll")
    assert "_config.yml" not in added and "_layouts/post.html" in added
    assert (tmp_path / "_config.yml").read_text() == "title: mine\n"
    assert folder.scaffold("jekyll") == []


def test_sweeping_removes_only_temporary_files(tmp_path):
    folder = ExportFolder(tmp_path)
    folder.write("_posts/a.md", "post")
    (tmp_path / "_posts" / ".finews-x.tmp").write_text("half")
    assert folder.sweep_temporary() == 1
    assert [p.name for p in (tmp_path / "_posts").iterdir()] == ["a.md"]
