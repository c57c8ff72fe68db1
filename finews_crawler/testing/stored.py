"""Reading a store back the way tests check it: one row, an article's securities, what is gone.

A crawl never asks these; the tests and benchmarks do, so they live here
and not on `ArticleStore`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from finews_crawler.storage.database import ArticleRow, ArticleSecurityRow, ArticleStore, GoneRow, SecurityRow


def stored_row(store: ArticleStore, info_code: str) -> ArticleRow | None:
    """The stored row of an article, detached (its attributes stay readable)."""
    with Session(store.engine, expire_on_commit=False) as session:
        return session.get(ArticleRow, info_code)


def securities_of(store: ArticleStore, info_code: str) -> list[dict[str, Any]]:
    """The securities an article names (secid, symbol, kind, name as the article gives it), in its order."""
    links, table = ArticleSecurityRow.__table__, SecurityRow.__table__
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(table.c.secid, table.c.symbol, table.c.kind, links.c.name)
            .join(links, links.c.secid == table.c.secid).where(links.c.info_code == info_code)
            .order_by(links.c.position))]


def naming(store: ArticleStore, secids: Iterable[str], limit: int | None = None) -> list[str]:
    """The infoCodes of the articles naming any of these secids, newest first (the (secid, published_at) index)."""
    links = ArticleSecurityRow.__table__
    query = (select(links.c.info_code, links.c.published_at).where(links.c.secid.in_(list(secids))).distinct()
             .order_by(links.c.published_at.desc(), links.c.info_code).limit(limit))
    with store.engine.connect() as connection:
        return list(dict.fromkeys(connection.scalars(query)))


def gone(store: ArticleStore) -> dict[str, str]:
    """infoCode -> why, of every article settled without a row."""
    with Session(store.engine) as session:
        return {code: reason for code, reason in session.execute(select(GoneRow.info_code, GoneRow.reason))}
