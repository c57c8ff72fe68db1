"""The package's layout holds: arrows one way, one name per module, every module says its job, tests mirror it."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

PACKAGE = REPO / "finews_crawler"
# Where the replay site may be imported: the demo command, the testing helpers, itself.
REPLAY_USERS = ("finews_crawler.demo", "finews_crawler.testing", "finews_crawler.replay")
# What the pure rules may import of finews: each other and the item they work on.
DOMAIN_DEPENDS_ON = ("finews_crawler.domain", "finews_crawler.items")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The finews modules a module imports when it is imported (not inside functions or TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module and inner.module.startswith("finews_crawler"):
                found.add(inner.module)
                found.update(f"{inner.module}.{alias.name}" for alias in inner.names
                             if f"{inner.module}.{alias.name}" in MODULES)
            elif isinstance(inner, ast.Import):
                found.update(alias.name for alias in inner.names if alias.name.startswith("finews_crawler"))
    # Importing a.b.c imports the packages a.b and a first.
    return {parent for name in found for parent in _parents(name) if parent in MODULES}


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts) + 1)]


GRAPH = {name: _imports(path) - {name} - set(_parents(name)) for name, path in MODULES.items()}


def test_no_module_imports_itself_back_through_a_cycle():
    cycles = []
    for start in GRAPH:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, path = stack.pop()
            for nxt in GRAPH[node]:
                if nxt == start:
                    cycles.append(" -> ".join((*path, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    assert not cycles, cycles[:3]


def test_the_pure_rules_import_no_source_output_storage_or_scrapy_glue():
    wrong = {name: sorted(d for d in deps if not d.startswith(DOMAIN_DEPENDS_ON))
             for name, deps in GRAPH.items() if name.startswith("finews_crawler.domain")}
    assert not {name: deps for name, deps in wrong.items() if deps}


def test_the_replay_site_is_imported_only_by_the_demo_and_the_testing_helpers():
    users = {name for name, deps in GRAPH.items() if any(d.startswith("finews_crawler.replay") for d in deps)}
    assert {name for name in users if not name.startswith(REPLAY_USERS)} == set()


def test_no_two_modules_share_a_name_and_every_module_says_its_job_first():
    names = [path.name for path in MODULES.values() if path.name != "__init__.py"]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    silent = [name for name, path in MODULES.items()
              if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()]
    assert silent == []


def test_the_tests_folders_mirror_the_packages_folders():
    folders = {path.name for path in (REPO / "tests").iterdir() if path.is_dir() and path.name != "fixtures"
               and path.name != "__pycache__"}
    assert folders and folders <= {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
