import pytest
from scrapy.settings import Settings

import finews_crawler.settings as project_settings
from finews_crawler.config import ConfigError, FinewsConfig, YamlConfig
from finews_crawler.feeds import DEFAULT_FEEDS


def settings_with(config_path=None, **cmdline):
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    if config_path:
        settings.set("FINEWS_CONFIG", str(config_path), priority="cmdline")
    for key, value in cmdline.items():
        settings.set(key, value, priority="cmdline")
    YamlConfig().update_settings(settings)
    return settings


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
    ("api_bse: http://x\n", "unknown keys"),
    ("- a\n- b\n", "must be a mapping"),
    ("api_base: ftp://x\n", "FINEWS_API_BASE must be an http"),
    ("feeds:\n- {name: x, kind: rss}\n", "unknown kind"),
    ("feeds:\n- {name: x, kind: roll}\n- {name: x, kind: media}\n", "unique"),
    ("page_size: 500\n", "1..100"),
    ("key: [unclosed\n", "cannot read config"),
    ("settings: [1]\n", "`settings` must be a mapping"),
    ("rotate_days: -1\n", "FINEWS_ROTATE_DAYS cannot be negative"),
    ("rotate_days: 3\nrotate_archive: ../elsewhere\n", "FINEWS_ROTATE_ARCHIVE must be a folder inside"),
    ("rotate_days: 3\nrotate_archive: _posts/old\n", "other than _posts"),
    ("lock_wait: -5\n", "FINEWS_LOCK_WAIT is in seconds"),
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
