"""`scrapy export --format jekyll|hugo|jsonl --out DIR [--since DATE] [--stock SYMBOL …]`: a site from the database."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path


from finews_crawler.outputs.folder import ExportFolder
from finews_crawler.outputs.rebuild import FORMATS, ExportReport, export_hugo, export_jekyll, export_jsonl
from finews_crawler.storage.database import ArticleStore
from finews_crawler.cli import FinewsCommand, existing_database, parse_since, run_locked, usage_error
from finews_crawler.config import FinewsConfig

logger = logging.getLogger(__name__)


class Command(FinewsCommand):
    def syntax(self) -> str:
        return "--format jekyll|hugo|jsonl --out PATH [--since DATE] [--stock SYMBOL ...]"

    def short_desc(self) -> str:
        return "Write the stored articles as a Jekyll or Hugo site, or as JSON Lines, without crawling"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--format", choices=FORMATS, required=True, help="what to write")
        parser.add_argument("--out", required=True, type=Path,
                            help="the site folder (jekyll, hugo) or the .jsonl file (jsonl)")
        self.add_since(parser)
        parser.add_argument("--stock", action="append", default=[], metavar="SYMBOL",
                            help="only the articles naming this security (600519.SH, 00700.HK, BK0493, a secid "
                                 "such as 1.600519, or a bare code); repeatable")

    def work(self, config: FinewsConfig, opts: argparse.Namespace) -> int:
        database_url = existing_database("export", config.database_url)
        since = parse_since(opts.since)
        folder = opts.out.parent if opts.format == "jsonl" else opts.out

        def export() -> None:
            store = ArticleStore.from_url(database_url)
            try:
                rows = store.rows(since, naming=_secids(store, opts.stock) if opts.stock else None)
                if opts.format == "jekyll":
                    report = export_jekyll(rows, ExportFolder(opts.out), config.rotation, datetime.now(UTC),
                                           config.site_url)
                elif opts.format == "hugo":
                    report = export_hugo(rows, ExportFolder(opts.out), config.site_url)
                else:
                    report = export_jsonl(rows, opts.out)
            finally:
                store.close()
            print(_summary(opts.format, opts.out, report))

        return run_locked("export", folder, "", config.lock_wait, export)


def _secids(store: ArticleStore, wanted: list[str]) -> list[str]:
    """The secids `--stock` names; a name no stored article uses is a usage error, not an empty export."""
    found = store.secids(wanted)
    unknown = [token for token, secids in found.items() if not secids]
    if unknown:
        store.close()
        usage_error(f"export --stock {', '.join(unknown)}: no stored article names it (symbols look like "
                    "600519.SH, 00700.HK, NIO.US, BK0493; secids like 1.600519)")
    return sorted({secid for secids in found.values() for secid in secids})


def _summary(kind: str, out: Path, report: ExportReport) -> str:
    parts = [f"{report.articles} articles", f"{report.written} files written"]
    if report.rotated:
        parts.append(f"{report.rotated} posts rotated")
    if report.scaffolded:
        parts.append(f"starter files added: {', '.join(report.scaffolded)}")
    return f"finews export ({kind} → {out}): " + "; ".join(parts)
