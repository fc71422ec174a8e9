"""--checks-dir: a folder of user checks runs beside the bundled ones; a broken one is bad input."""

from __future__ import annotations

import ast
import importlib
import json
import re
from dataclasses import fields
from pathlib import Path

from click.testing import CliRunner

from netsuite_audit import check_api
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


# ---- docs/custom-checks.md: its example runs, and imports only the public surface -------------------
DOC = Path(__file__).resolve().parents[2] / "docs" / "custom-checks.md"
EXAMPLE_MARK = re.compile(r"<!-- custom-check-example: (\w+\.py) -->\n```python\n(.*?)\n```", re.S)


def _doc_example() -> tuple[str, str]:
    """(file name, code) of the example check in docs/custom-checks.md, so the doc and this test
    cannot drift apart."""
    found = EXAMPLE_MARK.findall(DOC.read_text(encoding="utf-8"))
    assert len(found) == 1, "docs/custom-checks.md must mark exactly one example check"
    name, code = found[0]
    return name, code + "\n"


def _check_id(code: str) -> str:
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.keyword) and node.arg == "id" and isinstance(node.value, ast.Constant):
            return str(node.value.value)
    raise AssertionError("the example has no META id")


def test_the_documented_example_runs_on_the_demo(tmp_path: Path) -> None:
    name, code = _doc_example()
    folder = tmp_path / "mychecks"
    folder.mkdir()
    (folder / name).write_text(code)
    check_id = _check_id(code)
    assert check_id == Path(name).stem.replace("_", "-")
    result = CliRunner().invoke(cli, ["run", "--demo", "--checks-dir", str(folder), "--check", check_id,
                                      "--format", "json"])
    assert result.exit_code == 1, result.output  # its WARNs are at the default --fail-on low
    data = json.loads(result.stdout)
    assert [c["id"] for c in data["checks"]] == [check_id] and data["checks"][0]["builtin"] is False
    found = {(f["status"], f["subject"]["id"]) for f in data["findings"]}
    # The doc says the demo account has two such employees: Alex Morgan (5) and Robin Okafor (15).
    assert found == {("WARN", "5"), ("WARN", "15")}, data["findings"]
    assert all(f["check_id"] == check_id and f["fix"] for f in data["findings"])


def test_every_check_api_name_imports() -> None:
    module = importlib.import_module("netsuite_audit.check_api")
    assert module.__all__ and len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name
    namespace: dict[str, object] = {}
    exec("from netsuite_audit.check_api import *", namespace)  # what a star import gives is __all__
    assert set(module.__all__) <= set(namespace)


def test_the_example_imports_only_check_api_from_nsaudit() -> None:
    _, code = _doc_example()
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
            if node.module == "netsuite_audit.check_api":
                assert {alias.name for alias in node.names} <= set(check_api.__all__)
    ours = {m for m in modules if m.split(".")[0] in ("netsuite_audit", "checks")}
    assert ours == {"netsuite_audit.check_api"}, ours


def test_the_context_the_doc_describes_exists() -> None:
    """Every ``ctx.<name>`` the doc names is on Context, and every ``lookups.``/``settings.``/
    ``remedies.`` name it uses exists."""
    text = DOC.read_text(encoding="utf-8")
    for name in set(re.findall(r"\bctx\.(\w+)", text)):
        assert hasattr(check_api.Context, name) or name in {f.name for f in fields(check_api.Context)}, name
    for module in ("lookups", "settings", "remedies"):
        for name in set(re.findall(rf"\b{module}\.(\w+)", text)):
            assert hasattr(getattr(check_api, module), name), f"{module}.{name}"
