"""Every finews command, walked through every slip a user makes: one line, a non-zero status, no traceback.

The faults: the database down, an output folder refusing writes, a SQLite path that does not
exist (a reading command creates nothing), an unknown database dialect, a misspelt spider and a
bad value of each spider argument.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from conftest import run_scrapy
from helpers import refusing_writes

DOWN = "postgresql+psycopg://finews:secret@127.0.0.1:{port}/finews"
COMMANDS = {
    "crawl": ["crawl", "finews", "-s", "FINEWS_API_BASE=http://127.0.0.1:{port}"],
    "export": ["export", "--format", "jekyll", "--out", "{tmp}/out"],
    "reclean": ["reclean"],
    "rotate": ["rotate"],
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(args: list[str], tmp_path: Path, *settings: str) -> tuple[int, str]:
    values = {"tmp": tmp_path, "port": _free_port()}
    command = [arg.format(**values) for arg in args]
    for setting in settings:
        command += ["-s", setting.format(**values)]
    done = run_scrapy(*command, "-s", f"FINEWS_EXPORT_DIR={tmp_path / 'site'}", timeout=120)
    return done.returncode, done.stdout + done.stderr


def _one_line(output: str, status: int, returncode: int, starts: str) -> None:
    assert returncode == status, output[-800:]
    last = output.strip().splitlines()[-1]
    assert last.startswith(starts), output[-800:]
    assert "Traceback" not in output and "secret" not in output


@pytest.mark.parametrize("command", ["crawl", "export", "reclean"])
def test_the_database_down_is_one_line_and_status_1(tmp_path, command):
    returncode, output = _run(COMMANDS[command], tmp_path, f"FINEWS_DATABASE_URL={DOWN}")
    _one_line(output, 1, returncode, f"finews {command}: ")
    assert "127.0.0.1" in output.strip().splitlines()[-1]


def test_resetjob_with_redis_down_is_one_line_and_status_1(tmp_path):
    returncode, output = _run(["resetjob"], tmp_path, "FINEWS_REDIS_URL=redis://:secret@127.0.0.1:{port}/0")
    _one_line(output, 1, returncode, "finews resetjob: Redis at redis://:***@127.0.0.1:")


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A real, empty finews database (made by an export of nothing)."""
    path = tmp_path / "db.sqlite3"
    done = run_scrapy("crawl", "finews", "-a", "infocodes=NW202204282363799455", "-s", "FINEWS_DEMO=1",
                      "-s", f"FINEWS_DATABASE_URL=sqlite:///{path}", "-s", f"FINEWS_EXPORT_DIR={tmp_path / 'seed'}")
    assert done.returncode == 0, done.stderr[-2000:]
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command, starts", [
    (["export", "--format", "jekyll", "--out", "{tmp}/locked/site"], "finews export: "),
    (["export", "--format", "hugo", "--out", "{tmp}/locked/site"], "finews export: "),
    (["export", "--format", "jsonl", "--out", "{tmp}/locked/a.jsonl"], "finews export: "),
])
def test_an_output_folder_refusing_writes_is_one_line_and_status_1(tmp_path, database, command, starts):
    with refusing_writes(tmp_path / "locked"):
        returncode, output = _run(command, tmp_path, f"FINEWS_DATABASE_URL={database}")
    _one_line(output, 1, returncode, starts)
    assert str(tmp_path / "locked") in output


@pytest.mark.parametrize("command", ["crawl", "rotate", "reclean"])
def test_an_export_folder_refusing_writes_fails_every_command_that_writes_it(tmp_path, database, command):
    site = tmp_path / "site"
    with refusing_writes(site):
        args = ["crawl", "finews", "-s", "FINEWS_DEMO=1"] if command == "crawl" else COMMANDS[command]
        returncode, output = _run(args, tmp_path, f"FINEWS_DATABASE_URL={database}")
    assert returncode == 1, output[-800:]
    assert "Traceback" not in output and str(site) in output.strip().splitlines()[-1], output[-800:]


