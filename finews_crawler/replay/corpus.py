"""Read posts in the original finews site's format (the corpus and our extras).

A post is YAML front matter plus a body that is the source's raw HTML (media
posts), or a `> digest` line followed by that HTML (2022 roll posts), or one
plain-text paragraph (2021 roll posts); then a source link and back links.
This module separates those parts so the replay site can serve the article
and the tests can compare a crawl against the original.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROLL_CATEGORY = "emnews"
_FILENAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})?-(?P<code>(?:NW)?\d+)\.md$")
_LINK_LINE = re.compile(r"^<(?P<url>[^<>\s]*)>$")
_FOOTER_LINE = re.compile(r"^\[返回")
_ATTRIBUTION = re.compile(r"[（(]文章来源[:：](?P<media>.+?)[)）]</p>")
_TRAILING_MEDIA = re.compile(r"[（(](?P<media>[^（）()]{2,20})[)）]\s*$")
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class CorpusPost:
    """One post file, split into the parts the original crawler assembled."""

    path: Path
    info_code: str
    title: str
    date: str  # front matter date without the zone, "" when the original had none
    category: str
    tag: str
    body_html: str
    digest: str
    link: str
    replay: dict[str, Any] = field(default_factory=dict)

    @property
    def is_roll(self) -> bool:
        return self.category == ROLL_CATEGORY

    @property
    def media(self) -> str:
        """The outlet the post names: its tag for media posts, else its attribution."""
        if not self.is_roll and self.tag.endswith("新闻"):
            return self.tag[: -len("新闻")]
        match = _ATTRIBUTION.search(self.body_html)
        if match:
            return _TAGS.sub("", match.group("media"))
        match = _TRAILING_MEDIA.search(self.digest)
        return match.group("media") if match else ""


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    return data, body


def parse_post(path: Path) -> CorpusPost:
    """Split one post file; raises ValueError naming the file when it is not one."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    front, body = _split_front_matter(text, path)
    name = _FILENAME.match(path.name)
    if not name:
        raise ValueError(f"{path}: file name is not <date>-<infoCode>.md")
    code = name.group("code")
    lines = body.strip("\n").split("\n")
    link = ""
    while lines and (not lines[-1].strip() or _FOOTER_LINE.match(lines[-1]) or _LINK_LINE.match(lines[-1])):
        match = _LINK_LINE.match(lines.pop())
        link = match.group("url") if match else link
    digest = ""
    if lines and lines[0].startswith("> "):
        digest = lines.pop(0)[2:].strip()
    content = "\n".join(lines).strip("\n")
    if not content.lstrip().startswith("<"):
        # A 2021 roll post: one plain paragraph that is also the digest.
        digest = digest or content.strip()
        content = f"<p>{html.escape(content.strip(), quote=False)}</p>"
    date = front.get("date")
    return CorpusPost(
        path=path,
        info_code=code if code.startswith("NW") else f"NW{code}",
        title=str(front.get("title") or ""),
        date=str(date).replace("+0800", "").strip() if date else "",
        category=str(front.get("categories") or ""),
        tag=str(front.get("tags") or ""),
        body_html=content,
        digest=digest,
        link=link,
        replay=front.get("replay") or {},
    )


def load_posts(*folders: Path) -> Iterator[CorpusPost]:
    """Every post in the folders, in file-name order."""
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            yield parse_post(path)
