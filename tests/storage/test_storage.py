from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from concurrent.futures import ThreadPoolExecutor

from finews_crawler.storage.database import HEAD_REVISION, ArticleStore, make_engine, migrate
from finews_crawler.testing.stored import stored_row, securities_of, naming, gone
from helpers import row_values

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def store(database_url):
    store = ArticleStore.from_url(database_url)
    yield store
    store.close()


def test_sqlite_file_and_its_folder_are_created(tmp_path):
    ArticleStore.from_url(f"sqlite:///{tmp_path / 'db' / 'finews.sqlite3'}").close()
    assert (tmp_path / "db" / "finews.sqlite3").exists()


def test_the_schema_comes_from_alembic_and_migrating_again_is_a_no_op(store):
    migrate(store.engine)
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalars().all() == [HEAD_REVISION]


def test_two_stores_opening_one_database_at_once_both_work(database_url):
    with ThreadPoolExecutor(2) as pool:
        stores = list(pool.map(ArticleStore.from_url, [database_url, database_url]))
    assert stores[0].upsert(row_values()).status == "new" and stores[1].upsert(row_values()).status == "unchanged"
    for store in stores:
        store.close()


def test_upsert_tells_new_unchanged_and_updated_apart(store):
    assert store.upsert(row_values()).status == "new"
    assert store.upsert(row_values()).status == "unchanged"
    assert store.upsert(row_values(post="---\n---\n<p>changed</p>\n", title="新标题")).status == "updated"
    assert stored_row(store, "NW202204282363799455").title == "新标题"
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from articles")).scalar() == 1


def test_an_update_that_moves_the_post_reports_the_old_path(store):
    store.upsert(row_values())
    outcome = store.upsert(row_values(post="x", post_path="_posts/2022-04-29-NW202204282363799455.md"))
    assert outcome.previous_post_path == "_posts/2022-04-28-NW202204282363799455.md"


def test_times_come_back_aware_and_equal(store):
    store.upsert(row_values())
    row = stored_row(store, "NW202204282363799455")
    assert row.published_at == datetime(2022, 4, 28, 5, 52, 55, tzinfo=UTC)
    assert row.published_at.tzinfo is not None and row.tags == ["财联社新闻"]


def test_a_naive_datetime_is_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        store.upsert(row_values(published_at=datetime(2022, 4, 28)))


def test_created_at_survives_an_update(store):
    store.upsert(row_values())
    created = stored_row(store, "NW202204282363799455").created_at
    store.upsert(row_values(post="changed"))
    row = stored_row(store, "NW202204282363799455")
    assert row.created_at == created and row.updated_at >= created


def test_gone_articles_count_as_known_until_they_come_back(store):
    store.mark_gone({"NW202205312399000001": "withdrawn", "NW202205312399000002": "not_found"})
    store.mark_gone({"NW202205312399000001": "withdrawn"})  # checked again: no duplicate
    assert gone(store) == {"NW202205312399000001": "withdrawn", "NW202205312399000002": "not_found"}
    assert store.known(["NW202205312399000001", "NW202205312399000003"]) == {"NW202205312399000001"}
    store.upsert(row_values(info_code="NW202205312399000001"))
    assert gone(store) == {"NW202205312399000002": "not_found"}


def test_known_with_a_cutoff_leaves_out_rows_and_tombstones_checked_before_it(store):
    store.upsert(row_values(fetched_at=datetime(2020, 1, 1, tzinfo=UTC)))
    store.mark_gone({"NW202205312399000002": "not_found"})
    codes = ["NW202204282363799455", "NW202205312399000002"]
    assert store.known(codes) == set(codes)
    assert store.known(codes, datetime(2021, 1, 1, tzinfo=UTC)) == {"NW202205312399000002"}
    assert store.known(codes, datetime.now(UTC) + timedelta(minutes=1)) == set()


