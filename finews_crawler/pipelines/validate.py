"""Drop articles with no time, no title or no body before anything else runs."""

from __future__ import annotations

from ..items import Article
from ..stats import drop
from ..validation import validation_problem
from . import StatsPipeline


class ValidatePipeline(StatsPipeline):
    def process_item(self, item: Article) -> Article:
        problem = validation_problem(item)
        if problem:
            reason, message = problem
            drop(self.stats, reason, f"{item.info_code}: {message}")
        return item
