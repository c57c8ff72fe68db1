"""`scrapy crawl`, checking the finews configuration and taking the run lock first.

A bad YAML file or `-s` value ends the command with one line naming the
problem (exit status 2), instead of a traceback from inside the engine.
Another run holding the database or export folder ends it with exit status
75, or makes it wait up to FINEWS_LOCK_WAIT seconds.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl

from . import finews_config, run_locked


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        config = finews_config(self.settings)
        if not config.run_lock:
            super().run(args, opts)
            return
        status = run_locked("crawl", config.export_dir, config.database_url, config.lock_wait,
                            lambda: super(Command, self).run(args, opts))
        self.exitcode = status or self.exitcode
