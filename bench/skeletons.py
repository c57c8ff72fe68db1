"""The generic extractor on unknown page skeletons: rich articles whole and without chrome, one-sentence items whole.

Every article of the bundled replay site is dressed in each skeleton of
`finews_crawler.testing.skeletons` and read by `generic_page` with what
the spider would pass: the listed title and the feed's digest; a
one-sentence item also as a 7×24 flash (its summary is its whole text).
Prints, per skeleton: rich articles at ≥ 0.95 text similarity with no
chrome, one-sentence items whole, results holding chrome (must be 0), and
pages refused (the spider then counts them unreadable, or stores a flash
from its summary).

    cd bench && ../.venv/bin/python skeletons.py
"""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finews_crawler.replay.site import ReplaySite  # noqa: E402
from finews_crawler.sources.pages import PageError, generic_page  # noqa: E402
from finews_crawler.testing.skeletons import SKELETONS, chrome_in, dress  # noqa: E402
from finews_crawler.testing.text import visible_text  # noqa: E402

RICH = 200  # visible characters from which an article is "rich"


def measure(skeleton: str, articles: list) -> Counter[str]:
    counts: Counter[str] = Counter()
    for article in articles:
        want = visible_text(article.body)
        rich = len(want) >= RICH
        page = dress(skeleton, article.title, article.body, article.showtime, article.media)
        readings = [("rich" if rich else "short", article.digest, False)]
        if not rich:
            readings.append(("flash", want, True))
        for kind, listed, whole in readings:
            counts[f"{kind}/all"] += 1
            try:
                got = visible_text(generic_page(page, article.title, listed, whole).body_html)
            except PageError:
                counts[f"{kind}/refused"] += 1
                continue
            if chrome_in(got, want):
                counts[f"{kind}/chrome"] += 1
            elif rich and difflib.SequenceMatcher(None, got, want, autojunk=False).ratio() >= 0.95:
                counts[f"{kind}/good"] += 1
            elif not rich and want in got:
                counts[f"{kind}/good"] += 1
            else:
                counts[f"{kind}/partial"] += 1
    return counts


def main() -> None:
    site = ReplaySite.load()
    articles = [a for a in site.articles if a.status == "ok" and a.title and a.showtime]
    print(f"{len(articles)} articles of the bundled replay site, {len(SKELETONS)} skeletons")
    print(f"{'skeleton':<14} {'rich good':>10} {'short whole':>12} {'flash whole':>12} {'chrome':>7} {'refused':>8}")
    for name in SKELETONS:
        c = measure(name, articles)
        chrome = sum(c[f"{k}/chrome"] for k in ("rich", "short", "flash"))
        refused = sum(c[f"{k}/refused"] for k in ("rich", "short", "flash"))
        print(f"{name:<14} {c['rich/good']:>4}/{c['rich/all']:<5} {c['short/good']:>5}/{c['short/all']:<6} "
              f"{c['flash/good']:>5}/{c['flash/all']:<6} {chrome:>7} {refused:>8}")


if __name__ == "__main__":
    main()
