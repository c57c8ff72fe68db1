from finews_crawler.domain.categories import categorise, media_slug
from finews_crawler.sources.feeds import DEFAULT_FEEDS

SPECS = {feed.name: feed for feed in DEFAULT_FEEDS}


def test_roll_only_articles_get_the_fixed_emnews_category_and_tag():
    assert categorise("上海证券报", False, ["roll"], SPECS, {}) == ("emnews", ["东财滚动新闻"])


def test_an_article_a_media_feed_names_is_filed_under_its_media():
    assert categorise("央行网站", True, ["media", "roll"], SPECS, {}) == ("yanghangwangzhan", ["央行网站新闻"])


def test_articles_fetched_by_infocode_are_filed_under_their_media():
    assert categorise("财联社", False, [], SPECS, {}) == ("cailianshe", ["财联社新闻"])


def test_config_override_wins_over_pinyin():
    assert categorise("央行网站", True, ["media"], SPECS, {"央行网站": "yangxingwangzhan"})[0] == "yangxingwangzhan"


def test_a_name_without_pinyin_or_ascii_gets_a_stable_hash_slug():
    assert media_slug("😀🚀", {}) == media_slug("😀🚀", {})
    assert media_slug("😀🚀", {}).startswith("m") and media_slug("😀🚀", {}).isalnum()
