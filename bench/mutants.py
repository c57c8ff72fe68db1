"""A mutation run over cleaning, storage and the spider: do the tests notice when the code is wrong?

Each mutant is one small, deliberate defect (a line removed, a condition
flipped, a bound dropped) of the kind a review or a refactor could slip in.
The script applies one at a time to the working tree, runs the test modules
that mirror the mutated module, records whether they fail (killed) or pass
(survived), and restores the file.  Not in CI: run it by hand.

    .venv/bin/python bench/mutants.py            # every mutant
    .venv/bin/python bench/mutants.py cleaning   # those whose name starts so

A curated list, not mutmut's exhaustive operators: mutmut runs the whole
suite per mutant (minutes each here); these are the defects that matter.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


CLEANING = ("tests/domain/test_cleaning.py", "tests/domain/test_linear_time.py")
STORAGE = ("tests/storage/test_storage.py",)
SPIDER = ("tests/spiders/test_spider.py", "tests/spiders/test_run_sequences.py", "tests/spiders/test_incremental.py")

MUTANTS = [
    Mutant("cleaning: final allowlist pass removed", "finews_crawler/domain/cleaning.py",
           '    return sanitise("\\n".join(lines)).strip()', '    return "\\n".join(lines).strip()', CLEANING),
    Mutant("cleaning: hidden attribute kept", "finews_crawler/domain/cleaning.py",
           ' or element.get("hidden") is not None:', ":", CLEANING),
    Mutant("cleaning: hidden style kept", "finews_crawler/domain/body_rules.py",
           'HIDDEN_STYLE = re.compile(r"display\\s*:\\s*none|visibility\\s*:\\s*hidden", re.I)',
           'HIDDEN_STYLE = re.compile(r"(?!)")', CLEANING),
    Mutant("cleaning: quote-chart blocks kept", "finews_crawler/domain/cleaning.py",
           '    markup = strip_stock_images(markup or "")', '    markup = markup or ""', CLEANING),
    Mutant("cleaning: depth bound dropped", "finews_crawler/domain/cleaning.py",
           "    if (depth := markup_depth(markup)) > MAX_DEPTH:", "    if (depth := markup_depth(markup)) > 10**9:",
           CLEANING),
    Mutant("cleaning: text fields keep line breaks", "finews_crawler/domain/cleaning.py",
           '    text = _WS.sub(" ", _CONTROL.sub("", text or "")).strip(" \\u3000")',
           '    text = _CONTROL.sub("", text or "").strip(" \\u3000")', CLEANING),
    Mutant("storage: fetched_at not updated on unchanged rows", "finews_crawler/storage/database.py",
           '.values(fetched_at=bindparam("fetched")),', '.values(fetched_at=articles.c.fetched_at),', STORAGE),
    Mutant("storage: batch not split for a repeated infoCode", "finews_crawler/storage/database.py",
           '        if values["info_code"] in seen:', "        if False:", STORAGE),
    Mutant("storage: unchanged rows stay pending", "finews_crawler/storage/database.py",
           "PendingRow.__table__.c.info_code.in_(codes)))",
           'PendingRow.__table__.c.info_code.in_([v["info_code"] for v in changed])))', STORAGE + SPIDER[1:2]),
    Mutant("storage: gone rows not settled by a new row", "finews_crawler/storage/database.py",
           "GoneRow.__table__.c.info_code.in_(codes)))", "GoneRow.__table__.c.info_code.in_([])))", STORAGE),
    Mutant("spider: a database drop recorded as gone", "finews_crawler/spiders/finews.py",
           "        if reason and reason not in RETRYABLE_DROPS:", "        if reason:", SPIDER[:1]),
    Mutant("spider: re-fetch ignores stored facts", "finews_crawler/storage/ledger.py",
           "        entries = [entry.over(FeedEntry(**stored[entry.info_code]) if entry.info_code in stored else None)",
           "        entries = [entry.over(None)", SPIDER[:2]),
    Mutant("spider: feed paging ignores known pages", "finews_crawler/spiders/finews.py",
           "        all_known = bool(codes) and known == codes", "        all_known = False", SPIDER),
    Mutant("spider: empty -a infocodes= accepted", "finews_crawler/config/arguments.py",
           '        if not str(value).strip(" ,"):', "        if False:", SPIDER[:1]),
    # Issue 23's guards: each mutant undoes one.
    Mutant("guards: a time's offset or overflow unguarded", "finews_crawler/domain/dates.py",
           "    except (ValueError, OverflowError):  # an offset of a day or more; a year past 9999 once converted",
           "    except ZeroDivisionError:", ("tests/domain/test_dates.py", "tests/test_poison.py")),
    Mutant("guards: times far in the future kept", "finews_crawler/domain/dates.py",
           "    return None if ahead > MAX_AHEAD else moment", "    return moment", ("tests/domain/test_dates.py",)),
    Mutant("guards: NUL kept in source text", "finews_crawler/sources/characters.py",
           '    return _CONTROLS.sub("", text)', "    return text", ("tests/test_poison.py",)),
    Mutant("guards: one item's exception ends the page", "finews_crawler/sources/feeds/__init__.py",
           "        except Exception as exc:  # noqa: BLE001 - the boundary of one item: nothing in it may end the page",
           "        except ZeroDivisionError as exc:", ("tests/test_poison.py",)),
    Mutant("guards: deep JSON unguarded", "finews_crawler/sources/feeds/payload.py",
           "    except RecursionError:\n        raise FeedError(\"JSON nested too deeply to read\") from None\n    except json.JSONDecodeError:\n        body",
           "    except json.JSONDecodeError:\n        body", ("tests/test_poison.py",)),
    Mutant("guards: a killed worker reused", "finews_crawler/runtime/processes.py",
           "            if not worker.over_budget:  # a killed worker is replaced by the next job, never reused",
           "            if True:", ("tests/runtime/test_processes.py",)),
    Mutant("guards: the budget kept by the crawl's clock, not the job's", "finews_crawler/runtime/processes.py",
           "    signal.setitimer(signal.ITIMER_REAL, budget)\n", "", ("tests/runtime/test_processes.py",)),
    Mutant("guards: generic extraction on the event loop", "finews_crawler/spiders/reading.py",
           """            page = await self._extractor.run(generic_page, text, entry["title"], entry["digest"],
                                             bool(whole_summary(entry)), budget=self.budget)""",
           """            page = generic_page(text, entry["title"], entry["digest"], bool(whole_summary(entry)))""",
           ("tests/sources/test_generic_extraction.py",)),
    Mutant("guards: a substring of the title accepted", "finews_crawler/sources/pages/generic.py",
           "difflib.SequenceMatcher(None, page, listed).ratio() >= TITLE_LIKENESS",
           "(page in listed or listed in page)", ("tests/sources/test_generic_extraction.py",)),
    Mutant("guards: a generic guess replaces a template's article", "finews_crawler/storage/database.py",
           "    return stored.content_hash == values[\"content_hash\"] or (values.get(\"template\") == GENERIC_TEMPLATE",
           "    return stored.content_hash == values[\"content_hash\"] or (False",
           ("tests/sources/test_generic_extraction.py",)),
    Mutant("guards: the excerpt not escaped", "finews_crawler/outputs/jekyll.py",
           '        **({"excerpt": html.escape(post.digest, quote=False)} if post.digest else {}),',
           '        **({"excerpt": post.digest} if post.digest else {}),', ("tests/outputs/test_jekyll.py", "tests/test_hostile.py")),
    Mutant("guards: YAML special scalars left plain", "finews_crawler/outputs/jekyll.py",
           " or _READ_AS_OTHER.fullmatch(value)", "", ("tests/test_hostile.py",)),
    Mutant("guards: Hugo tags from media names", "finews_crawler/outputs/hugo.py",
           '        "tags": [post.category],', '        "tags": list(post.tags),', ("tests/test_hostile.py",)),
    Mutant("guards: offsite by host only", "finews_crawler/offsite.py",
           "    return scheme, (parts.hostname or \"\").lower(), port", "    return \"\", (parts.hostname or \"\").lower(), 0",
           ("tests/test_offsite.py",)),
    Mutant("guards: a feed page read whole", "finews_crawler/sources/feeds/listing.py",
           "    for entry in entries(spec, items[:bound]):", "    for entry in entries(spec, items):",
           ("tests/test_bounds.py",)),
    Mutant("guards: response headers unbounded", "finews_crawler/download_handler.py",
           "            if self._header_bytes > MAX_HEADER_BYTES:", "            if False:", ("tests/test_bounds.py",)),
]


def run(mutant: Mutant) -> tuple[bool, float]:
    """(killed, seconds) for one mutant; the file is restored whatever happens."""
    path = REPO / mutant.path
    original = path.read_text(encoding="utf-8")
    if original.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: the text to mutate is not found exactly once in {mutant.path}")
    start = time.monotonic()
    try:
        path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests],
                              cwd=REPO, capture_output=True, text=True, timeout=1800)
    finally:
        path.write_text(original, encoding="utf-8")
    return done.returncode != 0, time.monotonic() - start


def main(prefix: str = "") -> None:
    chosen = [m for m in MUTANTS if m.name.startswith(prefix)]
    survivors = []
    for mutant in chosen:
        killed, seconds = run(mutant)
        print(f"{'killed  ' if killed else 'SURVIVED'} {seconds:6.1f} s  {mutant.name}", flush=True)
        if not killed:
            survivors.append(mutant.name)
    print(f"{len(chosen) - len(survivors)} of {len(chosen)} mutants killed; survivors: {survivors or 'none'}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
