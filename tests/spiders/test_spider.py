"""The spider's entry points, each through a real `scrapy crawl` process."""

from __future__ import annotations

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from helpers import read_post

pytestmark = pytest.mark.e2e


def _stores(workdir):
    return {"FINEWS_DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "FINEWS_EXPORT_DIR": str(workdir / "site")}


def test_infocodes_fetches_just_those_articles_and_no_feed_and_takes_todays_18_digit_code(tmp_path, replay_server):
    returncode, log, stats = run_crawl(tmp_path, {"FINEWS_API_BASE": replay_server.url, **_stores(tmp_path)},
                                       "-a", "infocodes=202204282363799455, NW202206010000000003")
    assert returncode == 0, log[-2000:]
    posts = sorted(p.name for p in (tmp_path / "site" / "_posts").glob("*.md"))
    assert posts == ["2022-04-28-NW202204282363799455.md", "2022-06-01-NW202206010000000003.md"]
    counted = server_stats(replay_server)
    assert set(counted["share_pages"]) == {"NW202204282363799455", "NW202206010000000003"}
    assert not any(kind.startswith("feed:") for kind in counted["kinds"])
    # Without a feed, the page's time (minutes) and media decide.
    front, _ = read_post(tmp_path / "site" / "_posts" / posts[0])
    assert front["date"] == "2022-04-28 13:52:00 +0800" and front["categories"] == "zhongguoshichangjianguanxinwenwang"


def test_with_no_source_configured_it_crawls_the_bundled_replay_site_and_says_so(tmp_path):
    returncode, log, stats = run_crawl(tmp_path, {**_stores(tmp_path), "FINEWS_DEMO": "1"})
    assert returncode == 0, log[-2000:]
    assert "No source configured (FINEWS_API_BASE): crawling the bundled replay site http://127.0.0.1:" in log
    assert stats["finews/articles/new"] == len(list((tmp_path / "site" / "_posts").glob("*.md"))) > 100
    assert (tmp_path / "site" / "_config.yml").exists()


def test_a_yaml_config_feeds_the_crawl_and_minus_s_still_wins(tmp_path, replay_server):
    config = tmp_path / "finews.yml"
    config.write_text(
        f"api_base: {replay_server.url}\n"
        f"export_dir: {tmp_path / 'ignored'}\n"
        "site_base: finews.example.com\n"
        "feeds:\n- {name: market37, kind: market, market_type: 37}\n"
        "categories: {央行网站: yangxingwangzhan}\n", encoding="utf-8")
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_CONFIG": str(config), **_stores(tmp_path)})
    assert returncode == 0, log[-2000:]
    assert not (tmp_path / "ignored").exists()
    front, rest = read_post(next((tmp_path / "site" / "_posts").glob("*NW202205302396506117.md")))
    assert front["categories"] == "yangxingwangzhan"
    assert rest.endswith("[返回央行网站新闻](//finews.example.com/category/yangxingwangzhan.html)"
                         "｜[返回首页](//finews.example.com/)\n")
    # The configured source was crawled, with the configured feed: not the bundled demo.
    assert set(server_stats(replay_server)["kinds"]) - {"other"} <= {"feed:market37", "share", "text_api"}
    assert "feed:market37" in server_stats(replay_server)["kinds"] and "bundled replay site" not in log


def test_a_bad_config_stops_the_run_with_one_clear_message(tmp_path):
    config = tmp_path / "finews.yml"
    config.write_text("api_bse: http://x\n", encoding="utf-8")
    returncode, log, _ = run_crawl(tmp_path, {"FINEWS_CONFIG": str(config), **_stores(tmp_path)})
    assert returncode == 2
    assert log.endswith("scrapy: error: configuration: " f"{config}: unknown key 'api_bse'; did you mean api_base?\n")
    assert "Traceback" not in log and "Usage" not in log


@pytest.mark.parametrize("stores, named", [
    ({"FINEWS_DATABASE_URL": "sqlite:///{tmp}/db.sqlite3", "FINEWS_STORE_EXPORT": "0"}, "FINEWS_DATABASE_URL sqlite:///{tmp}/db.sqlite3"),
    ({"FINEWS_EXPORT_DIR": "{tmp}/site", "FINEWS_STORE_DATABASE": "0"}, "FINEWS_EXPORT_DIR {tmp}/site"),
])
def test_demo_articles_never_go_into_stores_of_the_users_own_without_a_source(tmp_path, stores, named):
    stores = {key: value.format(tmp=tmp_path) for key, value in stores.items()}
    returncode, log, _ = run_crawl(tmp_path, stores)
    assert returncode == 2
    assert log.rstrip().endswith(
        f"scrapy: error: configuration: no source is configured (FINEWS_API_BASE), so this run would fill "
        f"{named.format(tmp=tmp_path)} with the bundled replay site's demo articles; set FINEWS_API_BASE, or "
        "FINEWS_DEMO=1 to crawl the demo there")
    assert not (tmp_path / "db.sqlite3").exists() and not (tmp_path / "site").exists()


def test_a_drop_caused_by_our_database_is_not_recorded_as_gone_but_an_unusable_article_is():
    from scrapy.exceptions import DropItem

    from finews_crawler.items import Article
    from finews_crawler.spiders.finews import FinewsSpider

    spider = FinewsSpider()
    spider._item_dropped(Article("NW202204282363799455", "u", "s"), DropItem("[not_stored] database down"))
    spider._item_dropped(Article("NW202205302396506117", "u", "s"), DropItem("[empty_body] nothing left"))
    assert spider._gone == {"NW202205302396506117": "empty_body"}


def test_a_yaml_file_alone_names_the_source_and_the_stores_of_a_scheduled_run(tmp_path, replay_server):
    """The README's path: everything in the YAML file, nothing but FINEWS_CONFIG on the command line."""
    config = tmp_path / "finews.yml"
    config.write_text(f"api_base: {replay_server.url}\ndatabase_url: sqlite:///{tmp_path / 'mine.sqlite3'}\n"
                      f"export_dir: {tmp_path / 'mine'}\n", encoding="utf-8")
    returncode, log, stats = run_crawl(tmp_path, {"FINEWS_CONFIG": str(config)})
    assert returncode == 0, log[-2000:]
    assert "bundled replay site" not in log and stats["finews/articles/new"] > 100
    assert len(list((tmp_path / "mine" / "_posts").glob("*.md"))) == stats["finews/articles/new"]
    assert server_stats(replay_server)["kinds"]["feed:roll"] >= 1
    returncode, log, stats = run_crawl(tmp_path, {"FINEWS_CONFIG": str(config)})
    assert returncode == 0 and stats.get("finews/articles/new", 0) == 0 and stats["finews/articles/skipped"] > 100


@pytest.mark.parametrize("value, message", [
    ("bad/../code", "-a infocodes: 'bad/../code' is not an article code"),
    ("2022042823637994", "-a infocodes: '2022042823637994' is not an article code"),
])
def test_a_bad_infocode_is_one_line_and_status_2(tmp_path, value, message):
    returncode, log, _ = run_crawl(tmp_path, _stores(tmp_path), "-a", f"infocodes={value}")
    assert returncode == 2 and log.rstrip().splitlines()[-1].startswith(f"scrapy: error: {message}")
    assert "Traceback" not in log


def test_unknown_spider_arguments_are_refused_with_the_closest_name():
    from finews_crawler.config import ConfigError
    from finews_crawler.config.arguments import spider_arguments

    assert spider_arguments({"infocodes": "NW202204282363799455"})
    with pytest.raises(ConfigError, match="did you mean infocodes"):
        spider_arguments({"infocode": "x"})
    with pytest.raises(ConfigError, match="is empty"):
        spider_arguments({"infocodes": " , "})
