"""The securities an article names: read from the source's quote markup before cleaning unwraps it.

Bodies mark every stock and sector they name with a quote link or span
keyed by a secid `{market}.{code}` (SOURCE-SITE.md §7), in several
spellings: `stock_…` / `bk_…` / `Info.{m}.{code}` span ids, `data-code`
as `1,600030` or `600519|1|1`, and quote links `quote.eastmoney.com/
unify/r/{m}.{code}`, `/r/{m}.{code}` or `/sh600519.html`.  Today's fast
news adds the item's `stockList`.  This module turns all of them into one
list of `Security` values; the visible text is cleaning's business and
does not change.

Market ids are read exactly as §7 lists them; an id it does not list is
kept as given (kind "other", the secid as its symbol), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from lxml import html as lxml_html

from finews_crawler.domain.cleaning import clean_name

# A security id as feeds and quote links write it (SOURCE-SITE.md §7): market id, dot, code.
_MARKET, _CODE = r"(\d{1,3})", r"([A-Za-z0-9]{1,12})"  # its two parts, for the other spellings
SECID = re.compile(rf"^{_MARKET}\.{_CODE}$", re.ASCII)
_SPAN_ID = re.compile(rf"^(?:stock_|bk_|Info\.){_MARKET}\.{_CODE}$", re.ASCII)
_DATA_CODE_COMMA = re.compile(rf"^{_MARKET},{_CODE}$", re.ASCII)
_DATA_CODE_BAR = re.compile(rf"^{_CODE}\|{_MARKET}\|\d+$", re.ASCII)  # code|market|chart type (quote charts)
_QUOTE_LINK = re.compile(rf"^(?:https?:)?//quote\.eastmoney\.com/(?:unify/)?r/{_MARKET}\.{_CODE}(?:[/?#]|$)",
                         re.ASCII | re.IGNORECASE)
# The oldest quote links name the exchange: sh → 1, sz and bj → 0 (§7's ids for those exchanges).
_EXCHANGE_LINK = re.compile(r"^(?:https?:)?//quote\.eastmoney\.com/(sh|sz|bj)(\d{6})\.html(?:[?#]|$)",
                            re.ASCII | re.IGNORECASE)
_EXCHANGE_MARKET = {"sh": "1", "sz": "0", "bj": "0"}

SUFFIX = {"1": "SH", "116": "HK", "105": "US", "106": "US", "107": "US"}
BEIJING_CODES = re.compile(r"^(?:4|8|92)\d{4,5}$", re.ASCII)  # market 0 holds Beijing's codes too (43…, 83…, 87…, 920…)
SECTOR, INDEX = "90", "100"
MAX_SECURITIES = 200  # an article naming more is not news about them
# Every form above contains one of these; a body with none of them names no security.
# (Compared with the body in lower case: HTML attribute names and hosts have no case.)
MARKERS = ("quote.eastmoney.com", "data-code", "stock_", "bk_", "info.")
# Characters libxml2 refuses (controls, surrogates): no attribute of a security holds one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Security:
    """One security as an article names it: `secid` is the key, `symbol` what readers know it by."""

    secid: str
    symbol: str
    kind: str
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def security(secid: str, name: str = "") -> Security | None:
    """The security a secid names, or None if it is not a secid."""
    match = SECID.fullmatch(secid)
    if match is None:
        return None
    market, code = match.groups()
    return Security(secid, symbol(market, code), kind(market, code), clean_name(name))


def symbol(market: str, code: str) -> str:
    """`600519.SH`, `000001.SZ`, `830799.BJ`, `00700.HK`, `NIO.US`, `BK0493`; the secid itself for other markets."""
    if market == "0":
        return f"{code}.BJ" if BEIJING_CODES.fullmatch(code) else f"{code}.SZ"
    if market in SUFFIX:
        return f"{code.upper() if SUFFIX[market] == 'US' else code}.{SUFFIX[market]}"
    if market == SECTOR:
        return code.upper()
    return f"{market}.{code}"


def kind(market: str, code: str) -> str:
    """stock, sector (board), index, or other (futures, funds, … kept as given)."""
    if market == SECTOR:
        return "sector"
    if market == INDEX or (market == "1" and code.startswith("000")) or (market == "0" and code.startswith("399")):
        return "index"
    if market in {"0", *SUFFIX}:
        return "stock"
    return "other"


def _secid_of(attributes: Any) -> str | None:
    """The secid an element's attributes name: its id, its data-code, its quote link (in that order)."""
    if (match := _SPAN_ID.fullmatch(attributes.get("id", "").strip())) is not None:
        return f"{match[1]}.{match[2]}"
    data_code = attributes.get("data-code", "").strip()
    if (match := _DATA_CODE_COMMA.fullmatch(data_code)) is not None:
        return f"{match[1]}.{match[2]}"
    if (match := _DATA_CODE_BAR.fullmatch(data_code)) is not None:
        return f"{match[2]}.{match[1]}"
    href = attributes.get("href", "").strip()
    if (match := _QUOTE_LINK.match(href)) is not None:
        return f"{match[1]}.{match[2]}"
    if (match := _EXCHANGE_LINK.match(href)) is not None:
        return f"{_EXCHANGE_MARKET[match[1].lower()]}.{match[2]}"
    return None


