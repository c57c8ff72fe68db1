"""Rotation: posts older than a window move from `_posts/` to an archive folder.

The original site moved posts older than three days to `old_post/` so its
Jekyll builds stayed fast; the scaffold's `_config.yml` excludes that folder.
A post's age is the date in its file name (Beijing time), so rotating is a
pure decision per file name, and running it twice moves nothing the second
time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from finews_crawler.domain.dates import BEIJING
from finews_crawler.outputs.folder import ExportFolder

POSTS_DIR = "_posts"
_DATED = re.compile(r"(\d{4})-(\d{2})-(\d{2})-.+\.md")


@dataclass(frozen=True)
class Rotation:
    """Move posts dated more than `days` days before today to `archive`."""

    days: int
    archive: str = "old_post"

    def cutoff(self, now: datetime) -> date:
        """Posts dated before this day (Beijing time) are archived."""
        return (now.astimezone(BEIJING) - timedelta(days=self.days)).date()

    def archive_path(self, posts_path: str) -> str:
        """Where `_posts/{name}` lives once rotated."""
        return f"{self.archive}/{posts_path.removeprefix(POSTS_DIR + '/')}"


def post_date(name: str) -> date | None:
    """The date in a post's file name (`2022-04-28-NW….md`), or None for any other file."""
    match = _DATED.fullmatch(name)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def archived(rotation: Rotation | None, posts_path: str) -> str | None:
    """Where `_posts/{name}` lives once rotated (None without rotation)."""
    return rotation.archive_path(posts_path) if rotation else None


def rotate(folder: ExportFolder, rotation: Rotation, now: datetime) -> list[str]:
    """Move every post older than the window into the archive; the names moved."""
    cutoff = rotation.cutoff(now)
    posts = folder.root / POSTS_DIR
    moved = []
    for path in sorted(posts.glob("*.md")) if posts.is_dir() else []:
        day = post_date(path.name)
        if day is not None and day < cutoff:
            post = f"{POSTS_DIR}/{path.name}"
            folder.move(post, rotation.archive_path(post))
            moved.append(path.name)
    return moved
