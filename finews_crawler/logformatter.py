"""Log drops as one short line (the reason and infoCode), not the whole item."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class FinewsLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "Dropped: %(reason)s", "args": {"reason": str(exception)}}