def securities_in(body_raw: str, stock_list: Iterable[str] = (), listed: Iterable[str] = ()) -> list[Security]:
    """Every security the raw body's markup and the feed's stockList name, once each, in order of appearance.

    A name is the text the article gave the security; one the markup does
    not give (a quote chart, a stockList entry) is taken from a `名称(代码)`
    in the body, else in what the feeds said (`listed`: the title, the
    digest, a search answer's snippet), else empty.
    """
    names: dict[str, str] = {}
    body_raw = _NOT_XML.sub(" ", body_raw)
    lowered = body_raw.lower()
    if any(marker in lowered for marker in MARKERS):  # most items name none: no second parse for them
        root = lxml_html.fragment_fromstring(body_raw, create_parent="div")
        for element in root.iter("a", "span", "div", "img"):
            secid = _secid_of(element.attrib)
            if secid is None:
                continue
            text = " ".join(element.text_content().split())
            if not names.get(secid):
                names[secid] = text
    for secid in stock_list:
        names.setdefault(secid, "")
    if not all(names.values()):  # a stockList entry, a quote chart: the text may still name it, 昇兴股份(002752)
        named = {**names_in_text("\n".join(listed)), **names_in_text(body_raw)}
        names = {secid: name or named.get(secid.split(".", 1)[1].upper(), "") for secid, name in names.items()}
    found = [s for secid, name in names.items() if (s := security(secid, name)) is not None]
    return found[:MAX_SECURITIES]


# `名称(代码)` or `名称（代码.SH）` in running text: a short name (two to four CJK characters, as securities' short
# names are, with `*ST` before or a class letter after) standing right after a delimiter, then its code. Chinese
# runs words together: with no delimiter just before it, or more characters, the name's start is a guess
# (广告昇兴股份, 又有圣莱退), and no name is better than a wrong one.
_NAMED_CODE = re.compile(r"(?:^|(?<=[\s，。、；：,.;:“”\"'（(【\[》]))"
                         r"((?:\*?ST)?[\u4e00-\u9fff]{2,4}(?:[A-Z]|-[A-Z]{1,2})?)"
                         r"\s*[(（]\s*(\d{5,6}|BK\d{4}|[A-Z]{1,5})(?:\.[A-Za-z]{2})?\s*[)）]", re.M)
_TAG = re.compile(r"<[^<>]*>")


def names_in_text(body_raw: str) -> dict[str, str]:
    """Code (upper case) -> the name the text gives it first, from `名称(代码)` / `名称（代码）` patterns."""
    found: dict[str, str] = {}
    for name, code in _NAMED_CODE.findall(_TAG.sub("\n", body_raw)):
        found.setdefault(code.upper(), name)
    return found


# What a user may name a security by: a code (600519), a symbol (600519.SH) or a secid (1.600519).
# ASCII letters, digits and dots only, so it is safe in a LIKE pattern too.
# One of the three, not a mix (1.600519.SH names no security).
NAME = re.compile(rf"^(?:{_MARKET}\.{_CODE}|{_CODE}(?:\.[A-Za-z]{{2}})?)$", re.ASCII)
_SYMBOL = re.compile(r"^([A-Za-z0-9]{1,12})\.[A-Za-z]{2}$", re.ASCII)


def code_of(token: str) -> str:
    """The code a user's name for a security holds: `1.600519`, `600519.SH` and `600519` are all `600519`."""
    token = token.strip()
    if (match := SECID.fullmatch(token)) is not None:
        return match[2]
    if (match := _SYMBOL.fullmatch(token)) is not None:
        return match[1]
    return token


def split_by_kind(securities: Iterable[Security]) -> tuple[list[str], list[str]]:
    """(stocks, sectors) as symbols: sector boards apart, every other security (indices too) with the stocks."""
    stocks, sectors = [], []
    for item in securities:
        (sectors if item.kind == "sector" else stocks).append(item.symbol)
    return stocks, sectors
