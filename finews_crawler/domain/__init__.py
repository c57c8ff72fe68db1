"""The pure rules of an article: cleaning, attribution, categories, securities, dates (no I/O, no Scrapy)."""
