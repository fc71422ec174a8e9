"""End to end through the command line against the simulator: what a real account's admin sees.

The healthy account with the integration token alone exits 0; the reproductions of issue 9 §4 (a
report verdict that contradicted a finding, a run without a workspace that read like a clean one,
a workspace reference that matches nothing) each have a test here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from netsuite_audit.cli import cli
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import account_data, serve, token_env, workspace_data


def _env(server: SimServer, tmp: Path, token: int = 0) -> dict[str, str]:
    """The integration token only (token 0 of the fixture): no audit profile, no RESTlet."""
    return token_env(server, token, profiles_dir=tmp)


def _toml(value: Any) -> str:
    return json.dumps(value)  # strings, ints and lists of them read the same in TOML


def write_workspace(tmp: Path, data: dict[str, Any]) -> Path:
    lines = [f"{key} = {_toml(data[key])}" for key in ("subsidiary", "employees") if key in data]
    for section in ("tags", "export", "connection"):
        if section in data:
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml(v)}" for k, v in data[section].items()]
    path = tmp / "workspace.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(args: list[str], env: dict[str, str]) -> Result:
    result = CliRunner().invoke(cli, ["run", "--no-progress", *args], env=env, catch_exceptions=False)
    return result


@pytest.fixture
def healthy() -> Iterator[SimServer]:
    with serve(account_data("healthy")) as server:
        yield server


def minimal_workspace() -> dict[str, Any]:
    """Only the subsidiary, the employees and the tags: no [netsuite], no [restlet], no [forms]."""
    full = workspace_data("healthy")
    return {"subsidiary": full["subsidiary"], "employees": full["employees"], "tags": full["tags"]}


def test_healthy_account_with_the_integration_token_alone_exits_0(healthy: SimServer, tmp_path: Path) -> None:
    ws = write_workspace(tmp_path, minimal_workspace())
    out = tmp_path / "result.json"
    result = run(["--workspace", str(ws), "-f", f"json:{out}", "-f", "text"], _env(healthy, tmp_path))
    found = json.loads(out.read_text())
    problems = [(f["check_id"], f["status"], f["message"]) for f in found["findings"]
                if f["status"] in ("FAIL", "ERROR") or (f["status"] == "WARN" and f["severity"] != "info")]
    assert not problems
    # The only WARNs are dated advisories (Oracle's retirement of SOAP and TBA, issue 11) at severity
    # info, read from the calendar and the connection, never a guess; they never count toward the exit.
    advisories = {f["check_id"] for f in found["findings"] if f["status"] == "WARN"}
    assert advisories <= {"soap-retirement", "tba-retirement"}, advisories
    assert result.exit_code == 0, result.stdout
    assert found["account"]["transport"] == "rest" and found["account"]["audit_profile"] is None
    unverifiable = [f for f in found["findings"] if f["status"] == "UNVERIFIABLE"]
    assert unverifiable  # no RESTlet and no [netsuite]: some settings stay unknown...
    for finding in unverifiable:  # ...and each says how to check it by hand
        assert finding["manual"], (finding["check_id"], finding["message"])
        assert finding["missing"], (finding["check_id"], finding["message"])


# ---- issue 9 §4: no false pass, no contradiction ------------------------------------------------------
def test_a_report_whose_submitter_fails_never_exports_cleanly(tmp_path: Path) -> None:
    """`nsaudit run --demo --reports p.csv` with a submitter NetSuite does not know."""
    pending = tmp_path / "p.csv"
    pending.write_text("report_id,employee,amount,category,date\n"
                       "R9,nobody@northwind.example,10.00,1,2026-11-20\n", encoding="utf-8")
    out = tmp_path / "result.json"
    result = run(["--demo", "--reports", str(pending), "-f", f"json:{out}"],
                 {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")})
    assert result.exit_code == 1
    found = json.loads(out.read_text())
    about = [f for f in found["findings"] if f["status"] == "FAIL" and f["code"] == "NS0023"
             and "report R9" in f["evidence"].get("used_by", [])]
    assert about, "the unknown submitter is reported"
    verdict = next(v for v in found["report_verdicts"] if v["report_id"] == "R9")
    assert verdict["exports_cleanly"] is False
    assert "NS0023" in verdict["codes"]
    assert {f["id"] for f in about} <= set(verdict["findings"])


def test_a_run_without_a_workspace_says_how_many_checks_were_not_run(healthy: SimServer, tmp_path: Path) -> None:
    env = _env(healthy, tmp_path)
    paths = {fmt: tmp_path / f"result.{fmt}" for fmt in ("json", "junit", "sarif", "html", "markdown")}
    args = [arg for fmt, path in paths.items() for arg in ("-f", f"{fmt}:{path}")]
    result = run([*args, "-f", "text"], env)
    found = json.loads(paths["json"].read_text())
    skipped = found["summary"]["checks_skipped"]
    not_run = found["summary"]["not_run"]
    assert sum(not_run.values()) == skipped == len(found["skipped_checks"])
    assert not_run["needs a workspace description (--workspace)"] > len(found["checks"]) // 2
    note = f"{skipped} of {len(found['checks'])} checks were not run"
    shown = " ".join(result.stdout.split())  # the terminal text wraps long lines
    assert note in shown and "not a full audit" in shown
    assert result.exit_code == 0  # decided: findings decide the exit code; every output says it is partial
    junit = paths["junit"].read_text()
    needs_workspace = sum(count for reason, count in not_run.items()
                          if reason.startswith("needs a workspace description (--workspace)"))
    assert junit.count("not run: needs a workspace description") == needs_workspace
    sarif = json.loads(paths["sarif"].read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(note in n["message"]["text"] for n in notes)
    assert note in paths["html"].read_text() and note in paths["markdown"].read_text()
    strict = run(["--strict", "-f", "text"], env)
    assert strict.exit_code == 3, strict.stdout
    assert note in " ".join(strict.stdout.split())


def _demo_with(**changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    workspace = workspace_data("demo")
    workspace.update(changes)
    return account_data("demo"), workspace


def _fails(outcome: Any) -> set[str]:
    return {f.check_id for f in outcome.findings if f.status.value == "FAIL"}


def test_a_subsidiary_name_with_a_typo_is_reported_and_hides_nothing() -> None:
    from tests.support.e2e import audit

    clean = audit(*_demo_with(subsidiary="Northwind US"))
    typo = audit(*_demo_with(subsidiary="Northwind USA"))
    ref = [f for f in typo.by_check("workspace-references") if f.status.value == "FAIL"]
    assert len(ref) == 1 and "Northwind US" in ref[0].message and "'Northwind USA'" in ref[0].message
    said = {f.check_id for f in typo.findings
            if f.status.value == "UNVERIFIABLE" and "Northwind USA" in f.message}
    for check_id in _fails(clean) - {"workspace-references"}:  # nothing goes quiet
        assert check_id in _fails(typo) or check_id in said, check_id
    assert said, "the checks that need the subsidiary say so"


def test_a_subsidiary_id_that_does_not_exist_is_reported() -> None:
    from tests.support.e2e import audit

    outcome = audit(*_demo_with(subsidiary=99))
    ref = [f for f in outcome.by_check("workspace-references") if f.status.value == "FAIL"]
    assert [f.evidence["value"] for f in ref] == [99]
    assert any(f.status.value == "UNVERIFIABLE" and "99" in f.message for f in outcome.findings
               if f.check_id not in ("workspace-references",))


def test_missing_and_ambiguous_records_are_each_a_finding() -> None:
    from tests.support.e2e import audit

    data, workspace = _demo_with()
    vendor = dict(data["vendors"][0])
    vendor.update(id=9001, email="other@example.com")  # a second vendor with the same name
    data["vendors"].append(vendor)
    workspace["tags"] = {**workspace.get("tags", {}), "classes": [1, "No Such Class"]}
    workspace["export"] = {**workspace["export"], "default_vendor": vendor["name"]}
    outcome = audit(data, workspace)
    refs = {f.evidence["setting"]: f for f in outcome.by_check("workspace-references") if f.status.value == "FAIL"}
    assert set(refs) == {"export.default_vendor"}  # the name that matches two vendors
    assert 9001 in refs["export.default_vendor"].evidence["matches"]
    missing = [f for f in outcome.by_check("classification-available")
               if f.status.value == "FAIL" and "No Such Class" in (f.subject.id if f.subject else "")]
    assert missing, "the class that matches nothing is reported by the check that uses it"
