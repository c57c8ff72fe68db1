"""Small helpers the tests share: reading posts back and comparing visible text."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from finews_crawler.domain.dates import BEIJING
from finews_crawler.domain.securities import Security

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"


def crawler_with(spider: type | None = None, **settings: Any) -> Any:
    """A real, unstarted Scrapy crawler with finews's settings (FINEWS_*) and `settings` over them."""
    from scrapy.utils.test import get_crawler

    import finews_crawler.settings as project_settings

    project = {name: value for name, value in vars(project_settings).items() if name.startswith("FINEWS_")}
    return get_crawler(spider, settings_dict={**project, **settings})


def child_pids() -> set[int]:
    """The pids of this process's live children (from /proc)."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # gone meanwhile
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            pids.add(int(stat.parent.name))
    return pids


def read_post(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, everything after it) of a post file we wrote."""
    return split_post(path.read_text(encoding="utf-8"))


def split_post(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, everything after it) of a rendered post."""
    assert text.startswith("---\n"), f"{text[:80]!r} does not start with front matter"
    _, front, rest = text.split("---\n", 2)
    return yaml.safe_load(front), rest


def post_body(rest: str) -> str:
    """The HTML body of a post: what comes before the share link."""
    return rest.split("\n\n<", 1)[0]


@dataclass
class SamplePost:
    """A post source (`jekyll.PostSource`) with the fields of a real corpus article."""

    info_code: str = "NW202204282363799455"
    title: str = "保定加强信用监管优化营商环境"
    original_title: str = ""
    published: datetime | None = datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)
    category: str = "zhongguoshichangjianguanxinwenwang"
    tags: list[str] = field(default_factory=lambda: ["中国市场监管新闻网新闻"])
    source: str = "中国市场监管新闻网"
    digest: str = ""
    body: str = '<p>正文</p>\n<p class="em_media">（文章来源：中国市场监管新闻网）</p>'
    share_url: str = "http://share.example/html_News/NewsShare.html?infoCode=NW202204282363799455"
    securities: list[Security] = field(default_factory=list)


@contextmanager
def refusing_writes(folder: Path) -> Iterator[None]:
    """Make `folder` refuse new files, also for root (the immutable attribute)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported on this file system (root ignores permissions)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def settings_with(config_path: Any = None, **cmdline: Any) -> Any:
    """finews's settings as a command builds them: settings.py, the YAML file (`config_path`), `-s` values."""
    from scrapy.settings import Settings

    import finews_crawler.settings as project_settings
    from finews_crawler.config import YamlConfig

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    if config_path:
        settings.set("FINEWS_CONFIG", str(config_path), priority="cmdline")
    for key, value in cmdline.items():
        settings.set(key, value, priority="cmdline")
    YamlConfig().update_settings(settings)
    return settings


CODE = "NW202204282363799455"  # a real corpus article's infoCode


def row_values(**changes: Any) -> dict[str, Any]:
    """The columns of a stored article, as storage tests upsert them."""
    row = {
        "info_code": "NW202204282363799455", "title": "标题", "published_at": datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING),
        "source": "财联社", "category": "cailianshe", "tags": ["财联社新闻"], "digest": "", "feeds": ["media"],
        "template": "desktop", "url": "http://h/x", "share_url": "http://h/x", "body_raw": "<p>raw</p>",
        "body": "<p>clean</p>", "post": "---\n---\n<p>clean</p>\n", "post_path": "_posts/2022-04-28-NW202204282363799455.md",
        "fetched_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    return {**row, **changes}


def sample_article(**changes: Any) -> Any:
    """An article as the pipelines hand it to storage."""
    from finews_crawler.items import Article

    values = dict(info_code=CODE, url="http://h/x", share_url="http://h/x", title="标题",
                  published=datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING), media="财联社", body_raw="<p>raw</p>",
                  body="<p>正文</p>", source="财联社", category="cailianshe", tags=["财联社新闻"], feeds=["media"],
                  template="desktop", fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    return Article(**{**values, **changes})
