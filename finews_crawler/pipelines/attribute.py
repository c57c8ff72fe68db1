"""Name the media, and end the body with its attribution line, rendered once and normalised.

Cleaning took the source's own line out of the body (`cleaner.clean_article`)
and kept what it named in `line_media`.
"""

from __future__ import annotations

from finews_crawler.domain.attribution import render_attribution
from finews_crawler.items import Article
from finews_crawler.pipelines import StatsPipeline

# The share page is East Money's own: the publisher when nothing else is named.
FALLBACK_MEDIA = "东方财富网"


class AttributionPipeline(StatsPipeline):
    def process_item(self, item: Article) -> Article:
        # Feed first, then the attribution line, then the page's 来源 field.
        item.source = item.media or item.line_media or item.page_media or FALLBACK_MEDIA
        if not (item.media or item.line_media or item.page_media):
            self.stats.inc_value("finews/media/fallback")
        item.body = f"{item.body}\n{render_attribution(item.source)}"
        return item
