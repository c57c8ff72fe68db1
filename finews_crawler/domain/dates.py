"""Parse the source's timestamps into aware datetimes.

Every time the source publishes is Beijing time (UTC+8) without a zone, in a
handful of spellings (`2022-04-28 13:52:55`, `2022年04月28日 13:52`,
`2022/4/28 13:52`, ISO 8601 with `T` and a zone).  Anything else, including
`0000-00-00`, 31 February, a zone offset no clock has (`+99:00`) and a time
more than a day ahead of now (`9999-12-31`: no news is published in the
future, and a post dated there would be hidden by Jekyll), is not a time:
callers get `None` and decide how to count the article.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
# How far ahead of this machine's clock a source's time may be (clock skew, a time zone mistaken by a few hours).
MAX_AHEAD = timedelta(days=1)

# `2022年04月28日 13:52` and `2022年4月28日13时52分`: read field by field (dateutil's guessing parser
# is a hundred times slower, and these are on every page).
_CJK_DATE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"(?:\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2})\s*秒?)?)?"
)
_HAS_DIGIT_DATE = re.compile(r"\d{4}\D\d{1,2}\D\d{1,2}")


def _from_cjk(match: re.Match[str]) -> datetime | None:
    y, m, d, hour, minute, second = (int(part or 0) for part in match.group("y", "m", "d", "H", "M", "S"))
    try:
        return datetime(y, m, d, hour, minute, second)
    except ValueError:  # 31 February, hour 25
        return None


def parse_beijing_time(text: str | None, now: datetime | None = None) -> datetime | None:
    """Return the aware datetime `text` names, or None when it names none.

    A zone in the text is honoured and converted to Beijing time; a time
    without one is Beijing time, as the source contract says.  A time more
    than `MAX_AHEAD` after `now` (this machine's clock) names none.
    """
    if not text:
        return None
    text = text.strip().replace("\u3000", " ")
    if (cjk := _CJK_DATE.search(text)) is not None:
        parsed = _from_cjk(cjk)
        if parsed is None:
            return None
    elif not _HAS_DIGIT_DATE.search(text):
        return None
    else:
        try:
            parsed = datetime.fromisoformat(text)  # the feeds' own spelling, in C
        except ValueError:
            try:
                parsed = dateutil_parser.parse(text, yearfirst=True, dayfirst=False)
            except (ValueError, OverflowError):
                return None
    if parsed.year < 1970:
        return None
    try:
        moment = parsed.replace(tzinfo=BEIJING) if parsed.tzinfo is None else parsed.astimezone(BEIJING)
        ahead = moment - (now or datetime.now(UTC))
    except (ValueError, OverflowError):  # an offset of a day or more; a year past 9999 once converted
        return None
    return None if ahead > MAX_AHEAD else moment


# A page's time is to the minute: within this, two times of one article agree.
PAGE_PRECISION = timedelta(minutes=1)


def settled_time(listed: datetime | None, page: datetime | None, stored: datetime | None) -> datetime | None:
    """The time an article is filed under: the feed's (it has seconds), else its page's.

    A stored article's time moves only within the page's precision, unless
    the page agrees with the new time: a feed that re-lists an article under
    another time (a mistake, a hostile answer) does not re-date its post.
    """
    chosen = listed or page
    if stored is None or chosen is None or abs(chosen - stored) <= PAGE_PRECISION:
        return chosen
    if page is not None and abs(page - chosen) <= PAGE_PRECISION:
        return chosen
    return stored


def format_post_date(moment: datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS +0800`, the front-matter date the original site used."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S +0800")


def format_feed_time(moment: datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS` in Beijing time, as the feeds write it (so it parses back to `moment`)."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