def test_rows_stream_every_article_oldest_first_and_filter_by_publication(store):
    for day in (3, 1, 2):
        store.upsert(row_values(info_code=f"NW20220428236379945{day}",
                            published_at=datetime(2022, 4, day, 12, tzinfo=BEIJING)))
    assert [row.info_code for row in store.rows(batch=2)] == [
        "NW202204282363799451", "NW202204282363799452", "NW202204282363799453"]
    since = datetime(2022, 4, 2, tzinfo=BEIJING)
    rows = list(store.rows(since=since))
    assert [row.info_code for row in rows] == ["NW202204282363799452", "NW202204282363799453"]
    assert rows[0].body == "<p>clean</p>" and rows[0].tags == ["财联社新闻"]  # usable after the session closed


def _old_database(database_url, revision, insert, **params):
    """A database at an older schema `revision` holding the row `insert` writes (as that schema had it)."""
    engine = make_engine(database_url)
    migrate(engine, revision)
    with engine.begin() as connection:
        connection.execute(text(insert), params)
    return engine


def test_a_database_of_the_first_schema_is_upgraded_with_its_rows(database_url):
    engine = _old_database(
        database_url, "0001",
        "insert into articles (info_code, title, published_at, source, category, tags, digest, feeds, template,"
        " url, share_url, body_raw, body, post, post_path, content_hash, fetched_at, created_at, updated_at)"
        " values ('NW202204282363799455', 't', '2022-04-28 05:52:55', 's', 'c', '[]', '', '[]', 'desktop',"
        " 'u', 'u', 'r', 'b', 'p', '_posts/x.md', 'h', '2026-01-01', '2026-01-01', '2026-01-01')")
    store = ArticleStore(engine)
    row = stored_row(store, "NW202204282363799455")
    assert row is not None and row.title == "t" and row.media == "" and row.page_media == "" and row.post_exported
    assert gone(store) == {}
    store.close()


def test_a_feed_not_read_to_its_end_is_named_to_the_next_run_until_a_run_reads_it_through(store):
    assert store.start_paging(["roll", "media"]) == set()  # a first run: nothing left part-read
    store.finish_paging("media")  # this run read media through; roll was cut short (killed)
    assert store.start_paging(["roll", "media", "fast"]) == {"roll"}
    for feed in ("roll", "media", "fast"):
        store.finish_paging(feed)
    assert store.start_paging(["roll", "media", "fast"]) == set()


def test_pending_entries_last_until_the_article_is_stored_or_gone(store):
    entries = [{"info_code": code, "title": "t", "time": "2022-04-28 13:52:55", "media": "", "digest": "",
                "feeds": ["roll"]} for code in ("NW202204282363799455", "NW202205312399000001", "NW202205312399000003")]
    store.add_pending(entries)
    store.add_pending(entries[:1])  # dispatched again: still one row
    assert [e["info_code"] for e in store.pending()] == [e["info_code"] for e in entries]
    store.upsert(row_values())
    store.mark_gone({"NW202205312399000001": "withdrawn"})
    assert store.pending() == [entries[2]]


def test_an_unchanged_refetch_still_records_when_it_was_fetched(store):
    store.upsert(row_values())
    later = datetime(2026, 6, 1, tzinfo=UTC)
    assert store.upsert(row_values(fetched_at=later)).status == "unchanged"
    assert stored_row(store, "NW202204282363799455").fetched_at == later


def test_one_batch_naming_an_article_twice_is_split_and_keeps_the_last(store):
    outcomes = store.upsert_many([row_values(), row_values(post="---\n---\n<p>changed</p>\n", title="新标题")])
    assert [o.status for o in outcomes] == ["new", "updated"]
    assert stored_row(store, "NW202204282363799455").title == "新标题"


