"""The CLI on saved snapshots: offline audits, JSON output against the schema, bad input -> exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.support.paths import schemas_dir
from tests.support.check_cases import CASES_DIR, build_snapshot

RESULT_SCHEMA = json.loads((schemas_dir() / "result.schema.json").read_text())


def _write_snapshot(tmp_path: Path, patch: dict | None = None) -> Path:
    path = tmp_path / "snap.json"
    path.write_text(build_snapshot(patch).to_json())
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_offline_json_validates_against_schema(tmp_path: Path) -> None:
    snap = _write_snapshot(tmp_path)
    code, out, _ = invoke("run", "--snapshot", str(snap), "--workspace", str(CASES_DIR / "_base.workspace.json"),
                          "--check", "project-active", "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, RESULT_SCHEMA)
    assert code == 0 == data["exit_code"]
    assert [f["status"] for f in data["findings"]] == ["PASS"]
    assert data["account"]["account_id"] == "1234567"


def test_offline_fail_gives_exit_1_and_text(tmp_path: Path) -> None:
    snap = _write_snapshot(tmp_path, {"tables": {"job": [{"id": 100, "companyname": "Acme", "isinactive": True}]}})
    code, out, _ = invoke("run", "--snapshot", str(snap), "--workspace", str(CASES_DIR / "_base.workspace.json"),
                          "--check", "NS0770", "--no-color")
    assert code == 1
    assert "NS0770" in out and "Project [Acme] is not active" in out


def test_json_to_file_and_text_to_stdout(tmp_path: Path) -> None:
    snap = _write_snapshot(tmp_path)
    target = tmp_path / "out.json"
    code, out, _ = invoke("run", "--snapshot", str(snap), "--workspace", str(CASES_DIR / "_base.workspace.json"),
                          "--check", "project-active", "-f", "text", "-f", f"json:{target}")
    assert code == 0
    assert "Summary:" in out
    assert json.loads(target.read_text())["schema_version"] == "1.1"


def test_bad_snapshot_is_one_line_exit_2(tmp_path: Path) -> None:
    data = json.loads(build_snapshot(None).to_json())
    data["tables"]["employee"][0]["id"] = "not-a-number"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code, _, err = invoke("run", "--snapshot", str(path))
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err and "tables.employee.0.id" in err
    assert "Traceback" not in err


def test_missing_workspace_is_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("run", "--snapshot", str(_write_snapshot(tmp_path)), "--workspace", "nope.toml")
    assert code == 2 and "nope.toml" in err and "file not found" in err


def test_unknown_check_token_is_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("run", "--snapshot", str(_write_snapshot(tmp_path)), "--check", "NS9999")
    assert code == 2 and "--check" in err and "NS9999" in err


def test_existing_output_survives_a_failed_run(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report")
    code, _, _ = invoke("run", "--snapshot", str(tmp_path / "missing.json"), "-f", f"json:{target}")
    assert code == 2
    assert target.read_text() == "previous report"


def test_checks_listing_json() -> None:
    code, out, _ = invoke("checks", "--format", "json")
    assert code == 0
    ids = {c["id"] for c in json.loads(out)}
    assert "project-active" in ids
