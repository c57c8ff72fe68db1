"""The article database (SQLAlchemy 2): SQLite by default, PostgreSQL in production.

One row per infoCode holds the structured article, its raw and cleaned
body and the rendered post.  Writes are upserts with the dialect's
`ON CONFLICT`, so concurrent writers (several workers) cannot duplicate a
row; `content_hash` tells an update from an unchanged re-fetch.  A second
table remembers the articles the source withdrew or lost ("gone"), so an
incremental run does not ask for them again.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Engine, ForeignKey, Index, Integer, String, Text, bindparam, create_engine, delete,
                        event, func, or_, select, text, update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from finews_crawler.domain.dates import format_feed_time
from finews_crawler.runtime.files import open_regular
from finews_crawler.items import GENERIC_TEMPLATE
from finews_crawler.domain.securities import NAME, Security


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every dialect (SQLite has no zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    info_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    original_title: Mapped[str] = mapped_column(Text, default="")  # `原标题：…` on its page (migration 0007)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    source: Mapped[str] = mapped_column(String(200))
    media: Mapped[str] = mapped_column(String(200), default="")  # as the feed named it
    page_media: Mapped[str] = mapped_column(String(200), default="")  # as the share page named it
    category: Mapped[str] = mapped_column(String(200), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(Text, default="")
    feeds: Mapped[list[str]] = mapped_column(JSON)
    stock_list: Mapped[list[str]] = mapped_column(JSON, default=list)  # secids the feeds named, raw (migration 0004)
    template: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)
    share_url: Mapped[str] = mapped_column(Text)
    body_raw: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    post: Mapped[str] = mapped_column(Text)
    post_path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # False between the row's commit and its post file's rename: a killed run's gap.
    post_exported: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    links: Mapped[list[ArticleSecurityRow]] = relationship(lazy="selectin", viewonly=True,
                                                           order_by="ArticleSecurityRow.position")

    @property
    def published(self) -> datetime:
        """The name renderers read (`jekyll.PostSource`)."""
        return self.published_at

    @property
    def securities(self) -> list[Security]:
        """The securities the article names, in the order it names them (`jekyll.PostSource`)."""
        return [Security(link.secid, link.security.symbol, link.security.kind, link.name or link.security.name)
                for link in self.links]


class SecurityRow(Base):
    """A security some article names (`securities.Security`): the secid is the key, the symbol what readers use."""

    __tablename__ = "securities"

    secid: Mapped[str] = mapped_column(String(20), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200), default="")  # the latest name an article gave it


class ArticleSecurityRow(Base):
    """An article names a security.  `published_at` is the article's, so that "articles naming X,
    newest first" reads one index range (secid, published_at) on SQLite and PostgreSQL alike."""

    __tablename__ = "article_securities"
    __table_args__ = (Index("ix_article_securities_secid_published", "secid", "published_at"),)

    info_code: Mapped[str] = mapped_column(String(40), ForeignKey("articles.info_code", ondelete="CASCADE"),
                                           primary_key=True)
    secid: Mapped[str] = mapped_column(String(20), ForeignKey("securities.secid"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")  # as this article names it
    position: Mapped[int] = mapped_column(Integer, default=0)  # the order the article names them in
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    security: Mapped[SecurityRow] = relationship(lazy="joined", viewonly=True)


CHUNK = 500  # infoCodes per IN (…) list


# Built once, its codes an expanding parameter: a fresh `in_(chunk)` per call made SQLAlchemy build the
# statement's cache key again on every feed page the spider dispatched (2 % of a crawl's CPU).
_FEED_FACTS = (select(*(ArticleRow.__table__.c[name] for name in (
    "info_code", "title", "published_at", "media", "digest", "feeds", "stock_list")))
    .where(ArticleRow.__table__.c.info_code.in_(bindparam("codes", expanding=True))))


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _distinct_runs(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive groups in which no infoCode repeats (one statement cannot upsert a row twice)."""
    group: list[dict[str, Any]] = []
    seen: set[str] = set()
    for values in rows:
        if values["info_code"] in seen:
            yield group
            group, seen = [], set()
        group.append(values)
        seen.add(values["info_code"])
    if group:
        yield group


class PagingRow(Base):
    """A feed a run is paging. The run deletes its row when it has read the feed to where a run stops
    (an all-known page, the last page, FINEWS_FEED_MAX_PAGES); a row left behind means the feed's
    unread pages may hold articles no run has seen, behind pages that are all known now."""

    __tablename__ = "paging"

    feed: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GoneRow(Base):
    """An article the source answered with a withdrawn notice or a 404."""

    __tablename__ = "gone"

    info_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingRow(Base):
    """An article whose share page was dispatched and that is neither stored nor gone yet.

    The feed entry is kept, so a run after a crash (or after a killed worker)
    dispatches it again without finding it in the feeds: feed paging stops at
    the first known page, and the gap may lie deeper.
    """

    __tablename__ = "pending"

    info_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Columns an upsert rewrites when the content changed (everything but the key and created_at).
UPDATED_COLUMNS = tuple(c.name for c in ArticleRow.__table__.columns if c.name not in {"info_code", "created_at"})


def content_hash(post: str) -> str:
    """The rendered post decides whether anything changed."""
    return hashlib.sha256(post.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What an upsert did: "new", "updated" or "unchanged", and the post file it replaced."""

    status: str
    previous_post_path: str | None = None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: PostgreSQL advisory lock taken while migrating, so parallel workers take turns.
_MIGRATION_LOCK = 0x66696E657773


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """Processes migrating one SQLite file take turns (SQLite has no advisory locks)."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open_regular(Path(f"{database}.migrate-lock")) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The newest migration (`migrations/versions/`); a test checks it against Alembic's own head.
HEAD_REVISION = "0007"


def at_head(engine: Engine) -> bool:
    """Whether the schema is already the newest: one query, without loading Alembic."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
    except SQLAlchemyError:  # a new database: no version table yet
        return False


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`, the newest by default (idempotent, safe to run in parallel).

    A database already at the head costs one query: Alembic is imported
    only when there is something to migrate.
    """
    if revision == "head" and at_head(engine):
        return
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up lines (some at import) say nothing to a user
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite_file = engine.dialect.name == "sqlite"
    migrating = _transactional_sqlite(engine) if sqlite_file else engine
    try:
        with _sqlite_file_lock(engine) if sqlite_file else nullcontext(), migrating.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if migrating is not engine:
            migrating.dispose()


def _transactional_sqlite(engine: Engine) -> Engine:
    """An engine on the same SQLite database whose transaction holds the DDL too.

    Python's sqlite3 commits before every DDL statement, so a migration
    killed half-way would leave half a schema that no later run can
    migrate; with the driver's own transaction handling off and an explicit
    BEGIN, all migrations land together or not at all (SQLAlchemy's recipe).
    """
    atomic = create_engine(engine.url, poolclass=NullPool)
    event.listen(atomic, "connect", _sqlite_pragmas)
    event.listen(atomic, "connect", lambda dbapi_connection, _record: setattr(dbapi_connection, "isolation_level", None))
    event.listen(atomic, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return atomic


def _keeps(stored: Any, values: dict[str, Any]) -> bool:
    """Whether the stored row stays as it is: the same content, or a generic guess at a page a known
    template read before (a maintenance page in an unknown skeleton never replaces the article)."""
    return stored.content_hash == values["content_hash"] or (values.get("template") == GENERIC_TEMPLATE
                                                            and stored.template != GENERIC_TEMPLATE)


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, WAL mode switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@dataclass
class _Shared:
    store: ArticleStore
    users: int = 0


_SHARED: dict[str, _Shared] = {}
_SHARED_LOCK = threading.Lock()


class ArticleStore:
    """Reads and upserts article rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        if engine.dialect.name not in {"sqlite", "postgresql"}:
            raise ValueError(f"unsupported database {engine.dialect.name!r}: use SQLite or PostgreSQL")
        migrate(engine)
        self._insert = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert
        self._statements: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}

    @classmethod
    def from_url(cls, url: str) -> ArticleStore:
        return cls(make_engine(url))

    @classmethod
    def acquire(cls, url: str) -> ArticleStore:
        """The process's store for `url`, opened (and migrated) by its first user; `release` it when done.

        A crawl's start-up check, its spider and its store pipeline share one
        engine and one migration check instead of opening the database three times.
        """
        with _SHARED_LOCK:
            entry = _SHARED.get(url)
            if entry is None:
                entry = _SHARED[url] = _Shared(cls.from_url(url))
            entry.users += 1
            return entry.store

    def release(self) -> None:
        """One user of an `acquire`d store is done; the last one closes it."""
        with _SHARED_LOCK:
            url = next((url for url, entry in _SHARED.items() if entry.store is self), None)
            if url is None:
                return
            _SHARED[url].users -= 1
            if _SHARED[url].users:
                return
            del _SHARED[url]
        self.close()

    def _upsert_statement(self, table: Any, columns: Iterable[str], keep_if_empty: Iterable[str] = ()) -> Any:
        """INSERT … ON CONFLICT (key) DO UPDATE `columns` from the new row, for executemany; a column of
        `keep_if_empty` keeps its stored value when the new one is empty.

        Built once per table and columns: building `excluded` costs more than executing a batch.
        """
        key = (table.name, tuple(columns), tuple(keep_if_empty))
        if key not in self._statements:
            statement = self._insert(table)
            excluded = statement.excluded
            update = {name: func.coalesce(func.nullif(excluded[name], ""), table.c[name]) if name in key[2]
                      else excluded[name] for name in key[1]}
            self._statements[key] = statement.on_conflict_do_update(
                index_elements=list(table.primary_key.columns), set_=update)
        return self._statements[key]

    def upsert(self, values: dict[str, Any]) -> Outcome:
        """Insert or update one article by infoCode; unchanged content is left alone."""
        return self.upsert_many([values])[0]

    def upsert_many(self, rows: Sequence[dict[str, Any]]) -> list[Outcome]:
        """Upsert articles in as few transactions as possible; one outcome per row, in order.

        A batch is one SELECT of the stored hashes, one multi-row upsert of
        the changed rows and one update of the unchanged rows' `fetched_at`.
        """
        now = datetime.now(UTC)
        prepared = [{**values, "content_hash": content_hash(values["post"]), "created_at": now, "updated_at": now}
                    for values in rows]
        outcomes: list[Outcome] = []
        for group in _distinct_runs(prepared):
            outcomes.extend(self._upsert_group(group))
        return outcomes

    def _upsert_group(self, group: list[dict[str, Any]]) -> list[Outcome]:
        articles = ArticleRow.__table__
        named = {values["info_code"]: values.get("securities", []) for values in group}
        group = [{k: v for k, v in values.items() if k != "securities"} for values in group]
        codes = [values["info_code"] for values in group]
        with self.engine.begin() as connection:
            before = {row.info_code: row for row in connection.execute(
                select(articles.c.info_code, articles.c.content_hash, articles.c.post_path, articles.c.template)
                .where(articles.c.info_code.in_(codes)))}
            unchanged = {values["info_code"] for values in group
                         if values["info_code"] in before and _keeps(before[values["info_code"]], values)}
            if unchanged:
                connection.execute(
                    update(articles).where(articles.c.info_code == bindparam("code")).values(fetched_at=bindparam("fetched")),
                    [{"code": v["info_code"], "fetched": v["fetched_at"]} for v in group if v["info_code"] in unchanged])
            changed = [values for values in group if values["info_code"] not in unchanged]
            if changed:
                connection.execute(self._upsert_statement(articles, UPDATED_COLUMNS), changed)
            # Unchanged rows too: a database that lost its links (an older finews) regains them.
            self._link_securities(connection, group, named, before)
            # Stored is settled, whether the content changed or not: neither gone nor pending any more.
            connection.execute(delete(GoneRow.__table__).where(GoneRow.__table__.c.info_code.in_(codes)))
            connection.execute(delete(PendingRow.__table__).where(PendingRow.__table__.c.info_code.in_(codes)))
        outcomes = []
        for values in group:
            old = before.get(values["info_code"])
            if old is None:
                outcomes.append(Outcome("new"))
            elif values["info_code"] in unchanged:
                outcomes.append(Outcome("unchanged"))
            else:
                outcomes.append(Outcome("updated", old.post_path if old.post_path != values["post_path"] else None))
        return outcomes

    def _link_securities(self, connection: Any, rows: list[dict[str, Any]], named: dict[str, list[dict[str, Any]]],
                         stored: Iterable[str]) -> None:
        """Replace the securities these articles name (their links), adding securities not seen before.
        `stored`: the infoCodes among them stored before (only they can have links to replace)."""
        links = ArticleSecurityRow.__table__
        for chunk in _chunks(list(stored)):
            connection.execute(delete(links).where(links.c.info_code.in_(chunk)))
        securities: dict[str, dict[str, Any]] = {}
        for values in rows:
            for item in named[values["info_code"]]:
                known = securities.setdefault(item["secid"], dict(item))
                known["name"] = item["name"] or known["name"]
        if not securities:
            return
        # A later article's name for a security replaces the stored one; an empty one does not.
        connection.execute(self._upsert_statement(SecurityRow.__table__, ("symbol", "kind", "name"), ("name",)),
                           list(securities.values()))
        connection.execute(links.insert(), [
            {"info_code": values["info_code"], "secid": item["secid"], "name": item["name"], "position": position,
             "published_at": values["published_at"]}
            for values in rows for position, item in enumerate(named[values["info_code"]])])

    def secids(self, wanted: Iterable[str]) -> dict[str, list[str]]:
        """The stored secids each of `wanted` means: a symbol (any case: `600519.sh`), a secid (`1.600519`),
        or a bare code (`600519`, in every market); [] for one no stored article names."""
        table = SecurityRow.__table__
        found: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for token in wanted:
                upper = token.strip().upper()
                if not NAME.fullmatch(upper):  # (no LIKE wildcard can pass)
                    found[token] = []
                    continue
                conditions = [func.upper(table.c.symbol) == upper, func.upper(table.c.secid) == upper]
                if "." not in upper:
                    conditions += [func.upper(table.c.symbol).like(f"{upper}.%"),
                                   func.upper(table.c.secid).like(f"%.{upper}")]
                found[token] = list(connection.scalars(select(table.c.secid).where(or_(*conditions))
                                                       .order_by(table.c.secid)))
        return found

    def mark_exported(self, codes: Iterable[str]) -> None:
        """The posts of these rows are in the export folder now."""
        with self.engine.begin() as connection:
            for chunk in _chunks(list(codes)):
                connection.execute(update(ArticleRow.__table__).where(ArticleRow.__table__.c.info_code.in_(chunk))
                                   .values(post_exported=True))

    def unexported(self) -> list[ArticleRow]:
        """Rows whose post never reached the export folder (a killed run, a full disk)."""
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(select(ArticleRow).where(ArticleRow.post_exported.is_(False))))

    def known(self, codes: Iterable[str], checked_since: datetime | None = None) -> set[str]:
        """Which of `codes` are stored or gone (and, with `checked_since`, were fetched since then)."""
        found: set[str] = set()
        with Session(self.engine) as session:
            for chunk in _chunks(list(codes)):
                stored = select(ArticleRow.info_code).where(ArticleRow.info_code.in_(chunk))
                gone = select(GoneRow.info_code).where(GoneRow.info_code.in_(chunk))
                if checked_since is not None:
                    stored = stored.where(ArticleRow.fetched_at >= checked_since)
                    gone = gone.where(GoneRow.checked_at >= checked_since)
                found.update(session.scalars(stored.union(gone)))
        return found

    def feed_facts(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """What finews already knows of stored articles, as feed entries (`FeedEntry` fields).

        A re-fetch starts from these, so it can add facts but never lose one
        (the feed time's seconds, the media a feed named, the feeds that listed it).
        """
        facts: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(list(codes)):
                for row in connection.execute(_FEED_FACTS, {"codes": chunk}):
                    facts[row.info_code] = {
                        "info_code": row.info_code, "title": row.title, "time": format_feed_time(row.published_at),
                        "media": row.media or "", "digest": row.digest or "", "feeds": list(row.feeds or []),
                        "stocks": list(row.stock_list or []),
                    }
        return facts

    def mark_gone(self, gone: dict[str, str]) -> None:
        """Remember articles (infoCode -> reason) the source withdrew or lost; stored rows stay."""
        if not gone:
            return
        now = datetime.now(UTC)
        rows = [{"info_code": code, "reason": reason, "checked_at": now} for code, reason in gone.items()]
        pending = PendingRow.__table__
        with self.engine.begin() as connection:
            connection.execute(self._upsert_statement(GoneRow.__table__, ("reason", "checked_at")), rows)
            for chunk in _chunks(list(gone)):
                connection.execute(delete(pending).where(pending.c.info_code.in_(chunk)))

    def start_paging(self, feeds: Sequence[str]) -> set[str]:
        """Record that this run pages `feeds`; the ones an earlier run left part-read."""
        paging = PagingRow.__table__
        with self.engine.begin() as connection:
            unfinished = set(connection.execute(select(paging.c.feed).where(paging.c.feed.in_(feeds))).scalars())
            if feeds:
                now = datetime.now(UTC)
                connection.execute(self._upsert_statement(paging, ("started_at",)),
                                   [{"feed": feed, "started_at": now} for feed in feeds])
        return unfinished

    def finish_paging(self, feed: str) -> None:
        """This run has read `feed` to where a run stops."""
        with self.engine.begin() as connection:
            connection.execute(delete(PagingRow.__table__).where(PagingRow.__table__.c.feed == feed))

    def add_pending(self, entries: list[dict[str, Any]]) -> None:
        """Record dispatched articles (feed entries with an `info_code`) until they are stored or gone."""
        if not entries:
            return
        now = datetime.now(UTC)
        rows = [{"info_code": entry["info_code"], "entry": entry, "dispatched_at": now} for entry in entries]
        with self.engine.begin() as connection:
            connection.execute(self._upsert_statement(PendingRow.__table__, ("entry", "dispatched_at")), rows)

    def pending(self) -> list[dict[str, Any]]:
        """The feed entries of dispatched articles that are neither stored nor gone."""
        with Session(self.engine) as session:
            return list(session.scalars(select(PendingRow.entry).order_by(PendingRow.info_code)))

    def rows(self, since: datetime | None = None, batch: int = 500,
             naming: Sequence[str] | None = None) -> Iterator[ArticleRow]:
        """Every stored article (published at or after `since`; naming one of the secids `naming`),
        oldest first, streamed in batches."""
        query = select(ArticleRow).order_by(ArticleRow.published_at, ArticleRow.info_code)
        if since is not None:
            query = query.where(ArticleRow.published_at >= since)
        if naming is not None:
            links = ArticleSecurityRow.__table__
            query = query.where(ArticleRow.info_code.in_(select(links.c.info_code).where(links.c.secid.in_(naming))))
        with Session(self.engine) as session:
            for row in session.scalars(query.execution_options(yield_per=batch)):
                yield row
                session.expunge(row)

    def close(self) -> None:
        self.engine.dispose()
