import pytest
from hypothesis import given, strategies as st
from scrapy import Request
from scrapy.utils.request import request_from_dict

from finews_crawler.distributed import serializer
from finews_crawler.spiders.finews import FinewsSpider

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text() | st.binary(), inner),
    max_leaves=20,
)


def test_a_share_request_round_trips_with_its_callback_headers_and_kwargs():
    spider = FinewsSpider()
    request = Request("http://h/html_News/NewsShare.html?infoCode=NW1234567", callback=spider.parse_article,
                      errback=spider.article_failed, cb_kwargs={"entry": {"info_code": "NW1234567", "feeds": ["roll"]}},
                      headers={"Referer": "http://h/"}, priority=3)
    data = serializer.dumps(request.to_dict(spider=spider))
    assert b"parse_article" in data and b"\x80" not in data[:2]  # JSON text, not a pickle
    again = request_from_dict(serializer.loads(data), spider=spider)
    assert again.callback == spider.parse_article and again.errback == spider.article_failed
    assert again.cb_kwargs == request.cb_kwargs and again.headers == request.headers
    assert (again.url, again.priority, again.dont_filter) == (request.url, 3, False)


@given(PLAIN)
def test_any_plain_value_round_trips(value):
    assert serializer.loads(serializer.dumps(value)) == value


def test_objects_are_refused_rather_than_pickled():
    with pytest.raises(TypeError, match="cannot put a object"):
        serializer.dumps({"x": object()})


def test_a_pickle_planted_in_the_queue_is_rejected_not_run(tmp_path):
    import os
    import pickle

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    with pytest.raises(ValueError):
        serializer.loads(pickle.dumps(Exploit()))
    assert not (tmp_path / "pwned").exists()
