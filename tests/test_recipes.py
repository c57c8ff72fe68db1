"""The docs' recipes, run as written: the run a user schedules is the run the tests prove.

Each recipe is the fenced block after a `<!-- recipe: NAME -->` marker in the docs. Only what
cannot exist here is substituted: the live hosts become a loopback replay site, `/srv/finews` this
checkout, `/etc/finews.yml` a copy of the example file, `/var/log/finews` and the database folders
temporary paths (made by the run itself), a PostgreSQL host this machine's server. Installing
steps (`pip install`, `apt-get install`) are the suite's own environment (`make test`), not run again.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from finews_crawler.testing.runs import server_stats
from helpers import REPO

pytestmark = pytest.mark.e2e

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
EXAMPLE = REPO / "docs" / "examples" / "eastmoney.yml"
VENV_BIN = Path(sys.executable).parent
LIVE_HOST = re.compile(r"https://[a-z-]+\.eastmoney\.com")
# The pace is tested in test_politeness.py; here a polite profile's delay would only make the suite slow.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


def recipe(name: str) -> str:
    """The fenced block after `<!-- recipe: name -->` in the docs (exactly one)."""
    pattern = re.compile(rf"<!-- recipe: {re.escape(name)} -->\n```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
    found = [match.group(1) for doc in DOCS for match in pattern.finditer(doc.read_text(encoding="utf-8"))]
    assert len(found) == 1, f"recipe {name!r} appears {len(found)} times in the docs"
    return found[0]


def live_config(tmp_path: Path, url: str, database_url: str) -> Path:
    """docs/examples/eastmoney.yml with its hosts on the replay site and its paths under tmp_path."""
    text_ = LIVE_HOST.sub(lambda m: f"{url}/m" if "//wap." in m.group(0) else url, EXAMPLE.read_text(encoding="utf-8"))
    config = yaml.safe_load(text_)
    assert config["source"] == "eastmoney" and config["rotate_days"] and config["database_url"].startswith("postgresql")
    config.update(database_url=database_url, export_dir=str(tmp_path / "site"),
                  stats_file=str(tmp_path / "var" / "log" / "finews" / "stats.json"), settings=FAST)
    path = tmp_path / "etc" / "finews.yml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def shell_line(line: str, tmp_path: Path, config: Path) -> str:
    """A recipe's command with this machine's paths."""
    line = re.sub(r"(/srv/finews/|(?<![\w/]))\.venv/bin/", lambda _: f"{VENV_BIN}/", line)
    return (line.replace("/srv/finews", str(REPO)).replace("/etc/finews.yml", str(config))
            .replace("/var/log/finews", str(tmp_path / "var" / "log" / "finews")))


def sh(command: str, cwd: Path = REPO, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def stored(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("select count(*) from articles")).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_cron_line_crawls_the_configured_live_profile_into_its_postgresql_and_is_incremental(
        tmp_path, replay_server, postgres_url):
    config = live_config(tmp_path, replay_server.url, postgres_url)
    line = recipe("cron")
    schedule, command = line.split(maxsplit=5)[:5], line.split(maxsplit=5)[5]
    assert schedule == ["*/5", "*", "*", "*", "*"]
    default_db = REPO / "output" / "finews.sqlite3"
    before = default_db.stat().st_mtime if default_db.exists() else None
    first = sh(shell_line(command, tmp_path, config))
    log = (tmp_path / "var" / "log" / "finews" / "crawl.log").read_text(encoding="utf-8")
    assert first.returncode == 0, first.stderr + log[-3000:]
    stats = json.loads((tmp_path / "var" / "log" / "finews" / "stats.json").read_text())
    assert stats["finews/articles/new"] > 100 and stored(postgres_url) == stats["finews/articles/new"]
    assert "bundled replay site" not in log
    assert set(server_stats(replay_server)["kinds"]) <= {"fast", "column", "page", "search", "other"}
    assert (tmp_path / "site" / "_posts").is_dir()
    assert 'url: "https://news.example.com"' in (tmp_path / "site" / "_config.yml").read_text(encoding="utf-8")
    assert list((tmp_path / "site" / "old_post").glob("2022-*.md"))  # rotated: the corpus is from 2022
    post = next((tmp_path / "site").rglob("2022-*.md")).read_text(encoding="utf-8")
    assert post.rstrip().endswith("｜[返回首页](https://news.example.com/)")  # the back links are absolute too
    assert (default_db.stat().st_mtime if default_db.exists() else None) == before  # the demo's stores untouched
    second = sh(shell_line(command, tmp_path, config))
    stats = json.loads((tmp_path / "var" / "log" / "finews" / "stats.json").read_text())
    assert second.returncode == 0 and stats.get("finews/articles/new", 0) == 0 and stats["finews/articles/skipped"] > 100


def test_the_readmes_live_profile_line_crawls_todays_endpoints_of_the_example_file(tmp_path, replay_server):
    database = tmp_path / "db" / "finews.sqlite3"
    config = live_config(tmp_path, replay_server.url, f"sqlite:///{database}")
    line = recipe("today").strip()
    done = sh(shell_line(line, tmp_path, config).replace("scrapy crawl", f"{VENV_BIN}/scrapy crawl", 1))
    assert done.returncode == 0, done.stderr[-3000:]
    kinds = server_stats(replay_server)["kinds"]
    assert {"fast", "column", "page"} <= set(kinds) and set(kinds) <= {"fast", "column", "page", "search", "other"}
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] > 100


def test_the_systemd_units_verify_and_the_service_runs_its_exec_start(tmp_path, replay_server):
    config = tmp_path / "etc" / "finews.yml"
    config.parent.mkdir(parents=True)
    config.write_text(f"api_base: {replay_server.url}\ndatabase_url: sqlite:///{tmp_path / 'db' / 'finews.sqlite3'}\n"
                      f"export_dir: {tmp_path / 'site'}\n", encoding="utf-8")
    service, timer = (shell_line(recipe(name), tmp_path, config) for name in ("systemd-service", "systemd-timer"))
    units = tmp_path / "units"
    units.mkdir()
    (units / "finews.service").write_text(service.replace("User=finews", "User=root"), encoding="utf-8")
    (units / "finews.timer").write_text(timer, encoding="utf-8")
    if shutil.which("systemd-analyze"):
        verified = subprocess.run(["systemd-analyze", "verify", str(units / "finews.service"), str(units / "finews.timer")],
                                  capture_output=True, text=True, timeout=60)
        assert verified.returncode == 0 and "finews" not in verified.stderr, verified.stderr
    unit = dict(line.split("=", 1) for line in service.splitlines() if "=" in line)
    done = sh(unit["ExecStart"], cwd=Path(unit["WorkingDirectory"]))
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "db" / "finews.sqlite3") as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] > 100


def _workflow_steps(name: str, tmp_path: Path, replacements: dict[str, str]) -> list[str]:
    """The workflow's `run:` steps, its secrets filled in, without the install commands."""
    workflow = yaml.safe_load(recipe(name))
    steps = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    commands = []
    for step in steps:
        for key, value in replacements.items():
            step = step.replace(key, value)
        parts = [part for part in step.split(" && ") if not re.search(r"pip install|apt-get install|-m venv", part)]
        if parts:
            commands.append(shell_line(" && ".join(parts), tmp_path, tmp_path / "unused.yml"))
    return commands


