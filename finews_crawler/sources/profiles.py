"""The source's profiles (SOURCE-SITE.md §8): which one a configuration crawls, and how politely a live one is read.

The live source bans an IP for 30–60 minutes past about 5 requests a
second, 10 concurrent connections or 200 requests a minute, counted over
all of its hosts together.  `FINEWS_SOURCE` names the profile:

- `replay`: a replay site on this machine (the bundled one, or the one
  `FINEWS_API_BASE` names on a loopback address): not throttled;
- `legacy`: the 2021 endpoints on a live host: polite;
- `eastmoney`: today's endpoints (§6), the live hosts unless its bases are
  set: polite, also when pointed at a replay site;
- `auto` (the default): `replay` when every base is empty or a loopback
  address, `legacy` otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from finews_crawler.sources.hosts import is_loopback

# A polite profile's Scrapy settings: two connections, a randomised delay of 0.6 s (about 100 requests a
# minute, half the ban threshold), AutoThrottle, and no retry of a 403 or 429 (those are refusals).
POLITE = {
    "CONCURRENT_REQUESTS": 2,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.6,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
}


class ProfileError(ValueError):
    """A profile the configuration contradicts."""


def profile(source: str, api_base: str, crawled: Sequence[str]) -> str:
    """The profile a configuration crawls with (`source`: FINEWS_SOURCE; `crawled`: every base it requests)."""
    local = all(is_loopback(base) for base in crawled)
    if source == "auto":
        return "replay" if local else "legacy"
    if source == "legacy" and not api_base:
        raise ProfileError("FINEWS_SOURCE=legacy needs FINEWS_API_BASE (the host of the 2021 feeds and text API)")
    if source == "replay" and not local:
        raise ProfileError(f"FINEWS_SOURCE=replay is for a replay site on this machine, and "
                           f"{', '.join(base for base in crawled if not is_loopback(base))} is "
                           "not a loopback address: use legacy or eastmoney, which are polite to live hosts")
    return source
