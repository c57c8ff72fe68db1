"""Cleaning throughput on the corpus bodies, as the share pages serve them (ads and junk included).

    .venv/bin/python bench/clean.py [--seconds 5]

Prints articles/s for `clean_body` alone and for the whole pure chain
(clean + attribution + render), single process.  A figure, never a test.
"""

from __future__ import annotations

import argparse
import platform
import time
from dataclasses import replace

from finews_crawler.domain.attribution import render_attribution, split_attribution
from finews_crawler.domain.cleaning import clean_body
from finews_crawler.domain.dates import parse_beijing_time
from finews_crawler.items import Article
from finews_crawler.outputs.jekyll import SiteLinks, render_post
from finews_crawler.replay.site import ReplaySite, decorate_body


def rate(function, bodies: list[str], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for body in bodies:
            function(body)
        done += len(bodies)
    return done / (time.perf_counter() - start)


def cleaning_rates(seconds: float) -> tuple[float, float]:
    """(clean_body alone, clean + attribution + render), articles/s on the corpus bodies as served."""
    site = ReplaySite.load()
    articles = [a for a in site.articles if a.status == "ok" and a.body]
    bodies = [decorate_body(a.body) for a in articles]
    template = Article(info_code="NW202204282363799455", url="http://h/x", share_url="http://h/x", title="标题",
                       published=parse_beijing_time("2022-04-28 13:52:55"), category="c", tags=["t"])

    def chain(body: str) -> str:
        cleaned, media = split_attribution(clean_body(body, "http://h/x"))
        item = replace(template, body=f"{cleaned}\n{render_attribution(media or 'm')}")
        return render_post(item, SiteLinks())

    return rate(lambda b: clean_body(b, "http://h/x"), bodies, seconds), rate(chain, bodies, seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    alone, chain = cleaning_rates(args.seconds)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"clean_body: {alone:,.0f} articles/s (target >= 1,000)")
    print(f"clean + attribution + render: {chain:,.0f} articles/s")


if __name__ == "__main__":
    main()
