"""Baselines: known findings are shown but only new ones fail the run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from netsuite_audit.audit.baseline import Baseline, apply_baseline
from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.cli import cli
from netsuite_audit.result import exit_code
from tests.support.check_cases import CASES_DIR, build_snapshot

WORKSPACE = str(CASES_DIR / "_base.workspace.json")


def _snapshot(tmp_path: Path, jobs: list[dict], name: str = "snap.json", account: str | None = None) -> Path:
    patch: dict = {"tables": {"job": jobs}}
    snap = build_snapshot(patch)
    if account:
        snap = snap.model_copy(update={"account": snap.account.model_copy(update={"account_id": account})})
    path = tmp_path / name
    path.write_text(snap.to_json())
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _audit(snap: Path, *extra: str) -> tuple[int, str, str]:
    return _run("run", "--snapshot", str(snap), "--workspace", WORKSPACE, "--check", "project-active",
                "--no-color", *extra)


INACTIVE_100 = [{"id": 100, "companyname": "Acme", "isinactive": True}]


def test_known_findings_do_not_fail_the_run(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    code, _, _ = _audit(_snapshot(tmp_path, INACTIVE_100), "-f", f"json:{base}")
    assert code == 1
    code, out, _ = _audit(_snapshot(tmp_path, INACTIVE_100), "--baseline", str(base))
    assert code == 0
    assert "(known from the baseline) Project [Acme] is not active" in out
    assert "1 known from the baseline" in out


def test_new_findings_still_fail(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    _audit(_snapshot(tmp_path, [{"id": 100, "companyname": "Acme"}]), "-f", f"json:{base}")
    out_json = tmp_path / "new.json"
    code, _, _ = _audit(_snapshot(tmp_path, INACTIVE_100), "--baseline", str(base), "-f", f"json:{out_json}")
    assert code == 1
    data = json.loads(out_json.read_text())
    assert [(f["status"], f["baseline"]) for f in data["findings"]] == [("FAIL", False)]
    assert data["selection"]["baseline"] == str(base)


def test_baseline_of_another_account_is_refused(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    _audit(_snapshot(tmp_path, INACTIVE_100, account="7654321"), "-f", f"json:{base}")
    code, _, err = _audit(_snapshot(tmp_path, INACTIVE_100), "--baseline", str(base))
    assert code == 2 and "7654321" in err and "account.account_id" in err and err.count("\n") == 1


def test_bad_baseline_is_exit_2(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path, INACTIVE_100)
    code, _, err = _audit(snap, "--baseline", str(snap))  # a snapshot is not a result
    assert code == 2 and str(snap) in err and "Traceback" not in err
    code, _, err = _audit(snap, "--baseline", str(tmp_path / "missing.json"))
    assert code == 2 and "file not found" in err


def _f(fid: str, status: Status) -> Finding:
    return Finding(id=fid, check_id=fid.split("/")[0], status=status, severity=Severity.HIGH, title="t",
                   message="m")


def test_only_open_findings_are_marked_and_errors_still_count() -> None:
    baseline = Baseline("1", frozenset({"a/x:1", "b/x:1"}), "base.json")
    marked = apply_baseline([_f("a/x:1", Status.FAIL), _f("b/x:1", Status.ERROR), _f("c/x:1", Status.WARN)],
                            baseline)
    assert [f.baseline for f in marked] == [True, False, False]
    assert exit_code(marked[:1], login_ok=True, fail_on=Severity.LOW) == 0
    assert exit_code(marked[:2], login_ok=True, fail_on=Severity.LOW) == 3
    assert exit_code([marked[0], marked[2]], login_ok=True, fail_on=Severity.LOW) == 1
