"""finews's own Scrapy signals, sent through `crawler.signals` like Scrapy's."""

articles_dispatched = object()
"""The spider requested its first article page of the run (sent once, no arguments).

The pipelines start their worker processes on it, while the first pages are
fetched, instead of when the first item reaches them: a run that dispatches
no article (an unchanged scheduled run) starts none.
"""