def _checkout(tmp_path: Path) -> Path:
    """What a workflow's checkout holds of finews that a run reads: scrapy.cfg (the package is installed)."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copy(REPO / "scrapy.cfg", checkout)
    return checkout


@pytest.mark.jekyll
def test_the_ci_workflow_for_todays_source_crawls_builds_and_stays_incremental(tmp_path, replay_server):
    checkout = _checkout(tmp_path)
    (checkout / "finews.yml").write_text(live_config(tmp_path, replay_server.url, "sqlite:///unused.db").read_text())
    steps = _workflow_steps("ci-today", tmp_path, {})
    assert any("scrapy crawl finews" in step for step in steps) and any("jekyll build" in step for step in steps)
    for run in (1, 2):
        for step in steps:
            done = sh(step, cwd=checkout)
            assert done.returncode == 0, (run, step, done.stderr[-3000:])
    with sqlite3.connect(checkout / "output" / "finews.sqlite3") as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] > 100
    assert (checkout / "output" / "site" / "_site" / "feed.xml").exists()
    assert set(server_stats(replay_server)["kinds"]) <= {"fast", "column", "page", "search", "other"}


def test_the_ci_workflow_for_the_2021_source_crawls_its_secret_and_refuses_a_missing_one(tmp_path, replay_server):
    checkout = _checkout(tmp_path)
    crawl_steps = [step for step in _workflow_steps("ci-legacy", tmp_path,
                                                    {"${{ secrets.FINEWS_API_BASE }}": replay_server.url})
                   if "scrapy crawl" in step]
    assert len(crawl_steps) == 1
    done = sh(crawl_steps[0], cwd=checkout)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(list((checkout / "output" / "site" / "old_post").glob("*.md"))) > 100  # rotated: posts of 2022
    missing = _workflow_steps("ci-legacy", tmp_path, {"${{ secrets.FINEWS_API_BASE }}": ""})
    done = sh(next(step for step in missing if "scrapy crawl" in step), cwd=checkout)
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith(
        "scrapy: error: configuration: FINEWS_API_BASE (YAML api_base) is empty on the command line"), done.stderr


@pytest.mark.postgres
def test_the_postgresql_recipe_stores_into_the_named_database(tmp_path, replay_server, postgres_url):
    config = live_config(tmp_path, replay_server.url, "sqlite:///unused.db")
    line = recipe("postgresql").strip().splitlines()[-1]
    command = re.sub(r"postgresql\+psycopg://\S+", lambda _: f"'{postgres_url}'", line)
    done = sh(shell_line(command, tmp_path, config).replace("scrapy crawl", f"{VENV_BIN}/scrapy crawl", 1))
    assert done.returncode == 0, done.stderr[-3000:]
    assert stored(postgres_url) > 100


@pytest.mark.postgres
@pytest.mark.redis
def test_the_distributed_recipe_runs_a_coordinator_and_a_worker_on_one_queue(tmp_path, replay_server, postgres_url,
                                                                             redis_job):
    block = recipe("distributed")
    exports = dict(re.findall(r"(\w+)=(\S+)", next(line for line in block.splitlines() if line.startswith("export "))))
    commands = [line for line in block.splitlines() if line.startswith("scrapy crawl")]
    assert len(commands) == 2 and "FINEWS_ROLE=worker" in commands[1] and set(exports) == {"R", "DB"}
    env = f"export R={redis_job.url} DB='{postgres_url}'; "
    extra = f" -s FINEWS_REDIS_PREFIX={redis_job.prefix} -s FINEWS_STORE_EXPORT=0"
    worker, coordinator = (subprocess.Popen(
        ["bash", "-c", env + command.replace("scrapy crawl", f"{VENV_BIN}/scrapy crawl", 1)
         .replace("https://api.example.com", replay_server.url) + extra + f" -s LOG_FILE={tmp_path / name}.log"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name, command in
        (("worker", commands[1]), ("coordinator", commands[0])))
    for name, process in (("coordinator", coordinator), ("worker", worker)):
        _, stderr = process.communicate(timeout=300)
        log = tmp_path / f"{name}.log"
        assert process.returncode == 0, stderr[-2000:] + (log.read_text()[-3000:] if log.exists() else "")
    assert stored(postgres_url) > 100
