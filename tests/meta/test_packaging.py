"""Packaging: every sub-package is listed in pyproject.toml, and a built wheel carries every check
and the demo data (a plain, non-editable `pip install .` must run every check)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _listed_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(data["tool"]["setuptools"]["packages"])


def test_every_subpackage_is_listed() -> None:
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "netsuite_audit").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    missing = found - _listed_packages()
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


@pytest.mark.slow
def test_wheel_contains_checks_and_demo(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"wheel build failed: {proc.stderr[-2000:]}")
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for check in (ROOT / "checks").glob("*.py"):
        assert f"netsuite_audit/checks/{check.name}" in names
    for needed in ("netsuite_audit/fixtures/accounts/demo.json", "netsuite_audit/fixtures/workspaces/demo.toml",
                   "netsuite_audit/schemas/result.schema.json"):
        assert needed in names, needed
