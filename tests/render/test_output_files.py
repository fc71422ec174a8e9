"""`nsaudit run -o FILE` takes the format from the file's extension, as `nsaudit report -o` does."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from tests.support.check_cases import CASES_DIR, build_snapshot


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("NSAUDIT_FORMAT", "NSAUDIT_OUTPUT", "NSAUDIT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    snap = build_snapshot({"tables": {"job": [{"id": 100, "companyname": "Acme", "isinactive": True}]}})
    path = tmp_path / "snap.json"
    path.write_text(snap.to_json())
    return path


def _run(snapshot: Path, *extra: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(cli, ["run", "--snapshot", str(snapshot), "--check", "project-active",
                                    "--workspace", str(CASES_DIR / "_base.workspace.json"), *extra])
    return done.exit_code, done.stdout, done.stderr


def _kind(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name.endswith((".sarif", ".sarif.json")):
        return "sarif" if json.loads(text)["version"] == "2.1.0" else "?"
    if path.suffix == ".json":
        return "json" if "schema_version" in json.loads(text) else "?"
    if path.suffix == ".xml":
        return "junit" if ET.fromstring(text).tag in ("testsuites", "testsuite") else "?"
    if path.suffix == ".html":
        return "html" if text.startswith("<!DOCTYPE html>") else "?"
    if path.suffix == ".md":
        return "markdown" if text.startswith("#") else "?"
    if path.suffix == ".csv":
        return "csv" if text.startswith("finding_id,") else "?"
    return "text" if text.startswith("nsaudit ") else "?"


@pytest.mark.parametrize("name", ["result.json", "report.html", "report.md", "findings.csv", "scan.sarif",
                                  "scan.sarif.json", "junit.xml", "report.txt"])
def test_o_picks_the_format_from_the_extension(snapshot: Path, name: str) -> None:
    out = snapshot.parent / name
    code, stdout, _ = _run(snapshot, "-o", str(out))
    assert code == 1
    assert stdout == ""
    expected = {"result.json": "json", "report.html": "html", "report.md": "markdown", "findings.csv": "csv",
                "scan.sarif": "sarif", "scan.sarif.json": "sarif", "junit.xml": "junit", "report.txt": "text"}
    assert _kind(out) == expected[name]


def test_text_file_is_complete(snapshot: Path) -> None:
    out = snapshot.parent / "report.txt"
    _run(snapshot, "-o", str(out))
    assert "fix:" in out.read_text(encoding="utf-8")  # a file has no screen to fit: evidence and steps too


def test_format_still_wins_over_the_extension(snapshot: Path) -> None:
    out = snapshot.parent / "result.txt"
    _run(snapshot, "-f", "json", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"]


def test_unknown_extension_is_one_line_exit_2(snapshot: Path) -> None:
    out = snapshot.parent / "result.bin"
    code, stdout, stderr = _run(snapshot, "-o", str(out))
    assert code == 2 and stdout == ""
    assert stderr.startswith("nsaudit: error: ") and stderr.count("\n") == 1
    assert "'.bin'" in stderr and ".json" in stderr
    assert not out.exists()
