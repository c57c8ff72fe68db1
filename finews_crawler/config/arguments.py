"""The spider's `-a` arguments: what each means, parsed and checked before anything is fetched.

`infocodes` replaces the feeds; `stocks`, `since` and `until` join the
configuration (`FinewsConfig.with_arguments`).
"""

from __future__ import annotations

from typing import Any

from finews_crawler.config.options import ConfigError, Expected, closest, moment, securities
from finews_crawler.sources.feeds.kind import article_code

# The spider's `-a` arguments, and what each means.
ARGUMENTS = {"infocodes": "comma-separated article codes to fetch instead of reading the feeds "
                          "(NW202204282363799455, or today's 18 digits 202204282363799455)",
             "stocks": "comma-separated securities (600519, 00700.HK, BK0477) whose per-stock search is read too",
             "since": "backfill: only articles published at or after this date or time (2026-11-01; Beijing time "
                      "unless it names a zone)",
             "until": "backfill: only articles published before this date or time (2026-11-15T12:00)"}


def spider_arguments(given: dict[str, Any]) -> dict[str, Any]:
    """The `-a` arguments, parsed: codes, securities, the backfill window. An unknown name names the closest
    known one; an empty or bad value is a ConfigError."""
    for name, value in given.items():
        if name not in ARGUMENTS:
            raise ConfigError(f"unknown spider argument -a {name}{closest(name, ARGUMENTS)} "
                              f"(known: {', '.join(f'{k}: {v}' for k, v in ARGUMENTS.items())})")
        if not str(value).strip(" ,"):
            raise ConfigError(f"-a {name}= is empty: name at least one, or leave the argument out")
    parsed: dict[str, Any] = {"infocodes": requested(given), "stocks": watched(given)}
    for name in ("since", "until"):
        try:
            parsed[name] = moment(given.get(name, ""))
        except Expected as exc:
            raise ConfigError(f"-a {name}={given[name]!r}: expected {exc}") from None
    if parsed["since"] and parsed["until"] and parsed["since"] >= parsed["until"]:
        raise ConfigError(f"-a since= ({parsed['since']:%Y-%m-%d %H:%M %z}) is not before -a until= "
                          f"({parsed['until']:%Y-%m-%d %H:%M %z}): the window is empty")
    return parsed


def requested(given: dict[str, Any]) -> list[str]:
    """The article codes `-a infocodes=` names, each in its one spelling; ConfigError for one that is not a code."""
    codes = []
    for token in (token.strip() for token in str(given.get("infocodes", "")).split(",")):
        if not token:
            continue
        code = article_code(token)
        if code is None:
            raise ConfigError(f"-a infocodes: {token[:80]!r} is not an article code (NW202204282363799455, "
                              "or today's 18 digits 202204282363799455)")
        codes.append(code)
    return list(dict.fromkeys(codes))


def watched(given: dict[str, Any]) -> tuple[str, ...]:
    """The securities `-a stocks=` names; ConfigError for one that is not a security."""
    try:
        return securities(given.get("stocks", ""))
    except Expected as exc:
        raise ConfigError(f"-a stocks: expected {exc}") from None
