"""Issue 10, local side: code loading from config files (5), the demo's fake secrets (17) and
`nsaudit report` trusting nothing stored (11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from tests.support.e2e import FIXTURES

EVIL_CHECK = '''
from pathlib import Path
Path({marker!r}).write_text("imported")
'''


# ---- 5: a config file in the current folder never loads code ----------------------------------------
@pytest.mark.parametrize("layout", ["pyproject", "nsaudit.toml"])
@pytest.mark.parametrize("command", [["checks"], ["run", "--demo", "--check", "login", "--no-color"]])
def test_checks_dir_in_a_config_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                layout: str, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("NSAUDIT_CONFIG", "NSAUDIT_CHECKS_DIR"):
        monkeypatch.delenv(name, raising=False)
    marker = tmp_path / "imported.txt"
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "sneaky.py").write_text(EVIL_CHECK.format(marker=str(marker)))
    if layout == "pyproject":
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.nsaudit]\nchecks_dir = ["evil"]\n')
        where = "tool.nsaudit.checks_dir"
    else:
        (tmp_path / "nsaudit.toml").write_text('checks_dir = "evil"\nfail_on = "critical"\n')
        where = "nsaudit.toml: checks_dir"
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert not marker.exists(), "a config file in the current folder made nsaudit import Python"
    assert result.exit_code in (0, 1), result.stderr
    warnings = [line for line in result.stderr.splitlines() if "checks_dir" in line]
    assert len(warnings) == 1 and where in warnings[0] and "--checks-dir" in warnings[0], result.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_checks_dir_flag_and_env_still_load_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NSAUDIT_CONFIG", raising=False)
    marker = tmp_path / "imported.txt"
    extra = tmp_path / f"extra-{how}"
    extra.mkdir()
    (extra / "sneaky.py").write_text(EVIL_CHECK.format(marker=str(marker)))
    if how == "flag":
        CliRunner().invoke(cli, ["checks", "--checks-dir", str(extra)])
    else:
        CliRunner(env={"NSAUDIT_CHECKS_DIR": str(extra)}).invoke(cli, ["checks"])
    assert marker.exists()


# ---- 17: shipped fixtures carry unmistakably fake credentials ----------------------------------------
CREDENTIAL_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")


def _credentials(node: object) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CREDENTIAL_FIELDS and isinstance(value, str):
                found.append((key, value))
            else:
                found.extend(_credentials(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_credentials(item))
    return found


def test_shipped_fixture_credentials_are_plainly_fake() -> None:
    files = sorted(FIXTURES.rglob("*.json"))
    seen = 0
    for path in files:
        for key, value in _credentials(json.loads(path.read_text(encoding="utf-8"))):
            seen += 1
            assert value.startswith(("demo-", "sim-")), (path.name, key, "needs a demo-/sim- prefix")
            assert not HEX_RUN.search(value), (path.name, key, "looks like a real hex secret")
            if key.endswith("secret"):
                assert value.endswith("-not-a-real-secret"), (path.name, key)
    assert seen >= 18  # demo.json and healthy.json: two integrations and two or three tokens each
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            assert not HEX_RUN.search(path.read_text(encoding="utf-8", errors="replace")), path


def test_demo_with_fake_secrets_still_signs_and_a_wrong_secret_is_refused(tmp_path: Path) -> None:
    """The fake values are real keys to the simulator: a correct signature logs in, a wrong one does not."""
    from dataclasses import replace

    from netsuite_audit.collect.collector import CollectOptions, collect
    from netsuite_audit.inputs.credentials import Secret
    from netsuite_audit.simulator.demo import demo_session

    with demo_session() as session:
        assert session.creds.consumer_key.startswith("demo-")
        good = collect(session.creds, options=CollectOptions(concurrency=2))
        wrong = replace(session.creds, token_secret=Secret("demo-ts1-wrong-not-a-real-secret"))
        bad = collect(wrong, options=CollectOptions(concurrency=2))
    assert good.login.any_ok
    assert not bad.login.any_ok


# ---- 11: `nsaudit report` trusts no stored verdict; unknown schema versions are refused ---------------
@pytest.fixture(scope="module")
def demo_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-result")
    path = folder / "result.json"
    result = CliRunner().invoke(cli, ["run", "--demo", "-f", f"json:{path}", "--no-color"],
                                env={"NSAUDIT_CONFIG": ""})
    assert result.exit_code == 1, result.stderr
    return path


def _report(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["report", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["html", "markdown", "json", "text", "junit", "sarif"])
def test_report_recomputes_summary_and_exit_code(demo_result: Path, tmp_path: Path, fmt: str) -> None:
    data = json.loads(demo_result.read_text())
    fails = sum(1 for f in data["findings"] if f["status"] == "FAIL")
    assert fails > 10
    data["exit_code"] = 0
    data["summary"] = {**data["summary"], "total": 0, "by_status": dict.fromkeys(data["summary"]["by_status"], 0),
                       "by_severity": dict.fromkeys(data["summary"]["by_severity"], 0)}
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    code, out, err = _report([str(edited), "--format", fmt])
    assert code == 0, err
    if fmt == "json":
        shown = json.loads(out)
        assert shown["exit_code"] == 1
        assert shown["summary"]["by_status"]["FAIL"] == fails
        assert shown["summary"]["total"] == len(data["findings"])
    else:
        assert "No findings" not in out
        assert str(fails) in out


@pytest.mark.parametrize(("kind", "version"), [("result", 99), ("result", "9.9"), ("result", "1.9"),
                                               ("result", None), ("snapshot", 99), ("snapshot", "9.9"),
                                               ("snapshot", "1")])
def test_unknown_schema_versions_are_refused(demo_result: Path, tmp_path: Path, kind: str,
                                             version: object) -> None:
    if kind == "result":
        data = json.loads(demo_result.read_text())
        args = ["report", str(tmp_path / "x.json"), "--format", "json"]
    else:
        from netsuite_audit.collect.collector import collect
        from netsuite_audit.simulator.demo import demo_session

        with demo_session() as session:
            data = json.loads(collect(session.creds).to_json())
        args = ["run", "--snapshot", str(tmp_path / "x.json"), "--no-color"]
    data["schema_version"] = version
    (tmp_path / "x.json").write_text(json.dumps(data))
    result = CliRunner().invoke(cli, args, env={"NSAUDIT_CONFIG": ""})
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "schema_version" in lines[0] and "unsupported" in lines[0], result.stderr
    assert str(tmp_path / "x.json") in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
