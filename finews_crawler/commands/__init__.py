"""finews's Scrapy commands (COMMANDS_MODULE)."""
