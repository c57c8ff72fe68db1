"""The docs a newcomer reads: every relative link and anchor resolves, generated parts are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from finews_crawler.config.reference import stale
from helpers import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), REPO / "bench" / "README.md"]
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(heading) for heading in _HEADING.findall(text)}


def links(path: Path) -> list[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return [target for target in _LINK.findall(text) if not re.match(r"^[a-z]+:", target)]


def test_the_slug_is_githubs():
    assert slug("Today's source") == "todays-source"
    assert slug("Resumable crawls (JOBDIR)") == "resumable-crawls-jobdir"
    assert slug("`FINEWS_SITE_URL`: absolute links") == "finews_site_url-absolute-links"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_in_the_docs_resolves(path):
    broken = []
    for target in links(path):
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{path.relative_to(REPO)}: " + "; ".join(broken)


def test_the_readme_is_a_short_map_of_the_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    for doc in sorted((REPO / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"the README's map lacks docs/{doc.name}"


def test_the_generated_example_file_and_options_table_are_current():
    assert stale() == [], "run: python -m finews_crawler.config.reference"