def test_storing_an_article_settles_it_whether_or_not_it_changed(store):
    entry = {"info_code": "NW202204282363799455", "title": "", "time": "", "media": "", "digest": "", "feeds": []}
    store.upsert(row_values())
    store.add_pending([entry])
    assert store.upsert(row_values()).status == "unchanged"
    assert store.pending() == []


def test_feed_facts_give_back_the_time_to_the_second_media_and_feeds(store):
    store.upsert(row_values(media="财联社", feeds=["media", "roll"]))
    facts = store.feed_facts(["NW202204282363799455", "NW000000000000"])
    assert facts == {"NW202204282363799455": {
        "info_code": "NW202204282363799455", "title": "标题", "time": "2022-04-28 13:52:55", "media": "财联社",
        "digest": "", "feeds": ["media", "roll"], "stocks": []}}


def test_head_revision_is_alembics_head_so_an_up_to_date_database_skips_alembic():
    from alembic.script import ScriptDirectory

    from finews_crawler.storage.database import HEAD_REVISION, MIGRATIONS
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD_REVISION


def test_a_database_at_head_is_not_migrated_again(store, monkeypatch):
    import alembic.command

    from finews_crawler.storage.database import at_head
    assert at_head(store.engine)
    monkeypatch.setattr(alembic.command, "upgrade", lambda *a: pytest.fail("Alembic ran on a database at head"))
    migrate(store.engine)


def test_a_shared_store_is_opened_once_and_closed_by_its_last_user(database_url):
    first = ArticleStore.acquire(database_url)
    second = ArticleStore.acquire(database_url)
    assert first is second
    first.release()
    assert ArticleStore.acquire(database_url) is first  # still open: one user left, and this one
    first.release()
    second.release()
    third = ArticleStore.acquire(database_url)
    assert third is not first
    third.release()


def test_a_database_made_before_migration_0004_gains_an_empty_stock_list(database_url):
    engine = _old_database(
        database_url, "0003",
        "insert into articles (info_code, title, published_at, source, media, page_media, category, tags, digest,"
        " feeds, template, url, share_url, body_raw, body, post, post_path, content_hash, post_exported,"
        " fetched_at, created_at, updated_at) values ('NW202204282363799455', 't', :now, 's', '', '', 'c', '[]',"
        " '', '[\"roll\"]', 'desktop', 'u', 'u', 'r', 'b', 'p', 'x.md', 'h', true, :now, :now, :now)",
        now=datetime(2026, 1, 1))
    store = ArticleStore(engine)
    assert stored_row(store, "NW202204282363799455").stock_list == []
    store.close()


MOUTAI = {"secid": "1.600519", "symbol": "600519.SH", "kind": "stock", "name": "贵州茅台"}
TENCENT = {"secid": "116.00700", "symbol": "00700.HK", "kind": "stock", "name": "腾讯控股"}
LIQUOR = {"secid": "90.BK0477", "symbol": "BK0477", "kind": "sector", "name": "酿酒行业"}


def _named(code: str, day: int, *securities: dict) -> dict:
    return row_values(info_code=code, published_at=datetime(2022, 4, day, 9, tzinfo=BEIJING), post=f"{code} {securities}",
                  post_path=f"_posts/{code}.md", securities=list(securities))


def test_the_securities_an_article_names_are_stored_with_it_in_its_order(store):
    store.upsert(_named("NW2022042800000001", 28, TENCENT, MOUTAI))
    assert securities_of(store, "NW2022042800000001") == [
        {k: v for k, v in TENCENT.items()}, {k: v for k, v in MOUTAI.items()}]
    assert [s.symbol for s in stored_row(store, "NW2022042800000001").securities] == ["00700.HK", "600519.SH"]


def test_an_update_replaces_the_links_and_a_later_name_wins_an_empty_one_does_not(store):
    store.upsert(_named("NW2022042800000001", 28, MOUTAI, LIQUOR))
    store.upsert(_named("NW2022042800000001", 28, {**MOUTAI, "name": "茅台"}))
    store.upsert(_named("NW2022042900000001", 29, {**MOUTAI, "name": ""}))
    assert securities_of(store, "NW2022042800000001") == [{**MOUTAI, "name": "茅台"}]
    with store.engine.connect() as connection:
        assert connection.execute(text("select name from securities where secid = '1.600519'")).scalar() == "茅台"


