"""Shared fixtures: the corpus, a live replay server and one real crawl of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from sqlalchemy.exc import OperationalError

from finews_crawler.replay.corpus import CorpusPost, load_posts
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.build import article_from_posts
from finews_crawler.replay.site import ReplayArticle, ReplaySite
from finews_crawler.testing.runs import crawl_command, crawl_outcome, postgres_schema, server_stats
from helpers import CORPUS, REPO


# Hard cases the tests serve beside the bundled site's articles, never in the demo a user sees first:
# a post full of XSS (tests/fixtures/corpus/) and infoCodes a feed may carry malformed.
HOSTILE_CORPUS = REPO / "tests" / "fixtures" / "corpus"
MALFORMED_CODES = (
    ReplayArticle("NW2022../../etc/passwd", "路径穿越", "2022-05-31 18:02:00", "财联社", "", "<p>x</p>", ("roll",)),
    ReplayArticle("nw202205312399000003", "小写前缀", "2022-05-31 18:03:00", "财联社", "", "<p>x</p>", ("media",)),
)


@pytest.fixture(scope="session")
def corpus_posts() -> list[CorpusPost]:
    return list(load_posts(CORPUS / "posts", CORPUS / "extra", HOSTILE_CORPUS))


def hard_replay_site() -> ReplaySite:
    """The bundled replay site with the tests' hard cases added."""
    site = ReplaySite.load()
    hostile = [article_from_posts([post], 0, 0) for post in load_posts(HOSTILE_CORPUS)]
    return replace(site, articles=[*site.articles, *hostile, *MALFORMED_CODES])


@pytest.fixture(scope="session")
def replay_site() -> ReplaySite:
    return hard_replay_site()


@pytest.fixture
def replay_server(replay_site: ReplaySite) -> Iterator[ReplayServer]:
    with ReplayServer(replay_site) as server:
        yield server


@dataclass
class CrawlRun:
    """A finished `scrapy crawl finews` process and what it left behind."""

    returncode: int
    log: str
    stats: dict[str, Any]
    export_dir: Path
    database: Path
    server_stats: dict[str, Any]

    @property
    def posts(self) -> dict[str, Path]:
        """Post files by infoCode."""
        return {path.stem.split("-", 3)[3]: path for path in (self.export_dir / "_posts").glob("*.md")}


def run_crawl(workdir: Path, settings: dict[str, str], *args: str, timeout: int = 300) -> tuple[int, str, dict]:
    """Run `scrapy crawl finews` in a child process, as a user would."""
    done = subprocess.run(crawl_command(workdir, settings, *args), cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)
    log, stats = crawl_outcome(workdir)
    return done.returncode, log + done.stderr, stats


def run_scrapy(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run another finews command (`scrapy export …`) in a child process."""
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def crawl(tmp_path_factory: pytest.TempPathFactory, replay_site: ReplaySite) -> CrawlRun:
    """One real crawl of the bundled replay site over HTTP, shared by the end-to-end tests."""
    workdir = tmp_path_factory.mktemp("crawl")
    with ReplayServer(replay_site) as server:
        returncode, log, stats = run_crawl(workdir, {
            "FINEWS_API_BASE": server.url,
            "FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'finews.sqlite3'}",
            "FINEWS_EXPORT_DIR": str(workdir / "site"),
        })
        counted = server_stats(server)
    return CrawlRun(returncode, log, stats, workdir / "site", workdir / "finews.sqlite3", counted)


@pytest.fixture(scope="session")
def jekyll_site(crawl: CrawlRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crawl's export folder built by Debian's real `jekyll` (strict front matter)."""
    source = tmp_path_factory.mktemp("jekyll-links") / "src"
    shutil.copytree(crawl.export_dir, source)
    destination = source.parent / "_site"
    done = subprocess.run(["jekyll", "build", "--strict_front_matter", "--source", str(source), "--destination", str(destination)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return destination


@pytest.fixture(scope="session")
def hugo_site(crawl: CrawlRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crawl's database exported for Hugo and built by Debian's real `hugo`."""
    folder = tmp_path_factory.mktemp("hugo-links")
    done = run_scrapy("export", "--format", "hugo", "--out", str(folder / "src"),
                      "-s", f"FINEWS_DATABASE_URL=sqlite:///{crawl.database}")
    assert done.returncode == 0, done.stdout + done.stderr
    built = subprocess.run(["hugo", "--source", str(folder / "src"), "--destination", str(folder / "public")],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    return folder / "public"


POSTGRES_URL = os.environ.get("FINEWS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _require_or_skip(service: str, reason: str) -> None:
    """CI (FINEWS_REQUIRE_SERVICES=1) must run service tests; elsewhere they skip visibly."""
    if os.environ.get("FINEWS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{service} is required here but unavailable: {reason}")
    pytest.skip(f"{service} unavailable: {reason}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database URL whose tables live in a schema of this test's own, dropped afterwards."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_schema(POSTGRES_URL))
        except OperationalError as exc:
            _require_or_skip("PostgreSQL", str(exc).splitlines()[0])
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on a SQLite file and on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'finews.sqlite3'}"
    return request.getfixturevalue("postgres_url")


REDIS_URL = os.environ.get("FINEWS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class RedisJob:
    """A Redis server and a key prefix of this test's own (its keys are deleted afterwards)."""

    url: str
    prefix: str
    client: Any

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"


@pytest.fixture
def redis_job() -> Iterator[RedisJob]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        _require_or_skip("Redis", str(exc))
    job = RedisJob(REDIS_URL, f"finews-test-{uuid.uuid4().hex[:12]}", client)
    yield job
    keys = list(client.scan_iter(f"{job.prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
