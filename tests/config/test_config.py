
import yaml

import pytest

import finews_crawler.settings as project_settings
from finews_crawler.config import ConfigError, FinewsConfig
from finews_crawler.sources.feeds import DEFAULT_FEEDS
from helpers import REPO, settings_with


def test_yaml_overrides_settings_py_and_minus_s_overrides_yaml(tmp_path):
    path = tmp_path / "finews.yml"
    path.write_text("api_base: http://api.example\nshare_base: http://share.example\nmax_pages: 3\n"
                    "categories: {央行网站: yangxingwangzhan}\nsettings: {CONCURRENT_REQUESTS_PER_DOMAIN: 4}\n")
    settings = settings_with(path, FINEWS_FEED_MAX_PAGES=7)
    config = FinewsConfig.from_settings(settings)
    assert (config.api_base, config.share_base) == ("http://api.example", "http://share.example")
    assert config.max_pages == 7  # -s wins
    assert config.category_overrides == {"央行网站": "yangxingwangzhan"}
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4


def test_defaults_mean_the_replay_site_all_feeds_and_both_stores():
    config = FinewsConfig.from_settings(settings_with())
    assert config.api_base == "" and config.feeds == DEFAULT_FEEDS
    assert config.database_url.startswith("sqlite:///") and config.export_dir is not None


def test_switching_a_store_off_empties_its_setting():
    config = FinewsConfig.from_settings(settings_with(FINEWS_STORE_DATABASE=False, FINEWS_STORE_EXPORT="0"))
    assert config.database_url == "" and config.export_dir is None


