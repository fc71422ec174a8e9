"""The CLI's quick exit keeps a normal exit's promises: output flushed, exit handlers run, status kept."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import atexit, sys
from netsuite_audit.cli import _leave
atexit.register(lambda: sys.stderr.write("handler ran\\n"))
sys.stdout.write("unflushed output")
_leave({code})
"""


@pytest.mark.parametrize(("code", "status", "printed"), [("0", 0, ""), ("None", 0, ""), ("2", 2, ""),
                                                         ("'bad input'", 1, "bad input")])
def test_the_quick_exit_flushes_runs_handlers_and_keeps_the_status(code: str, status: int, printed: str) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(code=code)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == status
    assert done.stdout == "unflushed output"
    assert "handler ran" in done.stderr
    assert printed in done.stderr


def test_a_missing_snapshot_still_exits_2_with_one_line() -> None:
    done = subprocess.run([sys.executable, "-c", "from netsuite_audit.cli import main; main()", "run",
                           "--snapshot", "/nonexistent/snap.json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "snap.json" in done.stderr and "Traceback" not in done.stderr
