"""Regenerate the replay site's data (`data/site/articles.jsonl`) from posts.

Sources: the real posts in `data/corpus/posts/` (copied from the original
site) and our own hard cases in `data/corpus/extra/`.  One article per
infoCode: a media post gives title, time, media and body; a roll post of the
same infoCode puts the article in the roll feed too (the "listed by two
feeds" case) and gives its digest.  The spread over feeds and templates is
a fixed rotation, so the output is reproducible; an extra post can pin its
own with a `replay:` front matter key.  Special cases that no post can
express (withdrawn, missing) are listed in `SPECIALS`.  The bundled site is
what a user's first crawl shows: real-looking articles only; hostile cases
live with the tests that serve them (`tests/conftest.py`, `tests/hostile_site.py`).

    python -m finews_crawler.replay.build            # rewrites data/site/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from finews_crawler.replay.corpus import CorpusPost, load_posts
from finews_crawler.replay.site import DEFAULT_SITE_DIR, ReplayArticle

CORPUS_DIR = DEFAULT_SITE_DIR.parent / "corpus"
MEDIA_FEEDS = ("media", "market37", "market38", "market39")
FALLBACK_MEDIA = "东方财富网"

SPECIALS: tuple[ReplayArticle, ...] = (
    # Listed, but the share page says it was withdrawn (HTTP 200, empty body).
    ReplayArticle("NW202205312399000001", "已撤稿的文章", "2022-05-31 18:00:00", "证券时报", "", "",
                  ("media",), status="withdrawn"),
    # Listed, but the share page is gone (HTTP 404) and the text API knows nothing.
    ReplayArticle("NW202205312399000002", "不存在的文章", "2022-05-31 18:01:00", "财联社", "", "",
                  ("market37",), status="missing"),
)


def _template(index: int) -> tuple[str, str]:
    """A fixed rotation over templates: (template, text-API field)."""
    if index % 11 == 3:
        return "shell", "content" if index % 2 else "text"
    if index % 5 == 1:
        return "mobile", "text"
    return "desktop", "text"


def article_from_posts(posts: list[CorpusPost], index: int, media_index: int) -> ReplayArticle:
    """Merge the posts of one infoCode into the article the source served."""
    roll = next((p for p in posts if p.is_roll), None)
    media_post = next((p for p in posts if not p.is_roll), None)
    main = media_post or roll
    assert main is not None
    feeds: list[str] = ["roll"] if roll else []
    if media_post:
        feeds.append(MEDIA_FEEDS[media_index % len(MEDIA_FEEDS)])
    template, api_field = _template(index)
    article = ReplayArticle(
        info_code=main.info_code,
        title=main.title,
        showtime=main.date,
        media=main.media or FALLBACK_MEDIA,
        digest=roll.digest if roll else "",
        body=main.body_html,
        feeds=tuple(feeds),
        template=template,
        api_field=api_field,
    )
    pins = dict(main.replay)  # an extra post's own `replay:` choices
    if "feeds" in pins:
        pins["feeds"] = tuple(pins["feeds"])
    return replace(article, **pins)


def build_articles(corpus_dir: Path = CORPUS_DIR) -> list[ReplayArticle]:
    groups: dict[str, list[CorpusPost]] = defaultdict(list)
    for post in load_posts(corpus_dir / "posts", corpus_dir / "extra"):
        groups[post.info_code].append(post)
    articles = []
    media_index = 0
    for index, code in enumerate(sorted(groups)):
        posts = groups[code]
        articles.append(article_from_posts(posts, index, media_index))
        media_index += any(not p.is_roll for p in posts)
    return articles + list(SPECIALS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the replay site's articles.jsonl from posts.")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder with posts/ and extra/")
    parser.add_argument("--out", type=Path, default=DEFAULT_SITE_DIR / "articles.jsonl")
    args = parser.parse_args(argv)
    articles = build_articles(args.corpus)
    with args.out.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    print(f"wrote {len(articles)} articles to {args.out}")


if __name__ == "__main__":
    main()