def test_feeds_from_yaml_become_feed_specs(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("feeds:\n- {name: roll, kind: roll, category: emnews, tag: 东财滚动新闻}\n"
                    "- {name: m38, kind: market, market_type: 38}\n")
    config = FinewsConfig.from_settings(settings_with(path))
    assert [(f.name, f.kind, f.market_type) for f in config.feeds] == [("roll", "roll", None), ("m38", "market", 38)]


@pytest.mark.parametrize("content, message", [
    ("api_bse: http://x\n", "unknown key 'api_bse'; did you mean api_base"),
    ("- a\n- b\n", "must be a mapping"),
    ("api_base: ftp://x\n", r"FINEWS_API_BASE \(YAML api_base\) = 'ftp://x': expected an http\(s\) URL"),
    ("feeds:\n- {name: x, kind: rss}\n", "unknown kind"),
    ("feeds:\n- {name: x, kind: roll}\n- {name: x, kind: media}\n", "unique"),
    ("page_size: 500\n", "expected a whole number from 1 to 100"),
    ("key: [unclosed\n", "cannot read config"),
    ("settings: [1]\n", "`settings` must be a mapping"),
    ("rotate_days: -1\n", "FINEWS_ROTATE_DAYS .*expected a whole number ≥ 0"),
    ("rotate_days: 3\nrotate_archive: ../elsewhere\n", "FINEWS_ROTATE_ARCHIVE must be a folder inside"),
    ("rotate_days: 3\nrotate_archive: _posts/old\n", "other than _posts"),
    ("lock_wait: -5\n", "FINEWS_LOCK_WAIT .*expected a number ≥ 0"),
    ("settings: {CONCURRENT_REQUESTS_PER_DOMAIN: lots}\n", "CONCURRENT_REQUESTS_PER_DOMAIN = 'lots': expected a whole number"),
    ("settings: {AUTOTHROTTLE_ENABLED: maybe}\n", "AUTOTHROTTLE_ENABLED = 'maybe': expected true or false"),
    ("settings: {LOG_LEVEL: LOUD}\n", "LOG_LEVEL = 'LOUD'"),
])
def test_a_bad_config_file_stops_with_a_message_naming_the_problem(tmp_path, content, message):
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        settings_with(path)


def test_a_missing_named_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        settings_with(tmp_path / "nope.yml")


def test_rotation_is_off_by_default_and_on_with_a_window():
    assert FinewsConfig.from_settings(settings_with()).rotation is None
    rotation = FinewsConfig.from_settings(settings_with(FINEWS_ROTATE_DAYS="3", FINEWS_ROTATE_ARCHIVE="archive/")).rotation
    assert (rotation.days, rotation.archive) == (3, "archive")


# A bad value for every setting of the README's configuration table (and the plain Scrapy ones finews sets).
BAD_VALUES = {
    "FINEWS_SEARCH_BASE": "search.example.com", "FINEWS_WATCH": "600519,x y", "FINEWS_SEARCH_PAGE_SIZE": "101",
    "FINEWS_SEARCH_OPTIONS": "[1]",
    "FINEWS_API_BASE": "api.example.com", "FINEWS_SHARE_BASE": "ftp://x", "FINEWS_PUBLIC_SHARE_BASE": "//x",
    "FINEWS_SITE_BASE": ["a"], "FINEWS_SITE_URL": "https://news.example.com/blog",
    "FINEWS_HEADERS": '{"fast": "Referer"}', "FINEWS_SINCE": "yesterday", "FINEWS_UNTIL": "2026-13-01", "FINEWS_FEEDS": "[{", "FINEWS_FEED_PAGE_SIZE": "0", "FINEWS_FEED_MAX_PAGES": "abc",
    "FINEWS_DATABASE_URL": "mysql://x/y", "FINEWS_EXPORT_DIR": {"a": 1}, "FINEWS_STORE_DATABASE": "maybe",
    "FINEWS_STORE_EXPORT": "2", "FINEWS_CATEGORY_OVERRIDES": "not json", "FINEWS_REPLAY_DIR": ["x"],
    "FINEWS_REFRESH": "maybe", "FINEWS_REFRESH_MAX_AGE": "-1", "FINEWS_ROTATE_DAYS": "1.5",
    "FINEWS_ROTATE_ARCHIVE": ["x"], "FINEWS_LOCK_WAIT": "soon", "FINEWS_RUN_LOCK": "sometimes",
    "FINEWS_STATS_FILE": ["x"], "FINEWS_PROGRESS_INTERVAL": "fast", "FINEWS_REDIS_URL": "http://redis",
    "FINEWS_REDIS_PREFIX": "a b", "FINEWS_ROLE": "boss", "FINEWS_WORKER_WAIT": "forever", "FINEWS_DEMO": "perhaps", "FINEWS_CLEAN_BUDGET": "0",
    "FINEWS_SOURCE": "eastmony", "FINEWS_STOP_AFTER_REFUSALS": "0", "FINEWS_LIST_BASE": "np-listapi",
    "FINEWS_PAGE_BASE": "file:///a", "FINEWS_MOBILE_BASE": "wap", "FINEWS_TEMPLATE_CHANGE_SHARE": "1.5",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "lots", "DOWNLOAD_DELAY": "slow", "ROBOTSTXT_OBEY": "maybe",
    "RETRY_TIMES": "-1", "DOWNLOAD_MAXSIZE": "10MB",
}


def test_every_setting_is_parsed_and_a_bad_value_is_one_line_naming_key_value_and_expectation():
    from finews_crawler.config.options import OPTIONS
    assert set(OPTIONS) - {"FINEWS_CONFIG"} <= set(BAD_VALUES), "a new setting needs a bad value here"
    for name, value in BAD_VALUES.items():
        with pytest.raises(ConfigError) as caught:
            FinewsConfig.from_settings(settings_with(**{name: value}))
        message = str(caught.value)
        assert name in message and repr(value) in message and "expected" in message and "\n" not in message, message


def test_every_option_has_a_default_a_doc_and_a_type_in_the_one_table():
    from finews_crawler.config.options import OPTIONS
    for name, option in OPTIONS.items():
        assert getattr(project_settings, name) == option.default, name  # settings.py takes the table's defaults
        assert option.doc and option.expects, name
        option.parse(option.default)  # every default is a valid value


def test_the_example_file_sets_every_yaml_key_to_its_default_and_is_a_no_op_config(tmp_path):
    from finews_crawler.config.options import OPTIONS
    example = REPO / "finews.example.yml"
    document = yaml.safe_load(example.read_text(encoding="utf-8"))
    assert set(document) == {o.yaml_key for o in OPTIONS.values() if o.yaml_key} | {"settings"}
    assert FinewsConfig.from_settings(settings_with(example)) == FinewsConfig.from_settings(settings_with())


@pytest.mark.parametrize("name", ["FINEWS_API_BASE", "FINEWS_DATABASE_URL", "FINEWS_EXPORT_DIR", "FINEWS_REDIS_URL"])
def test_a_place_given_empty_on_the_command_line_is_an_error_not_the_default(name):
    """`-s FINEWS_API_BASE=${{ secrets.X }}` with the secret missing must not crawl the demo into a real site."""
    with pytest.raises(ConfigError, match=f"{name} .*is empty on the command line"):
        FinewsConfig.from_settings(settings_with(**{name: ""}))


@pytest.mark.parametrize("name, hint", [("FINEWS_MAX_PAGES", "FINEWS_FEED_MAX_PAGES"), ("FINEWS_REFERSH", "FINEWS_REFRESH"),
                                        ("FINEWS_NOTHING_ALIKE_AT_ALL", None)])
def test_an_unknown_finews_setting_is_an_error_naming_the_closest_known_one(name, hint):
    with pytest.raises(ConfigError, match=f"unknown setting {name}") as caught:
        FinewsConfig.from_settings(settings_with(**{name: "1"}))
    assert (f"did you mean {hint}?" in str(caught.value)) if hint else "did you mean" not in str(caught.value)


def test_headers_for_an_endpoint_kind_that_does_not_exist_are_an_error_naming_the_kinds():
    with pytest.raises(ConfigError, match=r"unknown endpoint kind 'serach'.*fast, column, search, page; did you mean search"):
        FinewsConfig.from_settings(settings_with(FINEWS_HEADERS={"serach": {"Referer": "https://x/"}}))


@pytest.mark.parametrize("where", ["setting", "yaml"])
def test_the_retired_search_headers_option_says_where_its_headers_go_now(tmp_path, where):
    with pytest.raises(ConfigError, match=r"retired: the search's headers are the `search` entry of FINEWS_HEADERS"):
        if where == "setting":
            FinewsConfig.from_settings(settings_with(FINEWS_SEARCH_HEADERS={"Referer": "https://x/"}))
        else:
            (tmp_path / "finews.yml").write_text("search_headers: {Referer: 'https://x/'}\n", encoding="utf-8")
            settings_with(tmp_path / "finews.yml")


def test_plain_scrapy_settings_from_settings_py_are_not_second_guessed_but_given_ones_are_checked():
    assert FinewsConfig.from_settings(settings_with(DOWNLOAD_DELAY="0.25", AUTOTHROTTLE_ENABLED="false"))
    with pytest.raises(ConfigError, match="DOWNLOAD_DELAY = 'slow'"):
        FinewsConfig.from_settings(settings_with(DOWNLOAD_DELAY="slow"))


@pytest.mark.parametrize("name, value, module, extra", [
    ("FINEWS_DATABASE_URL", "postgresql+psycopg://finews@db/finews", "psycopg", "postgres"),
    ("FINEWS_REDIS_URL", "redis://queue:6379/0", "scrapy_redis", "distributed"),
])
def test_a_missing_optional_extra_names_the_pip_install_that_fixes_it(monkeypatch, name, value, module, extra):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda spec, *a: None if spec == module else real(spec, *a))
    with pytest.raises(ConfigError, match=rf"but {module} is not installed: pip install 'finews\[{extra}\]'"):
        FinewsConfig.from_settings(settings_with(**{name: value, "FINEWS_API_BASE": "http://api.example"}))


