from datetime import UTC, date, datetime

from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.rotation import Rotation, archived, post_date, rotate

NOW = datetime(2022, 6, 1, 17, 0, tzinfo=UTC)  # 2022-06-02 01:00 in Beijing


def _folder(tmp_path, *names):
    folder = ExportFolder(tmp_path)
    for name in names:
        folder.write(f"_posts/{name}", f"post {name}")
    return folder


def test_the_post_date_is_read_from_the_file_name_and_anything_else_is_not_a_post():
    assert post_date("2022-04-28-NW202204282363799455.md") == date(2022, 4, 28)
    assert post_date("2022-02-31-NW1.md") is None
    assert post_date("README.md") is None and post_date(".finews-x.tmp") is None


def test_the_cutoff_day_is_counted_in_beijing_time():
    assert Rotation(3).cutoff(NOW) == date(2022, 5, 30)


def test_posts_older_than_the_window_move_to_the_archive_and_the_rest_stay(tmp_path):
    folder = _folder(tmp_path, "2022-05-29-NW1000001.md", "2022-05-30-NW1000002.md", "2022-06-02-NW1000003.md")
    (tmp_path / "_posts" / "notes.txt").write_text("kept")
    assert rotate(folder, Rotation(3), NOW) == ["2022-05-29-NW1000001.md"]
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == [
        "2022-05-30-NW1000002.md", "2022-06-02-NW1000003.md", "notes.txt"]
    assert (tmp_path / "old_post" / "2022-05-29-NW1000001.md").read_text() == "post 2022-05-29-NW1000001.md"


def test_rotating_again_moves_nothing(tmp_path):
    folder = _folder(tmp_path, "2022-05-01-NW1000001.md")
    rotate(folder, Rotation(3, "archive/posts"), NOW)
    assert rotate(folder, Rotation(3, "archive/posts"), NOW) == []
    assert (tmp_path / "archive" / "posts" / "2022-05-01-NW1000001.md").exists()


def test_a_folder_without_posts_rotates_nothing(tmp_path):
    assert rotate(ExportFolder(tmp_path), Rotation(3), NOW) == []


def test_the_archived_twin_of_a_post_path():
    assert archived(Rotation(3), "_posts/2022-05-01-NW1.md") == "old_post/2022-05-01-NW1.md"
    assert archived(None, "_posts/2022-05-01-NW1.md") is None
