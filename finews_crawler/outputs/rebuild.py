"""Rebuild a site from the database, without crawling: Jekyll, Hugo or JSON Lines.

Each exporter streams the stored rows once and writes every file
atomically; a file whose content would not change is left untouched, so
re-exporting into the same folder is cheap and a site builder's
incremental mode sees only real changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.hugo import CONTENT_DIR, hugo_filename, render_hugo_post
from finews_crawler.outputs.jekyll import SiteLinks
from finews_crawler.outputs.publish import Publisher
from finews_crawler.outputs.rotation import Rotation, rotate
from finews_crawler.storage.database import ArticleRow

FORMATS = ("jekyll", "hugo", "jsonl")


@dataclass
class ExportReport:
    articles: int = 0
    written: int = 0
    rotated: int = 0
    scaffolded: list[str] = field(default_factory=list)


def export_jekyll(rows: Iterable[ArticleRow], folder: ExportFolder, rotation: Rotation | None,
                  now: datetime, site_url: str = "") -> ExportReport:
    """The posts the crawl wrote (as stored), a category page per slug, the starter files."""
    report = ExportReport(scaffolded=folder.scaffold("jekyll", site_url))
    publisher = Publisher(None, folder, SiteLinks(), rotation)
    for row in rows:
        report.articles += 1
        report.written += publisher.export_row(row)
    if rotation is not None:
        report.rotated = len(rotate(folder, rotation, now))
    return report


def export_hugo(rows: Iterable[ArticleRow], folder: ExportFolder, site_url: str = "") -> ExportReport:
    """`content/posts/{date}-{infoCode}.md` per article, and `hugo.yaml` plus layouts if missing."""
    report = ExportReport(scaffolded=folder.scaffold("hugo", site_url))
    for row in rows:
        report.articles += 1
        path = f"{CONTENT_DIR}/{hugo_filename(row)}"
        text = render_hugo_post(row)
        if folder.read(path) != text:
            folder.write(path, text)
            report.written += 1
    return report


def row_record(row: ArticleRow) -> dict[str, Any]:
    """Every stored column, times as ISO 8601 (UTC), and the securities the article names."""
    record = {}
    for column in ArticleRow.__table__.columns:
        value = getattr(row, column.key)
        record[column.key] = value.isoformat() if isinstance(value, datetime) else value
    record["securities"] = [security.to_dict() for security in row.securities]
    return record


def export_jsonl(rows: Iterable[ArticleRow], path: Path) -> ExportReport:
    """One JSON object per line, written to a temporary file and renamed into place."""
    report = ExportReport()
    with ExportFolder(path.parent).writing(path.name) as stream:
        for row in rows:
            report.articles += 1
            stream.write(json.dumps(row_record(row), ensure_ascii=False))
            stream.write("\n")
    report.written = 1
    return report
