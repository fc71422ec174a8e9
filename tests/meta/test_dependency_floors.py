"""Issue 10 item 16: dependency floors sit above known-vulnerable releases, and requirements/ci.lock is
a complete, hashed lock of the runtime and test dependencies (docs/ci.md says how it is made and used)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "ci.lock"

# The first release without the advisories named in pyproject.toml and docs/security.md.
FIXED = {
    "requests": "2.32.4",  # GHSA-9hjg-9r4m-mvj7, GHSA-9wx4-h78v-vm56
    "jinja2": "3.1.6",  # GHSA-cpwx-vrp4-4pq7 and the earlier 3.1.x sandbox advisories
    "werkzeug": "3.0.6",  # GHSA-q34m-jh98-gwm2, GHSA-f9vj-2wh5-fj8j
    "lxml": "5.4.0",  # GHSA-wrxv-2j5q-m38w; wheels with libxml2 2.13.8 (CVE-2025-24928 fixed in 5.3.2)
    "urllib3": "2.7.0",  # GHSA-qccp-gfcp-xxvc, GHSA-mf9v-mfxr-j63j, GHSA-38jv-5279-wg99
}


def _requirements() -> dict[str, Requirement]:
    return {Requirement(text).name.lower(): Requirement(text) for text in PYPROJECT["project"]["dependencies"]}


def _locked() -> dict[str, Version]:
    text = LOCK.read_text(encoding="utf-8")
    return {m.group(1).lower(): Version(m.group(2)) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", text, re.M)}


def test_floors_exclude_every_vulnerable_release() -> None:
    requirements = _requirements()
    for name, fixed in FIXED.items():
        assert name in requirements, f"{name} needs an explicit floor in pyproject.toml"
        spec = requirements[name].specifier
        floors = [Version(s.version) for s in spec if s.operator == ">="]
        assert floors and min(floors) >= Version(fixed), (name, str(spec), fixed)


def test_the_lock_is_hashed_complete_and_inside_the_floors() -> None:
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text.split("\n\n", 1)[-1] if "\n\n" in text else text)
    pins = [b for b in blocks if re.match(r"[A-Za-z0-9_.-]+==", b)]
    assert pins and all("--hash=sha256:" in b for b in pins)
    assert "--index-url" not in text and "file://" not in text  # no machine-specific index in the lock
    locked = _locked()
    test_extra = [Requirement(t) for t in PYPROJECT["project"]["optional-dependencies"]["test"]]
    for requirement in [*_requirements().values(), *test_extra]:
        name = requirement.name.lower()
        assert name in locked, f"{name} is missing from {LOCK.name}: run the command in docs/ci.md"
        assert locked[name] in requirement.specifier, (name, str(locked[name]), str(requirement.specifier))
    for name, fixed in FIXED.items():
        assert locked[name] >= Version(fixed), (name, locked[name])


def test_ci_doc_names_the_lock_and_the_command() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "requirements/ci.lock" in doc and "--generate-hashes" in doc and "--require-hashes" in doc
