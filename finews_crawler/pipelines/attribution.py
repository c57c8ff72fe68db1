"""Name the media from the attribution line and render that line once, normalised."""

from __future__ import annotations

from ..attribution import render_attribution, split_attribution
from ..cleaning import clean_name
from ..items import Article
from ..sources.pages import has_text
from ..stats import drop
from . import StatsPipeline

# The share page is East Money's own: the publisher when nothing else is named.
FALLBACK_MEDIA = "东方财富网"


class AttributionPipeline(StatsPipeline):
    def process_item(self, item: Article) -> Article:
        body, line_media = split_attribution(item.body)
        line_media = clean_name(line_media)
        if not has_text(body):
            drop(self.stats, "empty_body", f"{item.info_code}: the body is only an attribution line")
        # Feed first, then the attribution line, then the page's 来源 field.
        item.source = item.media or line_media or item.page_media or FALLBACK_MEDIA
        if not (item.media or line_media or item.page_media):
            self.stats.inc_value("finews/media/fallback")
        item.body = f"{body}\n{render_attribution(item.source)}"
        return item
