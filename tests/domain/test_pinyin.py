import pytest

from finews_crawler.domain.pinyin import category_slug, pinyin_slug


@pytest.mark.parametrize("name, slug", [
    ("中国市场监管新闻网", "zhongguoshichangjianguanxinwenwang"),
    ("财联社", "cailianshe"),
    ("21世纪经济报道", "21shijijingjibaodao"),
    ("重庆日报", "chongqingribao"),  # 重 read as chong in 重庆
    ("银行家", "yinhangjia"),  # 行 read as hang in 银行
    ("央行网站", "yanghangwangzhan"),  # the original site wrote yangxingwangzhan
    ("Wind资讯", "windzixun"),
    ("a/../b c 😀", "abc"),
    ("中國證券報", "zhongguozhengquanbao"),
])
def test_slug_is_phrase_aware_toneless_pinyin_of_ascii_letters_and_digits(name, slug):
    assert pinyin_slug(name) == slug


def test_override_map_pins_a_slug():
    assert category_slug("央行网站", {"央行网站": "yangxingwangzhan"}) == "yangxingwangzhan"
    assert category_slug("财联社", {"央行网站": "yangxingwangzhan"}) == "cailianshe"


def test_every_corpus_media_slug_matches_the_original_except_the_known_polyphone(corpus_posts):
    known_errors = {"央行网站": "yangxingwangzhan"}
    for post in corpus_posts:
        if post.is_roll:
            continue
        if post.media in known_errors:
            assert post.category == known_errors[post.media] != pinyin_slug(post.media)
        else:
            assert pinyin_slug(post.media) == post.category, post.path.name
