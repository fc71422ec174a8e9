"""`nsaudit diff`: results by stable finding id, snapshots by configuration drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from tests.support.check_cases import base_snapshot_data, base_workspace_data, build_snapshot


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _result(tmp_path: Path, name: str, jobs: list[dict[str, Any]]) -> Path:
    snap = tmp_path / f"{name}.snap.json"
    snap.write_text(build_snapshot({"tables": {"job": jobs}}).to_json())
    workspace = tmp_path / "workspace.json"
    data = base_workspace_data()
    data["tags"]["projects"] = [100, 101, 102]
    workspace.write_text(json.dumps(data))
    out = tmp_path / f"{name}.json"
    code, _, err = _run("run", "--snapshot", str(snap), "--workspace", str(workspace), "--check", "project-active",
                        "-f", f"json:{out}")
    assert code in (0, 1), err
    return out


def _jobs(*inactive: int) -> list[dict[str, Any]]:
    return [{"id": i, "companyname": f"P{i}", "isinactive": i in inactive} for i in (100, 101, 102)]


def test_results_new_resolved_changed(tmp_path: Path) -> None:
    old = _result(tmp_path, "old", _jobs(100, 101))
    new = _result(tmp_path, "new", _jobs(101, 102))
    code, out, _ = _run("diff", str(old), str(new), "--format", "json")
    data = json.loads(out)
    assert code == 1 == data["exit_code"]
    assert data["kind"] == "results"
    assert [f["id"] for f in data["new"]] == ["project-active/job:102"]
    assert [f["id"] for f in data["resolved"]] == ["project-active/job:100"]
    assert data["changed"] == [] and data["unchanged"] == 1


def test_results_changed_status_is_reported(tmp_path: Path) -> None:
    old = _result(tmp_path, "old", _jobs(100))
    data = json.loads(old.read_text())
    for finding in data["findings"]:
        if finding["status"] == "FAIL":
            finding["status"], finding["severity"] = "WARN", "low"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    code, out, _ = _run("diff", str(older), str(old), "--format", "markdown")
    assert code == 1
    assert "| changed | `project-active/job:100`" in out and "WARN low -> FAIL high" in out


def test_identical_results_exit_0_and_only_resolved_is_0(tmp_path: Path) -> None:
    old = _result(tmp_path, "old", _jobs(100))
    code, out, _ = _run("diff", str(old), str(old), "--no-color")
    assert code == 0 and "Nothing new" in out
    clean = _result(tmp_path, "clean", _jobs())
    code, out, _ = _run("diff", str(old), str(clean), "--no-color")
    assert code == 0 and "1 resolved" in out


def _snap(tmp_path: Path, name: str, edit: Any = None) -> Path:
    data = base_snapshot_data()
    if edit:
        edit(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, default=str))
    return path


def _first(data: dict[str, Any], table: str) -> dict[str, Any]:
    row: dict[str, Any] = data["tables"][table][0]
    return row


def test_snapshot_drift(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _first(data, "rolepermissions")["permlevel"] = 0
        _first(data, "employee")["isinactive"] = True
        _first(data, "employee")["rolesforsearch"] = []
        data["tables"]["classification"].append({"id": 999, "name": "New class"})

    old, new = _snap(tmp_path, "a.json"), _snap(tmp_path, "b.json", edit)
    code, out, _ = _run("diff", str(old), str(new), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["kind"] == "snapshots"
    changes = {(d["change"], d["table"]) for d in data["drift"]}
    assert {("permission-changed", "rolepermissions"), ("deactivated", "employee"), ("roles-changed", "employee"),
            ("added", "classification")} <= changes
    perm = next(d for d in data["drift"] if d["change"] == "permission-changed")
    assert perm["after"] == "None" and perm["before"] != "None"


def test_token_revoked_and_role_reassigned(tmp_path: Path) -> None:
    tokens = [{"id": 1, "tba_token_name": "Expensify", "role_name": "Integration", "brevoked": False}]

    def before(data: dict[str, Any]) -> None:
        data["tables"]["oauthtoken"] = tokens
        data["reads"]["oauthtoken"] = {"state": "ok"}

    def after(data: dict[str, Any]) -> None:
        data["tables"]["oauthtoken"] = [{**tokens[0], "brevoked": True, "role_name": "Administrator"}]
        data["reads"]["oauthtoken"] = {"state": "ok"}

    code, out, _ = _run("diff", str(_snap(tmp_path, "a.json", before)), str(_snap(tmp_path, "b.json", after)),
                        "--format", "json")
    drift = json.loads(out)["drift"]
    assert code == 1
    assert {(d["change"], d["before"], d["after"]) for d in drift} == {
        ("token-revoked", "not revoked", "revoked"), ("role-changed", "Integration", "Administrator")}


def test_unreadable_table_is_drift_but_not_row_changes(tmp_path: Path) -> None:
    def deny(data: dict[str, Any]) -> None:
        data["tables"]["employee"] = None
        data["reads"]["employee"] = {"state": "denied", "permission": "LIST_EMPLOYEE"}

    code, out, _ = _run("diff", str(_snap(tmp_path, "a.json")), str(_snap(tmp_path, "b.json", deny)),
                        "--format", "json")
    drift = json.loads(out)["drift"]
    assert code == 1
    assert [(d["change"], d["table"], d["after"]) for d in drift] == [("read-changed", "employee", "denied")]


def test_identical_snapshots_exit_0(tmp_path: Path) -> None:
    code, out, _ = _run("diff", str(_snap(tmp_path, "a.json")), str(_snap(tmp_path, "b.json")), "--no-color")
    assert code == 0 and "0 configuration change(s)" in out


@pytest.mark.parametrize("content", ["{not json", "[]", '{"hello": 1}'])
def test_bad_input_is_exit_2(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, _, err = _run("diff", str(bad), str(_snap(tmp_path, "a.json")))
    assert code == 2 and "bad.json" in err and err.count("\n") == 1


def test_result_against_snapshot_is_exit_2(tmp_path: Path) -> None:
    res = _result(tmp_path, "old", _jobs())
    code, _, err = _run("diff", str(res), str(_snap(tmp_path, "a.json")))
    assert code == 2 and "compare two results or two snapshots" in err


def test_diff_to_file(tmp_path: Path) -> None:
    out = tmp_path / "diff.md"
    old = _result(tmp_path, "old", _jobs())
    new = _result(tmp_path, "new", _jobs(101))
    code, stdout, _ = _run("diff", str(old), str(new), "--format", "markdown", "-o", str(out))
    assert code == 1 and stdout == ""
    assert "| new | `project-active/job:101`" in out.read_text()
