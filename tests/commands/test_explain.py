"""``nsaudit explain``: run through click's CliRunner against the command itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.audit import registry
from netsuite_audit.catalog import load_catalog, render_error_codes_markdown
from netsuite_audit.commands.explain import explain_command

CUSTOM_CHECK = '''
from netsuite_audit.audit.model import CheckMeta, Detection, Severity

META = CheckMeta(
    id="my-custom-ca-zero",
    codes=("NS0988",),
    severity=Severity.MEDIUM,
    title="Custom: CA-Zero tax group present",
    description="Looks for the CA-Zero tax group.",
    reads=("taxitemtaxgroup",),
    detection=(Detection.NETSUITE_DATA,),
)


def check(ctx):
    return []
'''


def run(*args: str):
    return CliRunner().invoke(explain_command, list(args))


def flat(text: str) -> str:
    """Output with line wrapping undone, so assertions do not depend on the terminal width."""
    return re.sub(r"\s+", " ", text)


def test_text_for_a_code() -> None:
    result = run("NS0770")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert out.startswith("NS0770 Project is not active (export error)")
    for heading in ("What the error says", "Why it happens", "How to fix", "In NetSuite",
                    "In the workspace, on the web", "In the workspace, on mobile", "How nsaudit detects it",
                    "Checks that predict it"):
        assert heading in out, heading
    assert "NS0770: Project [project] is not active and can't accept expenses." in out
    assert "Lists > Relationships > Projects" in out
    assert "NetSuite admin needed: yes" in out
    assert "Sync Now enough: yes" in out
    assert "netsuite-data:" in out and "pending-reports:" in out
    # project-active is a bundled check whose META.codes include NS0770.
    assert "project-active (high)" in out
    assert "\x1b[" not in result.output  # no colour codes when not writing to a terminal


def test_text_for_a_code_without_checks_says_how_to_verify(tmp_path: Path, monkeypatch) -> None:
    # Point the bundled check folder at an empty one, so the answer does not depend on which checks exist.
    monkeypatch.setattr(registry, "builtin_checks_dir", lambda: tmp_path)
    result = run("ns0919")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "No nsaudit check predicts NS0919 yet" in out
    assert "To verify by hand: 1. Open the supervisor's employee record" in out


def test_reconnect_and_not_detectable_codes() -> None:
    out = flat(run("NS0942").output)
    assert "Sync Now enough: no" in out and "NetSuite admin needed: no" in out
    out = flat(run("0593").output)
    assert "not-detectable:" in out
    assert "When you see it anyway 1. Wait a few minutes" in out


def test_custom_checks_dir_is_searched(tmp_path: Path) -> None:
    (tmp_path / "my_custom_ca_zero.py").write_text(CUSTOM_CHECK, encoding="utf-8")
    result = run("NS0988", "--checks-dir", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"id": "my-custom-ca-zero", "title": "Custom: CA-Zero tax group present",
            "severity": "medium"} in data["checks"]


def test_broken_checks_dir_does_not_stop_explain(tmp_path: Path) -> None:
    (tmp_path / "broken_one.py").write_text("raise RuntimeError('half written')\n", encoding="utf-8")
    result = run("NS0988", "--checks-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "checks could not be loaded" in out and "To verify by hand" in out


def test_json_for_a_code() -> None:
    result = run("0770", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    entry = load_catalog().get("NS0770")
    assert data["code"] == "NS0770"
    assert data["category"] == "export"
    assert data["message"] == entry.message
    assert data["example"].startswith("NS0770: Project [project] is not active")
    assert data["placeholders"] == ["project"]
    assert data["admin_needed"] is True and data["resync_enough"] is True
    assert data["detection"] == ["netsuite-data", "workspace", "pending-reports"]
    assert data["fix"]["netsuite"] == list(entry.fix.netsuite)
    assert data["fix"]["web"] and data["fix"]["mobile"]
    assert any(check["id"] == "project-active" for check in data["checks"])


def test_markdown_for_a_code() -> None:
    result = run("NS0384", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# NS0384: Cannot read classifications\n")
    assert "> NS0384: Permission error encountered when querying NetSuite for 'Classification'." in result.output
    assert "### In the workspace (mobile)" in result.output


def test_pasted_error_line() -> None:
    result = run("NS0831 Export Error: Invalid or missing classification.", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["code"] == "NS0831"


def test_list_text() -> None:
    result = run("--list")
    assert result.exit_code == 0, result.output
    codes = set(re.findall(r"\bNS\d{4}\b", result.output))
    assert codes == set(load_catalog().codes)
    assert "Code" in result.output and "Category" in result.output and "Detection" in result.output


def test_list_json() -> None:
    result = run("--list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 70
    assert rows[0] == {"code": "NS0005", "title": "Department, location or class required",
                       "category": "export", "detection": ["netsuite-data", "workspace", "manual"]}


def test_list_markdown_is_the_docs_table() -> None:
    result = run("--list", "--format", "markdown")
    assert result.exit_code == 0
    assert result.output == render_error_codes_markdown()


def test_unknown_code_is_a_one_line_error() -> None:
    result = run("NS0771")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown NetSuite error code 'NS0771'" in lines[0]
    assert "did you mean NS0770" in lines[0]


@pytest.mark.parametrize("args", [(), ("NS0770", "--list")])
def test_needs_exactly_one_of_code_or_list(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "--list" in result.stderr


def test_bad_format_is_rejected() -> None:
    result = run("NS0770", "--format", "yaml")
    assert result.exit_code == 2
