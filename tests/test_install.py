"""The install users get: the pip Python ships, every optional path importable and working."""

from __future__ import annotations

import ensurepip
import importlib.metadata

from finews_crawler.sources.pages import generic_page


def test_the_suite_runs_in_an_install_made_by_the_pip_python_ships():
    """`make test` (CI) installs with the venv's own pip, never upgraded: that pip resolves our dependencies."""
    assert importlib.metadata.version("pip") == ensurepip.version()


def test_the_generic_extractor_imports_and_reads_a_page():
    """trafilatura's jusText imports lxml.html.clean, a project of its own since lxml 5.2: declared, installed."""
    import lxml.html.clean  # noqa: F401

    page = ("<html><head><title>保定加强信用监管</title></head><body><main><h1>保定加强信用监管</h1>"
            "<p>作为优化营商环境的重要举措，保定加强信用监管。</p></main></body></html>")
    assert "信用监管" in generic_page(page, "保定加强信用监管").body_html


def test_the_postgresql_and_distributed_extras_import():
    import psycopg  # noqa: F401
    import redis  # noqa: F401
    import scrapy_redis  # noqa: F401

    from finews_crawler.distributed.scheduler import RedisScheduler  # noqa: F401
