"""Invariants over sequences of real crawls (hypothesis's rule-based state machine).

Random sequences of plain, refresh, max-age and `-a infocodes=` crawls,
crawls killed with SIGKILL, and a source that changes, withdraws and adds
articles, each crawl a real `scrapy crawl` process against the replay
server.  After every step: an unchanged source costs feeds only on a plain
run; no stored fact is worse than before; one row and one post per
article; no pending row for a settled article.  CI runs a few short
sequences; `FINEWS_SEQUENCES=long` (see bench/README.md) runs many long ones.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.request import urlopen

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import run_crawl

from finews_crawler.testing.runs import crawl_command, server_stats
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import ReplayArticle, ReplaySite
from helpers import REPO

LONG = os.environ.get("FINEWS_SEQUENCES") == "long"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(2 * 3600 if LONG else 600)]


def _pick_articles(site: ReplaySite) -> list[ReplayArticle]:
    """A small site with every kind the crawl treats differently: roll-only, media-named, both, mobile, shell."""
    ok = [a for a in site.articles if a.status == "ok" and a.showtime and a.title and a.info_code.startswith("NW")
          and len(a.info_code) == 20]
    chosen: list[ReplayArticle] = []
    for wanted in (lambda a: a.feeds == ("roll",), lambda a: "roll" in a.feeds and len(a.feeds) > 1,
                   lambda a: "media" in a.feeds and "roll" not in a.feeds, lambda a: a.template == "mobile",
                   lambda a: a.template == "shell", lambda a: any(f.startswith("market") for f in a.feeds)):
        chosen += [a for a in ok if wanted(a) and a not in chosen][:2]
    return chosen


class RunSequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.workdir = Path(tempfile.mkdtemp(prefix="finews-seq-"))
        base = ReplaySite.load()
        self.articles = _pick_articles(base)
        self.templates = base.templates
        self.server = ReplayServer(self._site()).start()
        self.added = 0
        self.dirty = True  # the source (or a killed run) left work a plain run must do
        self.facts: dict[str, tuple] = {}
        self.runs = 0

    def teardown(self) -> None:
        self.server.stop()

    def _site(self) -> ReplaySite:
        return ReplaySite(list(self.articles), self.templates)

    def _settings(self, **extra: str) -> dict[str, str]:
        return {"FINEWS_API_BASE": self.server.url, "FINEWS_DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
                "FINEWS_EXPORT_DIR": str(self.workdir / "site"), "FINEWS_FEED_PAGE_SIZE": "4", **extra}

    def _crawl(self, *args: str, **extra: str) -> dict:
        self.server.replace_site(self._site())
        _reset(self.server)
        returncode, log, _ = run_crawl(self.workdir, self._settings(**extra), *args)
        assert returncode == 0, log[-3000:]
        self.runs += 1
        return server_stats(self.server)

    # -- the database, read directly ----------------------------------------

    def _rows(self) -> dict[str, tuple]:
        database = self.workdir / "db.sqlite3"
        if not database.exists():
            return {}
        with sqlite3.connect(database) as connection:
            return {row[0]: row[1:] for row in connection.execute(
                "SELECT info_code, published_at, media, category, feeds, post_path FROM articles")}

    def _table(self, name: str) -> set[str]:
        database = self.workdir / "db.sqlite3"
        if not database.exists():
            return set()
        with sqlite3.connect(database) as connection:
            return {row[0] for row in connection.execute(f"SELECT info_code FROM {name}")}

    # -- crawls --------------------------------------------------------------

    @initialize()
    def first_crawl(self) -> None:
        self._crawl()
        self.dirty = False

    @rule()
    def plain_crawl(self) -> None:
        was_dirty = self.dirty
        counted = self._crawl()
        if not was_dirty:
            fetched = {k: v for k, v in counted["kinds"].items() if not k.startswith("feed:") and k != "other"}
            assert not fetched, f"an unchanged source cost more than its feeds: {counted['kinds']}"
        self.dirty = False

    @rule()
    def refresh_crawl(self) -> None:
        self._crawl(FINEWS_REFRESH="1")
        self.dirty = False

    @rule()
    def max_age_crawl(self) -> None:
        time.sleep(0.4)
        self._crawl(FINEWS_REFRESH_MAX_AGE="0.0001")  # 0.36 s: every article is stale
        self.dirty = False

    @precondition(lambda self: self.runs > 0)
    @rule(data=st.data())
    def infocodes_crawl(self, data: st.DataObject) -> None:
        codes = sorted(a.info_code for a in self.articles)
        self.infocodes(data.draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True)))

    def infocodes(self, codes: list[str]) -> None:
        self._crawl("-a", f"infocodes={','.join(codes)}")

    @rule(delay=st.floats(0.3, 2.5))
    def killed_crawl(self, delay: float) -> None:
        self.server.replace_site(self._site())
        process = subprocess.Popen(crawl_command(self.workdir, self._settings(), name="killed"), cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.dirty = True

    # -- the source changes --------------------------------------------------

    @rule(index=st.integers(0, 100))
    def source_changes_an_article(self, index: int) -> None:
        position = index % len(self.articles)
        article = self.articles[position]
        self.articles[position] = replace(article, body=article.body.replace("</p>", "（更新）</p>", 1))

    @rule(index=st.integers(0, 100))
    def source_withdraws_an_article(self, index: int) -> None:
        position = index % len(self.articles)
        self.articles[position] = replace(self.articles[position], status="withdrawn")

    @rule(count=st.integers(1, 5))
    def source_adds_articles(self, count: int) -> None:
        newest = max(datetime.strptime(a.showtime, "%Y-%m-%d %H:%M:%S") for a in self.articles)
        for _ in range(count):
            self.added += 1
            model = self.articles[self.added % len(self.articles)]
            moment = newest + timedelta(minutes=self.added, seconds=self.added % 60 or 7)
            self.articles.append(replace(
                model, status="ok", info_code=f"NW{moment:%Y%m%d}{8_000_000_000 + self.added:010d}",
                title=f"{model.title}（新{self.added}）", showtime=f"{moment:%Y-%m-%d %H:%M:%S}"))
        self.dirty = True

    # -- invariants ----------------------------------------------------------

    @invariant()
    def no_stored_fact_is_worse_than_before(self) -> None:
        rows = self._rows()
        for code, (published, media, category, feeds, _) in self.facts.items():
            assert code in rows, f"{code} was stored and is gone"
            now_published, now_media, now_category, now_feeds, _ = rows[code]
            assert now_published == published, f"{code}: time {published} became {now_published}"
            assert now_media == media or not media, f"{code}: media {media!r} became {now_media!r}"
            assert now_category == category, f"{code}: category {category} became {now_category}"
            assert set(_json_list(feeds)) <= set(_json_list(now_feeds)), f"{code}: feeds {feeds} became {now_feeds}"
        self.facts = rows

    @invariant()
    def one_row_and_one_post_per_article_and_nothing_settled_is_pending(self) -> None:
        if self.dirty:  # a killed run's posts are written by the next run
            return
        rows = self._rows()
        posts = sorted(p.name for p in (self.workdir / "site" / "_posts").glob("*.md")) if rows else []
        assert len(posts) == len(rows) == len({name.split("-", 3)[3] for name in posts})
        assert {Path(row[4]).name for row in rows.values()} == set(posts)
        settled = set(rows) | self._table("gone")
        assert not (self._table("pending") & settled), "a settled article is still pending"


def _reset(server: ReplayServer) -> None:
    with urlopen(f"{server.url}/__reset") as answer:
        answer.read()


def _json_list(value: str) -> list[str]:
    return json.loads(value) if value else []


RunSequences.TestCase.settings = settings(
    max_examples=12 if LONG else 3, stateful_step_count=20 if LONG else 6, deadline=None,
    suppress_health_check=list(HealthCheck))


def test_a_tour_of_every_kind_of_step_keeps_every_invariant():
    """Every rule at least once, in an order that reaches each defect class the machine guards against."""
    machine = RunSequences()
    every_code = sorted(a.info_code for a in machine.articles)
    steps = [
        machine.first_crawl, machine.refresh_crawl, machine.plain_crawl,
        lambda: machine.infocodes(every_code), machine.plain_crawl,
        machine.max_age_crawl, machine.plain_crawl,
        lambda: machine.source_changes_an_article(1), lambda: machine.source_withdraws_an_article(2),
        machine.refresh_crawl, machine.plain_crawl,
        lambda: machine.source_adds_articles(3), lambda: machine.killed_crawl(1.2), machine.plain_crawl,
        machine.plain_crawl,
    ]
    try:
        for step in steps:
            step()
            machine.no_stored_fact_is_worse_than_before()
            machine.one_row_and_one_post_per_article_and_nothing_settled_is_pending()
    finally:
        machine.teardown()
TestRunSequencesKeepEveryInvariant = RunSequences.TestCase
