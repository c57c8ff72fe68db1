from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finews_crawler.domain.dates import BEIJING, format_post_date, parse_beijing_time


@pytest.mark.parametrize("text, expected", [
    ("2022-04-28 13:52:55", datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)),
    ("2022年04月28日 13:52", datetime(2022, 4, 28, 13, 52, tzinfo=BEIJING)),
    ("2022年4月28日13时52分", datetime(2022, 4, 28, 13, 52, tzinfo=BEIJING)),
    ("2022/4/28 13:52", datetime(2022, 4, 28, 13, 52, tzinfo=BEIJING)),
    ("2022-04-28T13:52:55+08:00", datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)),
    ("2022-04-28T05:52:55Z", datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)),
    (" 2022-04-28 13:52:55\u3000", datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)),
])
def test_every_source_time_format_parses_as_beijing_time(text, expected):
    parsed = parse_beijing_time(text)
    assert parsed == expected
    assert parsed.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("text", ["", None, "   ", "0000-00-00", "0000-00-00 00:00:00", "2022-02-31 10:00:00",
                                  "2022-13-01", "not a date", "13:52", "2022年", "昨天 13:52"])
def test_invalid_or_empty_times_are_none(text):
    assert parse_beijing_time(text) is None


def test_post_date_uses_the_original_sites_plus_0800_format():
    assert format_post_date(datetime(2022, 4, 28, 5, 52, 55, tzinfo=parse_beijing_time("2022-04-28T05:52:55Z").tzinfo)) \
        == "2022-04-28 05:52:55 +0800"
    assert format_post_date(parse_beijing_time("2022-04-28T05:52:55Z")) == "2022-04-28 13:52:55 +0800"


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)))
def test_every_spelling_of_one_moment_reads_as_that_moment(moment):
    spellings = [moment.strftime("%Y-%m-%d %H:%M:%S"), moment.isoformat(), moment.strftime("%Y/%m/%d %H:%M:%S"),
                 moment.strftime("%Y年%m月%d日 %H:%M:%S"),
                 f"{moment.year}年{moment.month}月{moment.day}日{moment.hour}时{moment.minute}分{moment.second}秒"]
    for spelling in spellings:  # read on a clock at the end of the century
        assert parse_beijing_time(spelling, now=END_OF_CENTURY) == moment.replace(tzinfo=BEIJING), spelling


END_OF_CENTURY = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2025-03-01T10:00:00+99:00", "9999-12-31T23:59:59-14:00", "9999-12-31 23:59:59",
                                  "2022-04-28T13:52:55+24:00", "2022-04-30 13:52:56"])
def test_a_time_no_clock_has_or_more_than_a_day_ahead_names_no_time(text):
    assert parse_beijing_time(text, now=datetime(2022, 4, 29, 5, 52, 55, tzinfo=UTC)) is None


def test_a_time_within_a_day_ahead_is_kept_for_clock_skew():
    now = datetime(2022, 4, 28, 5, 52, 55, tzinfo=UTC)  # 13:52:55 in Beijing
    assert parse_beijing_time("2022-04-29 13:52:55", now=now) == datetime(2022, 4, 29, 13, 52, 55, tzinfo=BEIJING)


@pytest.mark.parametrize("text", ["2022年02月30日 10:00", "2022年13月01日", "2022年04月28日 25:00", "1969年12月31日"])
def test_impossible_cjk_dates_are_none(text):
    assert parse_beijing_time(text) is None


def test_a_stored_time_moves_only_within_the_pages_precision_unless_the_page_agrees():
    from finews_crawler.domain.dates import settled_time

    stored = datetime(2022, 4, 28, 13, 52, 55, tzinfo=BEIJING)
    later = datetime(2022, 5, 28, 9, 0, 0, tzinfo=BEIJING)
    seconds = datetime(2022, 4, 28, 13, 52, 59, tzinfo=BEIJING)
    assert settled_time(later, None, stored) == stored  # a feed re-dating it alone does not move it
    assert settled_time(later, stored, stored) == stored  # nor with a page that still shows the old time
    assert settled_time(later, later.replace(second=0), stored) == later  # the page agrees: it moves
    assert settled_time(seconds, None, stored) == seconds  # within the page's minute: the feed's seconds win
    assert settled_time(later, None, None) == later and settled_time(None, later, None) == later
