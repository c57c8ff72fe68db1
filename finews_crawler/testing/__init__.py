"""What the tests and the benchmarks share (in the spirit of `scrapy.utils.test`): never imported by a crawl."""
