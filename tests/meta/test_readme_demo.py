"""The README's demo excerpt is cut from a real `nsaudit run --demo`: regenerate it with
`python scripts/readme_demo.py` whenever the demo's output changes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_demo", ROOT / "scripts" / "readme_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_excerpt_matches_a_real_run() -> None:
    script = _script()
    shown = script.readme_excerpt((ROOT / "README.md").read_text(encoding="utf-8"))
    real = script.excerpt(script.demo_output())
    assert shown == real, "README's demo excerpt is stale: run python scripts/readme_demo.py"


def test_excerpt_keeps_the_top_and_counts_what_it_leaves_out() -> None:
    script = _script()
    output = "\n".join(f"line {n}" for n in range(100)) + "\n"
    cut = script.excerpt(output).splitlines()
    assert cut[: script.HEAD] == [f"line {n}" for n in range(script.HEAD)]
    assert cut[-1] == "line 99"
    left_out = sum(int(line.split()[1]) for line in cut if line.startswith("[... "))
    assert left_out + sum(1 for line in cut if not line.startswith("[... ")) == 100
