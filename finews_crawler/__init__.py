"""finews: a Scrapy project that mirrors East Money's financial news into a database and a static site."""
