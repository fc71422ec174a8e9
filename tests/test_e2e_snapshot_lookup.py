"""The snapshot recipe and the pending reports (issue 21, item 7 and "green means checked"), end to end through
the CLI against the simulator on loopback: a snapshot looks NetSuite's transactions up only for the report ids
it was given, so a run from it judges report-already-exported (NS0034) for exactly those reports and says of
the others that they were not looked up (UNVERIFIABLE, naming the fix), never PASS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, invoke, serve, token_env

AS_OF = "2026-12-01"
DEMO_WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
DEMO_REPORTS = FIXTURES / "reports" / "demo.json"
CHECK = "report-already-exported"
EXPORTED = "R00AbCdEf1"  # the demo account holds a transaction with this external id


def _env(server: SimServer) -> dict[str, str]:
    return token_env(server)



@pytest.fixture(scope="module")
def demo_server() -> Iterator[SimServer]:
    with serve(account_data("demo")) as server:
        yield server


def _reports(tmp_path: Path, name: str, ids: list[str]) -> Path:
    """The demo's reports with these ids (the demo's first report's content under each)."""
    first = json.loads(DEMO_REPORTS.read_text())["reports"][0]
    path = tmp_path / name
    path.write_text(json.dumps({"reports": [{**first, "id": rid} for rid in ids]}))
    return path


def _ns0034(path: Path) -> dict[str, str]:
    """report id -> status of the check's per-report findings (the PASS for the judged part is keyed '*')."""
    findings = [f for f in json.loads(path.read_text())["findings"] if f["check_id"] == CHECK]
    return {(f["subject"] or {}).get("id", "*"): f["status"] for f in findings}


def _findings(path: Path) -> set[tuple[str, str, str | None, str]]:
    return {(f["check_id"], f["status"], f["code"], json.dumps(f["subject"], sort_keys=True))
            for f in json.loads(path.read_text())["findings"]}


def test_a_snapshot_without_reports_leaves_every_report_unverifiable_naming_the_fix(demo_server: SimServer,
                                                                                     tmp_path: Path) -> None:
    snap = tmp_path / "a.json"
    taken = invoke("snapshot", "-o", str(snap), env=_env(demo_server))
    assert taken.exit_code == 0 and "no pending report looked up (--reports)" in " ".join(taken.output.split())
    assert json.loads(snap.read_text())["looked_up_reports"] == []
    out = tmp_path / "r.json"
    pages = {fmt: tmp_path / f"r.{fmt}" for fmt in ("html", "markdown")}
    done = invoke("run", "--snapshot", str(snap), "--reports", str(DEMO_REPORTS), "--check", CHECK, "--no-color",
                  "-f", "text", "-f", f"json:{out}", *(a for f, p in pages.items() for a in ("-f", f"{f}:{p}")))
    ids = [r["id"] for r in json.loads(DEMO_REPORTS.read_text())["reports"]]
    assert _ns0034(out) == dict.fromkeys(ids, "UNVERIFIABLE")  # never PASS, and no guessed FAIL either
    result = json.loads(out.read_text())
    finding = next(f for f in result["findings"] if f["subject"]["id"] == EXPORTED)
    assert "the snapshot audited did not look up report R00AbCdEf1" in finding["message"]
    assert "--reports" in " ".join(finding["manual"]) and "live" in " ".join(finding["manual"])
    warning = (f"the snapshot a.json did not look up 7 of the 7 pending reports among NetSuite's transactions "
               f"({', '.join(ids[:5])} and 2 more)")
    fix = "take the snapshot again with --reports demo.json, or run nsaudit live"
    words = " ".join(done.output.split())
    assert warning in words and fix in words
    assert sum(warning in w and fix in w for w in result["warnings"]) == 1
    for fmt, path in pages.items():
        page = " ".join(path.read_text().replace("&#x27;", "'").replace("&#39;", "'").split())
        assert page.count("did not look up 7 of the 7 pending reports") == 1, fmt
    assert done.exit_code != 0  # nothing verified is never a clean exit


def test_a_snapshot_with_reports_gives_the_findings_of_run(demo_server: SimServer, tmp_path: Path) -> None:
    env = _env(demo_server)
    live = tmp_path / "live.json"
    invoke("run", "--workspace", str(DEMO_WORKSPACE), "--reports", str(DEMO_REPORTS), "--as-of", AS_OF,
           "-f", f"json:{live}", env=env)
    snap = tmp_path / "a.json"
    taken = invoke("snapshot", "-o", str(snap), "--workspace", str(DEMO_WORKSPACE), "--reports", str(DEMO_REPORTS),
                   env=env)
    assert taken.exit_code == 0 and "transactions looked up for 7 pending report(s)" in taken.output
    ids = [r["id"] for r in json.loads(DEMO_REPORTS.read_text())["reports"]]
    assert json.loads(snap.read_text())["looked_up_reports"] == ids
    offline = tmp_path / "offline.json"
    done = invoke("run", "--snapshot", str(snap), "--workspace", str(DEMO_WORKSPACE), "--reports", str(DEMO_REPORTS),
                  "--as-of", AS_OF, "--no-color", "-f", "text", "-f", f"json:{offline}")
    assert _findings(offline) == _findings(live)
    assert _ns0034(offline) == {EXPORTED: "FAIL"}
    assert "did not look up" not in done.output
    assert not any("did not look up" in w for w in json.loads(offline.read_text())["warnings"])


def test_reports_the_snapshot_did_not_look_up_are_never_passed(demo_server: SimServer, tmp_path: Path) -> None:
    """Taken with other reports: those looked up are judged (a partial verdict), the rest UNVERIFIABLE."""
    snap = tmp_path / "a.json"
    taken_with = _reports(tmp_path, "then.json", ["R900", "R901"])
    assert invoke("snapshot", "-o", str(snap), "--reports", str(taken_with), env=_env(demo_server)).exit_code == 0
    out = tmp_path / "r.json"
    now = _reports(tmp_path, "now.json", ["R900", EXPORTED])
    done = invoke("run", "--snapshot", str(snap), "--reports", str(now), "--check", CHECK, "--no-color",
                  "-f", "text", "-f", f"json:{out}")
    assert _ns0034(out) == {EXPORTED: "UNVERIFIABLE", "*": "PASS"}
    passed = next(f for f in json.loads(out.read_text())["findings"] if f["status"] == "PASS")
    assert "1 pending report(s) looked up" in passed["message"]
    assert "did not look up 1 of the 2 pending reports among NetSuite's transactions (R00AbCdEf1)" in \
        " ".join(done.output.split())


def test_an_older_snapshot_that_does_not_record_its_look_up_still_loads_and_passes_nothing(
        demo_server: SimServer, tmp_path: Path) -> None:
    snap = tmp_path / "old.json"
    assert invoke("snapshot", "-o", str(snap), "--reports", str(DEMO_REPORTS), env=_env(demo_server)).exit_code == 0
    data = json.loads(snap.read_text())
    del data["looked_up_reports"]  # as written before nsaudit recorded it
    snap.write_text(json.dumps(data))
    out = tmp_path / "r.json"
    done = invoke("run", "--snapshot", str(snap), "--reports", str(DEMO_REPORTS), "--check", CHECK, "--no-color",
                  "-f", "text", "-f", f"json:{out}")
    statuses = _ns0034(out)
    assert statuses.pop(EXPORTED) == "FAIL"  # a transaction carrying the id is found whatever was asked
    assert set(statuses.values()) == {"UNVERIFIABLE"}
    assert "does not record which pending reports it looked up" in " ".join(done.output.split())
