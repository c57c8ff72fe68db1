"""finews's Scrapy commands (COMMANDS_MODULE): crawl, export, reclean, rotate, resetjob.

What they share lives in `finews_crawler.cli`.
"""