def test_a_psycopg2_url_says_which_driver_finews_installs():
    with pytest.raises(ConfigError, match=r"postgresql\+psycopg://… \(finews installs psycopg 3, not psycopg2\)"):
        FinewsConfig.from_settings(settings_with(FINEWS_DATABASE_URL="postgresql+psycopg2://x/y"))


def test_the_watch_list_adds_one_search_feed_per_security_whatever_way_it_is_named():
    config = FinewsConfig.from_settings(settings_with(FINEWS_WATCH='["600519.SH", "1.600519", "00700.HK", "BK0477"]',
                                                      FINEWS_SEARCH_PAGE_SIZE="20"))
    watch = [feed for feed in config.feeds if feed.kind == "search"]
    assert [(f.name, f.keyword, f.page_size) for f in watch] == [
        ("watch:600519", "600519", 20), ("watch:00700", "00700", 20), ("watch:BK0477", "BK0477", 20)]
    assert config.headers_for("search", watch[0].endpoint.headers)["Referer"] == "https://so.eastmoney.com/"
    assert [f.name for f in config.watching(("NIO.US", "600519")).feeds if f.kind == "search"][-1] == "watch:NIO"


@pytest.mark.parametrize("watch", ['["600519; drop"]', '["６００５１９"]', '[{"a": 1}]'])
def test_a_watch_list_entry_that_is_not_a_security_is_a_config_error(watch):
    with pytest.raises(ConfigError, match="FINEWS_WATCH"):
        FinewsConfig.from_settings(settings_with(FINEWS_WATCH=watch))


def test_the_search_host_is_crawled_only_with_a_watch_list():
    config = FinewsConfig.from_settings(settings_with(FINEWS_SOURCE="eastmoney"))
    assert "FINEWS_SEARCH_BASE" not in {setting for _, setting in config.crawled_bases()}
    watching = config.watching(("600519",))
    assert ("https://search-api-web.eastmoney.com", "FINEWS_SEARCH_BASE") in watching.crawled_bases()
