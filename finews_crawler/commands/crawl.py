"""`scrapy crawl`, checking the finews configuration before the crawler starts.

A bad YAML file or `-s` value then ends the command with one line naming
the problem (exit status 2), instead of a traceback from inside the engine.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from ..config import ConfigError, FinewsConfig, YamlConfig


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        settings = self.settings.copy()
        try:
            YamlConfig().update_settings(settings)
            FinewsConfig.from_settings(settings)
        except ConfigError as exc:
            raise UsageError(f"configuration: {exc}", print_help=False) from None
        super().run(args, opts)
