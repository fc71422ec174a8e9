"""./scripts/test says what it does to the system before doing it, and prints skip reasons (issue 21).

The script runs in bash with stand-ins on its PATH: `python` records its arguments, `apt-get` records
that it ran, `id` says root; no chromium is on the PATH. Nothing is installed and no test runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test"


def _stand_ins(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    stubs = {
        "python": f'echo "python $*" >> {log}\n',
        "apt-get": f'echo "apt-get $*" >> {log}\necho "apt-get ran" >&2\n',
        "id": "echo 0\n",
    }
    for name, body in stubs.items():
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
    for tool in ("dirname", "grep", "printf", "cat"):  # what the script itself uses
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return bin_dir


@pytest.fixture
def bash() -> str:
    found = shutil.which("bash")
    if found is None:
        pytest.skip("bash is not installed")
    return found


def _run(bash: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    bin_dir = _stand_ins(tmp_path)
    done = subprocess.run([bash, str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env={"PATH": str(bin_dir), **(env or {})})
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    return done.stderr, calls


def test_it_says_it_installs_chromium_as_root_before_it_does(bash: str, tmp_path: Path) -> None:
    stderr, calls = _run(bash, tmp_path)
    said = stderr.find("installing Debian's chromium with apt-get as root")
    assert said != -1 and said < stderr.find("apt-get ran")
    assert any(c.startswith("apt-get install") for c in calls)


def test_nsaudit_no_chromium_leaves_the_system_alone(bash: str, tmp_path: Path) -> None:
    stderr, calls = _run(bash, tmp_path, env={"NSAUDIT_NO_CHROMIUM": "1"})
    assert not any(c.startswith("apt-get") for c in calls) and "installing" not in stderr


def test_skip_reasons_are_printed_unless_asked_otherwise(bash: str, tmp_path: Path) -> None:
    _, calls = _run(bash, tmp_path, "-q", env={"NSAUDIT_NO_CHROMIUM": "1"})
    pytest_call = next(c for c in calls if c.startswith("python -m pytest"))
    assert "-rs" in pytest_call.split()
    second = tmp_path / "second"
    second.mkdir()
    _, calls = _run(bash, second, "-rA", env={"NSAUDIT_NO_CHROMIUM": "1"})
    pytest_call = next(c for c in calls if c.startswith("python -m pytest"))
    assert "-rs" not in pytest_call.split() and "-rA" in pytest_call.split()
