"""Drop articles with no time, no title or no body before anything else runs."""

from __future__ import annotations

from finews_crawler.items import Article
from finews_crawler.runtime.stats import drop
from finews_crawler.domain.usability import validation_problem
from finews_crawler.pipelines import StatsPipeline


class ValidatePipeline(StatsPipeline):
    def process_item(self, item: Article) -> Article:
        problem = validation_problem(item)
        if problem:
            reason, message = problem
            drop(self.stats, reason, f"{item.info_code}: {message}")
        return item