def test_articles_naming_a_security_come_newest_first(store):
    store.upsert_many([_named("NW2022042600000001", 26, MOUTAI), _named("NW2022042800000001", 28, MOUTAI, LIQUOR),
                       _named("NW2022042700000001", 27, TENCENT)])
    assert naming(store, ["1.600519"]) == ["NW2022042800000001", "NW2022042600000001"]
    assert naming(store, ["1.600519", "116.00700"], limit=2) == ["NW2022042800000001", "NW2022042700000001"]
    since = datetime(2022, 4, 27, tzinfo=BEIJING)
    assert [row.info_code for row in store.rows(since, naming=["90.BK0477", "116.00700"])] == [
        "NW2022042700000001", "NW2022042800000001"]


@pytest.mark.parametrize("token, secids", [
    ("600519.SH", ["1.600519"]), ("600519.sh", ["1.600519"]), ("1.600519", ["1.600519"]), ("600519", ["1.600519"]),
    ("00700", ["116.00700"]), ("bk0477", ["90.BK0477"]), ("000001.SZ", []), ("6005%", []), ("'; drop table x;--", []),
])
def test_a_security_is_found_by_symbol_secid_or_bare_code(store, token, secids):
    store.upsert_many([_named("NW2022042600000001", 26, MOUTAI, LIQUOR), _named("NW2022042700000001", 27, TENCENT)])
    assert store.secids([token]) == {token: secids}


def test_news_on_one_stock_reads_the_secid_published_index(store):
    store.upsert(_named("NW2022042800000001", 28, MOUTAI))
    query = ("select info_code from article_securities where secid = '1.600519' order by published_at desc limit 20")
    with store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in connection.execute(text(f"explain query plan {query}")))
        else:
            connection.execute(text("set enable_seqscan = off"))
            plan = " ".join(row[0] for row in connection.execute(text(f"explain {query}")))
    assert "ix_article_securities_secid_published" in plan, plan


def test_a_database_made_before_migration_0005_gains_empty_security_tables(database_url):
    engine = _old_database(
        database_url, "0004",
        "insert into articles (info_code, title, published_at, source, media, page_media, category, tags, digest,"
        " feeds, stock_list, template, url, share_url, body_raw, body, post, post_path, content_hash, post_exported,"
        " fetched_at, created_at, updated_at) values ('NW202204282363799455', 't', :now, 's', '', '', 'c', '[]',"
        " '', '[\"roll\"]', '[]', 'desktop', 'u', 'u', 'r', 'b', 'p', 'x.md', 'h', true, :now, :now, :now)",
        now=datetime(2026, 1, 1))
    store = ArticleStore(engine)
    assert stored_row(store, "NW202204282363799455").securities == [] and securities_of(store, "NW202204282363799455") == []
    store.close()


def test_a_migration_that_fails_half_way_leaves_no_half_a_schema(database_url):
    """All revisions land together or not at all (SQLite's driver would commit before each DDL statement)."""
    engine = make_engine(database_url)
    with engine.begin() as connection:  # makes revision 0005 fail after 0001–0004 ran
        connection.execute(text("CREATE TABLE article_securities (x INTEGER)"))
    with pytest.raises(Exception, match="article_securities"):
        migrate(engine)
    with engine.connect() as connection:
        tables = set(connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if engine.dialect.name == "sqlite"
            else "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")).scalars())
    assert tables == {"article_securities"}
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE article_securities"))
    migrate(engine)  # and the next run migrates the whole way
    assert stored_row(ArticleStore(engine), "NW1") is None
    engine.dispose()
