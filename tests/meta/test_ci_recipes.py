"""The CI recipes in examples/ run as written, against the bundled demo account.

Each nsaudit command line is taken from the recipe, its credentials source (--profile) swapped for
--demo, and run in a folder laid out like the recipe expects (nsaudit.toml, workspace.toml,
nsaudit-mutes.yaml). The exit code and every file the recipe uploads are checked.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from netsuite_audit.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
COMMAND = re.compile(r"\bnsaudit (?:run|diff|snapshot)\b[^|&>\n]*")
MKDIR = re.compile(r"mkdir -p ((?:[\w./-]+ ?)+)")


FENCE = re.compile(r"```(?:sh|bash|shell)\n(.*?)```", re.S)


def commands(text: str) -> list[list[str]]:
    return [shlex.split(match.group(0)) for match in COMMAND.finditer(text)]


def shell_blocks(markdown: str) -> str:
    """Only the ```sh blocks of a Markdown page (inline `nsaudit ...` mentions are prose)."""
    return "\n".join(FENCE.findall(markdown))


def on_demo(argv: list[str]) -> list[str]:
    """Drop the credentials source and audit the demo account instead."""
    out: list[str] = []
    skip = False
    for arg in argv[1:]:
        if skip:
            skip = False
            continue
        if arg == "--profile":
            skip = True
            continue
        if arg == "--all-profiles":
            continue
        out.append(arg)
    return [*out, "--demo"] if out[0] == "run" else out


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository laid out as the recipes say: config, workspace and mutes at the root."""
    shutil.copy(EXAMPLES / "nsaudit.toml", tmp_path / "nsaudit.toml")
    shutil.copy(EXAMPLES / "nsaudit-mutes.yaml", tmp_path / "nsaudit-mutes.yaml")
    shutil.copy(ROOT / "fixtures" / "workspaces" / "demo.toml", tmp_path / "workspace.toml")
    for name in list(__import__("os").environ):
        if name.startswith("NSAUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make_folders(text: str, repo: Path) -> None:
    """The folders the recipe creates with `mkdir -p` (nsaudit itself never creates folders)."""
    for group in MKDIR.findall(text):
        for folder in group.split():
            (repo / folder).mkdir(parents=True, exist_ok=True)


def run_recipe(text: str, repo: Path) -> list[tuple[list[str], int, str]]:
    make_folders(text, repo)
    found = commands(text)
    assert found, "the recipe has no nsaudit command"
    results = []
    for argv in found:
        result = CliRunner().invoke(cli, on_demo(argv), catch_exceptions=False)
        results.append((argv, result.exit_code, result.stderr))
    return results


def assert_reports(repo: Path, paths: list[str]) -> None:
    for name in paths:
        path = repo / name
        assert path.is_file() and path.stat().st_size > 0, name
        if name.endswith(".json"):
            assert json.loads(path.read_text())["exit_code"] == 1
        elif name.endswith(".sarif"):
            assert json.loads(path.read_text())["version"] == "2.1.0"
        elif name.endswith(".xml"):
            assert ET.parse(path).getroot().tag in ("testsuites", "testsuite")
        elif name.endswith(".html"):
            assert "<html" in path.read_text().lower()


def test_github_actions_recipe(repo: Path) -> None:
    text = (EXAMPLES / "github-actions.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow[True]["schedule"][0]["cron"]  # YAML reads the key `on` as True
    steps = workflow["jobs"]["audit"]["steps"]
    sarif = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    artifact = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    uploaded = [sarif["with"]["sarif_file"], *artifact["with"]["path"].split()]

    [(argv, code, err)] = run_recipe(text, repo)
    assert code == 1, err  # the demo has high findings: the job fails in its last step
    assert "mutes" not in err or "expire" in err
    promised = [a.split(":", 1)[1] for a in argv if ":" in a and a.split(":", 1)[0] in ("json", "html", "sarif")]
    assert sorted(promised) == sorted(uploaded)
    assert_reports(repo, uploaded)


def test_gitlab_recipe(repo: Path) -> None:
    text = (EXAMPLES / "gitlab-ci.yml").read_text()
    job = yaml.safe_load(text)["nsaudit"]
    assert any("schedule" in rule["if"] for rule in job["rules"])
    assert job["allow_failure"]["exit_codes"] == [1]
    junit = job["artifacts"]["reports"]["junit"]

    [(argv, code, err)] = run_recipe(text, repo)
    assert code == 1, err
    assert f"junit:{junit}" in argv
    assert_reports(repo, [junit, "reports/nsaudit.json", "reports/nsaudit.html"])


def test_crontab_line(repo: Path) -> None:
    text = (EXAMPLES / "crontab").read_text()
    line = next(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    assert len(line.split()[:5]) == 5 and line.split()[4] == "1-5"
    [(argv, code, err)] = run_recipe(text, repo)
    assert "--profile" in argv and code == 1, err
    assert_reports(repo, ["reports/nsaudit.json", "reports/nsaudit.html"])


def test_crontab_dates_each_runs_log(tmp_path: Path) -> None:
    """The crontab line, run by sh as cron would (\\% -> %), twice with a stand-in nsaudit: each run's part
    of the log starts with its date, and the exit code still reaches the echo cron mails."""
    import subprocess

    text = (EXAMPLES / "crontab").read_text()
    line = next(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    command = line.split(None, 5)[5].replace("\\%", "%").replace("cd /srv/nsaudit", f"cd {tmp_path}")
    (tmp_path / "logs").mkdir()
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    stand_in = tmp_path / "venv" / "bin" / "nsaudit"
    stand_in.write_text("#!/bin/sh\necho 'Result: 1 finding needs action'\nexit 1\n")
    stand_in.chmod(0o755)
    for _ in range(2):
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60)
        assert "nsaudit exit 1" in done.stdout
    log = (tmp_path / "logs" / "nsaudit.log").read_text().splitlines()
    stamp = re.compile(r"^=== \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z audit$")
    assert [bool(stamp.match(ln)) for ln in log] == [True, False, True, False], log


def test_example_config_and_mutes_are_valid(repo: Path) -> None:
    code = CliRunner().invoke(cli, ["config", "show", "--json"]).exit_code
    assert code == 0
    data = json.loads(CliRunner().invoke(cli, ["config", "show", "--json"]).stdout)
    rows = {r["option"]: r for r in data["options"]}
    assert rows["--fail-on"]["value"] == "high" and rows["--fail-on"]["source"].startswith("config file")
    out = repo / "r.json"
    result = CliRunner().invoke(cli, ["run", "--demo", "-f", f"json:{out}"], catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    statuses = {f["id"]: f["status"] for f in json.loads(out.read_text())["findings"]}
    # the example mutes name real checks, codes and demo records (they end in 2027)
    assert statuses["project-active/job:401"] in ("MUTED", "FAIL")
    assert statuses["classification-available/department:5"] in ("MUTED", "FAIL")


def test_docs_ci_commands_parse(repo: Path) -> None:
    """Every nsaudit command shown in docs/ci.md is accepted by the CLI (run on the demo)."""
    text = shell_blocks((ROOT / "docs" / "ci.md").read_text())
    make_folders(text, repo)
    found = commands(text)
    assert len(found) >= 4
    for argv in found:
        if argv[1] == "diff":
            continue  # needs two earlier results; covered in tests/commands/test_diff.py
        result = CliRunner().invoke(cli, on_demo(argv), catch_exceptions=False)
        assert result.exit_code in (0, 1), (argv, result.stderr)


def test_nightly_expensify_recipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The nightly recipe with only secrets and a policy id: each command runs against the demo, whose
    simulated Expensify stands in for the policy (--demo --expensify instead of the environment)."""
    text = (EXAMPLES / "github-actions-expensify.yml").read_text()
    steps = yaml.safe_load(text)["jobs"]["audit"]["steps"]
    audit_step = next(s for s in steps if s.get("id") == "audit")
    assert {"NSAUDIT_EXPENSIFY_USER_ID", "NSAUDIT_EXPENSIFY_USER_SECRET", "NSAUDIT_EXPENSIFY_POLICY"} <= set(
        audit_step["env"])
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "fixtures" / "workspaces" / "demo-expensify.toml", tmp_path / "workspace.toml")
    (tmp_path / "reports").mkdir()
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    found = commands(audit_step["run"])
    assert [c[1] for c in found] == ["snapshot", "run", "diff"]
    snapshot_cmd = [*found[0][1:], "--demo", "--expensify"]
    result = CliRunner().invoke(cli, snapshot_cmd, env=env)
    assert result.exit_code == 0, result.output
    assert "expensify job:" in result.stderr
    result = CliRunner().invoke(cli, found[1][1:], env=env)
    assert result.exit_code == 1, result.output
    body = json.loads((tmp_path / "reports" / "nsaudit.json").read_text())
    assert body["workspace"].startswith("Expensify policy ") and body["report_verdicts"]
    shutil.copy(tmp_path / "reports" / "nsaudit.snapshot.json", tmp_path / "previous.snapshot.json")
    result = CliRunner().invoke(cli, found[2][1:], env=env)
    assert result.exit_code == 0 and (tmp_path / "reports" / "drift.md").exists()
