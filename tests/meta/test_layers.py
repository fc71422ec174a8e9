"""The house stays sorted: stages import downwards only (pyproject's import-linter contract), no
import cycle between modules or between folders, a small package root, and no per-run state in a
module-level cache keyed by object id."""

from __future__ import annotations

import ast
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netsuite_audit"


def _graph() -> dict[str, set[str]]:
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (pip install -e '.[test]')")
    graph = grimp.build_graph("netsuite_audit", "checks", include_external_packages=False)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each a cycle or a knot of them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _folder(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "netsuite_audit" else parts[0]


@pytest.mark.slow
def test_stages_import_downwards_only() -> None:
    if shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    proc = subprocess.run(["lint-imports"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_no_import_cycle_between_modules() -> None:
    assert _cycles(_graph()) == []


def test_no_import_cycle_between_folders() -> None:
    folders: dict[str, set[str]] = defaultdict(set)
    for module, imported in _graph().items():
        for other in imported:
            if _folder(other) not in (_folder(module), "netsuite_audit"):
                folders[_folder(module)].add(_folder(other))
    assert _cycles(folders) == []


def test_package_root_is_small() -> None:
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 8, root_modules


def test_no_cache_keyed_by_object_id() -> None:
    """Per-run indexes live on the run (audit/state.py), never in a module dict keyed by ``id()``: a
    second account audited in the same process must never meet the first one's index."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in [*PACKAGE.rglob("*.py"), *(ROOT / "checks").glob("*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"
    ]
    # http.py walks an exception chain with a local set of ids (no cache, nothing kept).
    assert [o for o in offenders if not o.startswith("netsuite_audit/netsuite/http.py:")] == []
