"""A check module's nothing_to_judge(ctx): a reason makes the check "not run" (never a PASS that checked
nothing); None runs it; anything but a function is one line naming the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Status
from netsuite_audit.audit.registry import load_dir
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.support.errors import InputError
from tests.support.check_cases import build_snapshot

CHECK = '''
from netsuite_audit.check_api import CheckMeta, Detection, Severity

META = CheckMeta(id="idle-probe", codes=(), severity=Severity.LOW, title="t", description="d",
                 detection=(Detection.WORKSPACE,), needs_workspace=True, needs_login=False)

def nothing_to_judge(ctx):
    return None if ctx.workspace.employees else "the workspace names no employee"

def check(ctx):
    return iter(())
'''


def _load(tmp_path: Path, text: str) -> list:
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "idle_probe.py").write_text(text, encoding="utf-8")
    return load_dir(folder, builtin=False)


def test_a_reason_means_not_run_and_none_runs_the_check(tmp_path: Path) -> None:
    checks = _load(tmp_path, CHECK)
    findings, skipped = run_checks(checks, build_snapshot({}), Workspace(), None)
    assert findings == [] and skipped == [("idle-probe", "the workspace names no employee")]
    findings, skipped = run_checks(checks, build_snapshot({}), Workspace(employees=["a@example.com"]), None)
    assert skipped == [] and [f.status for f in findings] == [Status.PASS]


def test_a_nothing_to_judge_that_is_not_a_function_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing_to_judge"):
        _load(tmp_path, CHECK + "\nnothing_to_judge = 'no'\n")