@pytest.mark.parametrize("command", ["export", "reclean"])
def test_a_sqlite_path_that_does_not_exist_is_named_and_nothing_is_created(tmp_path, command):
    missing = tmp_path / "typo" / "finews.sqlite3"
    returncode, output = _run(COMMANDS[command], tmp_path, f"FINEWS_DATABASE_URL=sqlite:///{missing}")
    _one_line(output, 2, returncode, f"scrapy: error: {command}: no database at {missing}")
    assert not missing.exists() and not missing.parent.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [*COMMANDS, "resetjob"])
def test_an_unknown_database_dialect_is_a_configuration_error_for_every_command(tmp_path, command):
    returncode, output = _run(COMMANDS.get(command, [command]), tmp_path, "FINEWS_DATABASE_URL=nosuchdialect://x")
    _one_line(output, 2, returncode, "scrapy: error: configuration: FINEWS_DATABASE_URL (YAML database_url) = "
                                     "'nosuchdialect://x': expected a sqlite:/// or postgresql+psycopg:// URL")


def test_a_misspelt_spider_names_the_closest_one(tmp_path):
    returncode, output = _run(["crawl", "finew"], tmp_path)
    _one_line(output, 2, returncode, "scrapy: error: no spider named 'finew'; did you mean finews?")
    assert output.count("\n") <= 1  # nothing of Scrapy's start-up before it


@pytest.mark.parametrize("argument, starts", [
    ("stocks=1.600519.SH", "scrapy: error: -a stocks: expected securities such as"),
    ("stocks=600519;drop", "scrapy: error: -a stocks: expected securities such as"),
    ("stocks=,", "scrapy: error: -a stocks= is empty"),
    ("infocodes=NW2022", "scrapy: error: -a infocodes: 'NW2022' is not an article code"),
    ("infocodes=20220428236379945５", "scrapy: error: -a infocodes: '20220428236379945５' is not an article code"),
    ("since=yesterday", "scrapy: error: -a since='yesterday': expected a date or date-time"),
    ("until=2026-02-30", "scrapy: error: -a until='2026-02-30': expected a date or date-time"),
    ("infocode=NW202204282363799455", "scrapy: error: unknown spider argument -a infocode; did you mean infocodes?"),
])
def test_every_spider_argument_with_a_bad_value_is_one_line_and_status_2(tmp_path, argument, starts):
    returncode, output = _run(["crawl", "finews", "-a", argument], tmp_path)
    _one_line(output, 2, returncode, starts)


def test_the_crawl_help_lists_the_spiders_arguments_and_where_settings_are_documented():
    done = run_scrapy("crawl", "finews", "-h")
    assert done.returncode == 0
    for text in ("  infocodes  ", "  stocks     ", "docs/configuration.md", "docs/operations.md"):
        assert text in done.stdout, done.stdout


def test_an_export_of_an_existing_database_still_works(tmp_path, database):
    returncode, output = _run(["export", "--format", "jsonl", "--out", "{tmp}/a.jsonl"], tmp_path,
                              f"FINEWS_DATABASE_URL={database}")
    assert returncode == 0, output
    with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] == 1
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.parametrize("command", ["crawl", "export", "reclean"])
@pytest.mark.parametrize("variable, starts", [
    ("", "scrapy: error: configuration: FINEWS_CONFIG is empty in the environment"),
    ("{tmp}/finews.yml", "scrapy: error: configuration: FINEWS_API_BASE (YAML api_base) = 'not a url'"),
])
def test_a_yaml_file_named_by_the_environment_is_read_and_an_empty_name_is_an_error(tmp_path, monkeypatch, command,
                                                                                    variable, starts):
    """Scrapy reads no FINEWS_* variable: without finews reading this one, the run would crawl the demo."""
    (tmp_path / "finews.yml").write_text("api_base: not a url\n", encoding="utf-8")
    monkeypatch.setenv("FINEWS_CONFIG", variable.format(tmp=tmp_path))
    returncode, output = _run(["crawl", "finews"] if command == "crawl" else COMMANDS[command], tmp_path)
    _one_line(output, 2, returncode, starts)
