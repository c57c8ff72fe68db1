"""Stand-ins for `cleaned_fields` that the clean pipeline's tests hand to its worker processes.

Module-level functions in an importable module: a worker process imports them by name.
"""

from __future__ import annotations

import os
import time
from typing import Any

from finews_crawler.items import Article
from finews_crawler.domain.article import Dropped, cleaned_fields


def cleaned_with_pid(item: Article) -> tuple[dict[str, Any], Dropped | None]:
    """Cleans, and says in `source` which process did."""
    fields, dropped = cleaned_fields(item)
    return {**fields, "source": str(os.getpid())}, dropped


def slow_when_marked(item: Article) -> tuple[dict[str, Any], Dropped | None]:
    if "慢" in item.body_raw:
        time.sleep(60)
    return cleaned_fields(item)


def dies_when_marked(item: Article) -> tuple[dict[str, Any], Dropped | None]:
    """A parser crash: the process is gone, no exception travels back."""
    if "崩" in item.body_raw:
        os._exit(70)
    time.sleep(0.3)  # still in the pool when the other article kills it
    return cleaned_fields(item)
