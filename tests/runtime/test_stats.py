import pytest
from scrapy.exceptions import DropItem

from finews_crawler.runtime.stats import CountingStats, drop, drop_reason


def test_drop_counts_the_reason_and_puts_it_in_the_message():
    stats = CountingStats()
    with pytest.raises(DropItem) as raised:
        drop(stats, "empty_body", "NW1234567: nothing left")
    assert stats.values == {"finews/dropped/empty_body": 1}
    assert drop_reason(raised.value) == "empty_body"


def test_a_drop_from_elsewhere_has_no_reason():
    assert drop_reason(DropItem("something else")) is None
