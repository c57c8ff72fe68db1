"""Everything finews knows about the source's endpoints, one small module each.

`feeds/` holds the list endpoints: one module per feed kind (its URL, how
it pages, which item keys name what), all mapped to the same `FeedEntry`.
`pages/` holds the page templates (one module each) and the generic
extractor.  `articles.py` says in which order an article's pages are
tried.  A new generation of the source is new modules here; the spider
only schedules the requests these modules describe.
"""
