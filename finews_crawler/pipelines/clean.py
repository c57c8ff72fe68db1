"""Clean the body markup and the plain-text fields."""

from __future__ import annotations

from ..cleaning import (DIGEST_LIMIT, TITLE_LIMIT, clean_body, clean_name, clean_text, text_of_markup,
                        unsafe_to_clean)
from ..items import Article
from ..stats import drop
from . import StatsPipeline


class CleanPipeline(StatsPipeline):
    def process_item(self, item: Article) -> Article:
        item.title = clean_text(item.title, TITLE_LIMIT)
        item.digest = text_of_markup(item.digest, DIGEST_LIMIT)
        item.media, item.page_media = clean_name(item.media), clean_name(item.page_media)
        if (unsafe := unsafe_to_clean(item.body_raw)) is not None:
            drop(self.stats, "unsafe_markup", f"{item.info_code}: {unsafe}")
        item.body = clean_body(item.body_raw, item.share_url)  # relative URLs resolve as readers see them
        if not item.body:
            drop(self.stats, "empty_body", f"{item.info_code}: nothing of the body is left after cleaning")
        return item
