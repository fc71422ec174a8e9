"""--checks-dir: a folder of user checks runs beside the bundled ones; a broken one is bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from netsuite_audit.cli import cli
from tests.support.check_cases import CASES_DIR, build_snapshot

CUSTOM = '''
from netsuite_audit.audit.model import CheckMeta, Severity

META = CheckMeta(id="no-contractors", codes=(), severity=Severity.LOW, title="No contractor employees",
                 description="Flags employees whose name says contractor.", reads=("employee",), tags=("custom",))


def check(ctx):
    for employee in ctx.rows("employee"):
        if "contractor" in (employee.entityid or "").lower():
            yield ctx.warn(f"{employee.entityid} looks like a contractor")
'''


def _snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snap.json"
    path.write_text(build_snapshot({"tables": {"employee": [{"id": 1, "entityid": "Pat (Contractor)"}]}}).to_json())
    return path


def test_custom_check_runs(tmp_path: Path) -> None:
    folder = tmp_path / "mychecks"
    folder.mkdir()
    (folder / "no_contractors.py").write_text(CUSTOM)
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(_snapshot(tmp_path)), "--checks-dir", str(folder),
                                      "--check", "custom", "--format", "json"])
    data = json.loads(result.stdout)
    assert [(f["check_id"], f["status"]) for f in data["findings"]] == [("no-contractors", "WARN")]
    assert data["checks"][0]["builtin"] is False


def test_broken_custom_check_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "oops.py").write_text("import does_not_exist\n")
    result = CliRunner().invoke(cli, ["run", "--snapshot", str(_snapshot(tmp_path)), "--checks-dir", str(folder),
                                      "--workspace", str(CASES_DIR / "_base.workspace.json")])
    assert result.exit_code == 2
    assert "oops.py" in result.stderr and "Traceback" not in result.stderr
