"""The spiders: `finews`, which schedules feed pages and article pages (Scrapy finds it here)."""
