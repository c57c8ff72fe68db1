"""What makes an article unusable: no time, no title or no body text."""

from __future__ import annotations

from finews_crawler.items import Article
from finews_crawler.domain.markup import has_text


def validation_problem(article: Article) -> tuple[str, str] | None:
    """(reason, message) for the first problem, or None for a usable article.

    The time comes first: an item with an empty or unparsable time is the
    invalid item of the source contract, whatever else it lacks.
    """
    if article.published is None:
        return "no_time", f"no parsable time ({article.time_text!r})"
    if not article.title.strip():
        return "no_title", "empty title"
    if not has_text(article.body_raw):
        return "empty_body", "no body text"
    return None
