"""Green means checked, no cause hidden, a report a reviewer can sign (issue 21), end to end through the
CLI against the simulator on loopback: each test names the numbered item it holds."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from netsuite_audit.render.text import DEMO_BUDGET, LOGIN_BUDGET
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, invoke, serve, token_env

AS_OF = "2026-12-01"
DEMO_WORKSPACE = FIXTURES / "workspaces" / "demo.toml"


def _env(server: SimServer) -> dict[str, str]:
    """The integration token of the fixture (token 0), pointed at the simulator."""
    return token_env(server)



@pytest.fixture(scope="module")
def demo_server() -> Iterator[SimServer]:
    with serve(account_data("demo")) as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- 2. a check whose inputs are absent is "not run", never PASS ------------------------------------------
@pytest.mark.parametrize("check", ["project-active", "classification-available", "customer-subsidiary",
                                   "project-resources"])
def test_2_a_check_with_nothing_to_judge_is_not_run(demo_server: SimServer, check: str) -> None:
    done = invoke("run", "--check", check, "--no-color", env=_env(demo_server))
    words = " ".join(done.output.split())
    assert "1 passed" not in words
    assert "Passed" not in words
    assert f"Not run: {check} (needs a workspace description (--workspace) or pending reports" in words
    assert done.exit_code == 3  # asked for by name and not run: could not audit


def test_2_a_run_without_workspace_lists_none_of_them_as_passed(demo_server: SimServer, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = invoke("run", "--no-color", "-f", "text", "-f", f"json:{out}", env=_env(demo_server))
    result = json.loads(out.read_text())
    skipped = {s["check_id"] for s in result["skipped_checks"]}
    for check in ("project-active", "classification-available", "customer-subsidiary", "project-resources"):
        assert check in skipped
        assert not any(f["check_id"] == check and f["status"] == "PASS" for f in result["findings"])
    assert "project-active" not in _passed_list(done.output)


# ---- 3. selecting no check is an error, never a clean pass ----------------------------------------------
def test_3_selecting_no_check_is_exit_2(tmp_path: Path) -> None:
    done = invoke("run", "--demo", "--check", "low", "--workspace", str(DEMO_WORKSPACE))
    assert done.exit_code == 2
    assert "select no check" in done.output


def test_3_selecting_no_check_under_strict_is_exit_3() -> None:
    done = invoke("run", "--demo", "--check", "low", "--strict")
    assert done.exit_code == 3
    assert "select no check" in done.output


# ---- 1. a transport failure is reported as what it is, never as a login problem -------------------------
def _assert_transport_screen(done: Result, cause: str) -> None:
    lines = done.output.splitlines()
    first_screen = " ".join(" ".join(lines[:24]).split())  # words, however the lines wrapped
    assert done.exit_code == 3
    assert "Could not reach NetSuite: a connection failure, not a login problem" in first_screen
    assert cause in first_screen
    assert "Check the URL nsaudit called" in first_screen or "run nsaudit again" in first_screen
    assert "the login did not succeed" not in done.output
    assert "Fix the login first" not in done.output


def test_1_connection_refused_is_a_transport_failure_with_cause_and_fix(tmp_path: Path) -> None:
    env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck", "NSAUDIT_CONSUMER_SECRET": "cs",
           "NSAUDIT_TOKEN_ID": "ti", "NSAUDIT_TOKEN_SECRET": "ts",
           "NSAUDIT_BASE_URL": f"http://127.0.0.1:{_closed_port()}"}
    html = tmp_path / "r.html"
    done = invoke("run", "--workspace", str(DEMO_WORKSPACE), "--no-color", "--timeout", "20", "-f", "text",
                  "-f", f"html:{html}", env=env)
    _assert_transport_screen(done, "refused the connection")
    assert "Check the network path" in " ".join(done.output.split())
    page = html.read_text()
    assert "NetSuite could not be reached (a connection failure, not a login problem)" in page
    assert "login did not succeed" not in page


def test_1_server_errors_after_the_retries_are_a_transport_failure() -> None:
    from netsuite_audit.simulator.faults import FaultPlan

    with serve(account_data("demo"), faults=FaultPlan(server_error=1.0)) as server:
        done = invoke("run", "--workspace", str(DEMO_WORKSPACE), "--no-color", "--timeout", "3",
                      env=_env(server))
    _assert_transport_screen(done, "NetSuite failed on its side (HTTP 500")
    assert "wait a few minutes" in " ".join(done.output.split())


def test_1_a_refused_login_is_still_a_login_problem_and_its_section_is_never_empty(tmp_path: Path) -> None:
    with serve(account_data("demo")) as server:
        env = {**_env(server), "NSAUDIT_TOKEN_SECRET": "not-the-secret"}
        done = invoke("run", "--workspace", str(DEMO_WORKSPACE), "--no-color", env=env)
    assert done.exit_code == 3
    lines = done.output.splitlines()
    heading = lines.index("Fix the login first: nothing else can be checked until it works")
    assert lines[heading + 1].strip().startswith("NS0109")  # the section holds the login finding


# ---- 6. provenance in every output -----------------------------------------------------------------------
def test_6_a_simulator_run_names_its_endpoint_everywhere(tmp_path: Path) -> None:
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "markdown", "sarif")}
    done = invoke("run", "--demo", "--as-of", AS_OF, "--no-color", "-f", "text",
                  *(arg for fmt, path in files.items() for arg in ("-f", f"{fmt}:{path}")))
    header = "\n".join(done.output.splitlines()[:4])
    assert "read over REST, live, from http://127.0.0.1:" in header and "SIMULATOR" in header
    result = json.loads(files["json"].read_text())
    provenance = result["provenance"]
    assert provenance["source"] == "live" and provenance["endpoint_kind"] == "simulator"
    assert provenance["endpoint"].startswith("http://127.0.0.1:")
    for fmt in ("html", "markdown"):
        text = files[fmt].read_text()
        assert provenance["endpoint"] in text and "SIMULATOR" in text, fmt
    sarif = json.loads(files["sarif"].read_text())
    assert sarif["runs"][0]["properties"]["provenance"] == provenance


def test_6_junit_names_the_endpoint(tmp_path: Path) -> None:
    junit = tmp_path / "r.xml"
    invoke("run", "--demo", "--as-of", AS_OF, "-f", f"junit:{junit}")
    text = junit.read_text()
    assert 'name="provenance.source" value="live"' in text and "SIMULATOR, not NetSuite" in text


def test_6_a_snapshot_run_names_the_snapshot_its_digest_and_collection(tmp_path: Path) -> None:
    snap = tmp_path / "a.json"
    assert invoke("snapshot", "--demo", "-o", str(snap)).exit_code == 0
    collected = json.loads(snap.read_text())["collected_at"]
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "markdown", "sarif")}
    done = invoke("run", "--snapshot", str(snap), "--workspace", str(DEMO_WORKSPACE), "--no-color",
                  "-f", "text", *(arg for fmt, path in files.items() for arg in ("-f", f"{fmt}:{path}")))
    import hashlib

    digest = hashlib.sha256(snap.read_bytes()).hexdigest()
    assert f"read over REST, snapshot {snap} (sha256 {digest[:12]}" in " ".join(done.output.split())
    provenance = json.loads(files["json"].read_text())["provenance"]
    assert provenance["source"] == "snapshot"
    assert provenance["snapshot"]["sha256"] == digest
    assert provenance["snapshot"]["collected_by"].startswith("nsaudit ")
    assert provenance["snapshot"]["collected_at"][:16] == collected[:16]
    html = files["html"].read_text()
    assert "Snapshot collected" in html and collected[:10] in html and "a.json" in html
    assert "Snapshot collected" in files["markdown"].read_text()
    assert json.loads(files["sarif"].read_text())["runs"][0]["properties"]["provenance"] == provenance


# ---- 4. a pending report never "exports cleanly" beside a finding that stops every sync -----------------
def _clean_reports(tmp_path: Path) -> Path:
    """Two copies of the demo's first report under new ids: nothing is wrong with them but the account."""
    first = json.loads((FIXTURES / "reports" / "demo.json").read_text())["reports"][0]
    path = tmp_path / "reports.json"
    path.write_text(json.dumps({"reports": [{**first, "id": "R100"}, {**first, "id": "R101"}]}))
    return path


def test_4_reports_are_blocked_until_the_critical_findings_are_fixed(tmp_path: Path) -> None:
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "markdown")}
    done = invoke("run", "--demo", "--as-of", AS_OF, "--reports", str(_clean_reports(tmp_path)), "--no-color",
                  "-f", "text", *(arg for fmt, path in files.items() for arg in ("-f", f"{fmt}:{path}")))
    words = " ".join(done.output.split())
    assert "exports cleanly: R100" not in words and "0 export cleanly" in words
    assert "every report is blocked until" in words and "NS0377" in words and "(they stop every sync)" in words
    verdicts = json.loads(files["json"].read_text())["report_verdicts"]
    assert {v["report_id"] for v in verdicts} == {"R100", "R101"}
    for verdict in verdicts:
        assert verdict["exports_cleanly"] is False and "NS0377" in verdict["blocked_by"]
    for fmt in ("html", "markdown"):
        assert "no: blocked until" in files[fmt].read_text(), fmt


# ---- 5. one definition of each count, used by every output -------------------------------------------------
def _passed_list(text: str) -> list[str]:
    block = " ".join(text.split("\nPassed (", 1)[1].split("\n\n", 1)[0].split("\nNot run", 1)[0].split())
    names = re.sub(r" \([^)]*\)", "", block.split("): ", 1)[1])  # the notes beside a name
    return names.split(", ")


def test_5_counts_agree_across_outputs_with_mutes(tmp_path: Path) -> None:
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("mutes:\n  - check: vendor-currency\n    reason: r\n    owner: o\n    expires: 2099-01-01\n"
                     "  - check: project-active\n    reason: accepted\n    owner: o@example.com\n"
                     "    expires: 2099-01-01\n")
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "markdown", "csv")}
    done = invoke("run", "--demo", "--as-of", AS_OF, "--mutes", str(mutes), "--no-color", "-f", "text",
                  *(arg for fmt, path in files.items() for arg in ("-f", f"{fmt}:{path}")))
    result = json.loads(files["json"].read_text())
    counts = result["summary"]["checks"]
    words = " ".join(done.output.split())
    assert f"{counts['passed']} passed, {counts['failed']} failed" in words
    passed = _passed_list(done.output)
    assert len(passed) == counts["passed"]
    assert "project-active" in passed  # its only finding was muted: accepted, so passed
    assert f"Passed ({counts['passed']} checks)" in words
    assert json.loads(files["sarif"].read_text())["runs"][0]["properties"]["checkCounts"]["passed"] == counts["passed"]
    junit = files["junit"].read_text()
    assert f'name="checks.passed" value="{counts["passed"]}"' in junit
    assert f"{counts['passed']} passed" in " ".join(files["markdown"].read_text().split())
    import csv

    rows = list(csv.DictReader(files["csv"].read_text().splitlines()))
    by_check = {row["check_id"]: row["check_outcome"] for row in rows}
    assert sum(1 for outcome in by_check.values() if outcome == "passed") == counts["passed"]
    assert sum(1 for outcome in by_check.values() if outcome == "failed") == counts["failed"]


def test_5_info_findings_never_make_a_check_failed_and_a_failing_check_is_never_passed(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = invoke("run", "--demo", "--as-of", AS_OF, "--no-color", "-f", "text", "-f", f"json:{out}")
    result = json.loads(out.read_text())
    counts = result["summary"]["checks"]
    info_only = {f["check_id"] for f in result["findings"] if f["severity"] == "info" and f["status"] == "WARN"}
    assert info_only == {"soap-retirement", "tba-retirement"}
    assert counts["informational"] == 2
    failing = {f["check_id"] for f in result["findings"] if f["status"] in ("FAIL", "WARN", "ERROR")
               and f["severity"] != "info"}
    assert counts["failed"] == len(failing)
    passed = _passed_list(done.output)
    assert not set(passed) & (failing | info_only)
    words = " ".join(done.output.split())
    assert f"{counts['failed']} failed, 2 for information" in words
    assert "classification-query (its own part passed; NS0384 found by" in words


# ---- 8/9. text wraps at the width, keeps each finding's hint, fits its budget ---------------------------
def test_8_9_the_budgets_stay() -> None:
    assert DEMO_BUDGET <= 150 and LOGIN_BUDGET <= 60  # lines at 80 columns; lowering them is fine, raising is not


def test_8_the_demo_fits_80_columns_and_150_lines_and_cuts_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = invoke("run", "--demo", "--as-of", AS_OF, "--no-color", "-f", "text", "-f", f"json:{out}")
    lines = done.output.splitlines()
    assert len(lines) <= DEMO_BUDGET, len(lines)
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.output  # nothing cut mid-word
    words = " ".join(done.output.split())
    result = json.loads(out.read_text())
    for finding in result["findings"]:  # every open finding's message in full (info: its title, one line)
        if finding["status"] in ("FAIL", "WARN") and finding["severity"] != "info":
            assert " ".join(finding["message"].split()) in words, finding["id"]
    info = [line for line in lines if "Integration's SOAP use" in line or "Integration login against" in line]
    assert len(info) == 2  # one line each


def test_8_the_hint_that_explains_a_finding_stays_on_its_line(demo_server: SimServer, tmp_path: Path) -> None:
    workspace = tmp_path / "w.toml"
    workspace.write_text(DEMO_WORKSPACE.read_text().replace("subsidiary = 2 ", 'subsidiary = "Northwind U.S." ', 1))
    done = invoke("run", "--workspace", str(workspace), "--no-color", "--as-of", AS_OF, env=_env(demo_server))
    words = " ".join(done.output.split())
    assert "subsidiary 'Northwind U.S.'" in words
    assert "Closest in NetSuite: Northwind US" in words


def _failed_login_screen(env: dict[str, str]) -> tuple[list[str], str]:
    """The text of a run whose login fails, held to its budget: (lines, words)."""
    done = invoke("run", "--workspace", str(DEMO_WORKSPACE), "--no-color", "--as-of", AS_OF, env=env)
    lines = done.output.splitlines()
    assert done.exit_code == 3
    assert len(lines) <= LOGIN_BUDGET, len(lines)
    assert max(len(line) for line in lines) <= 80
    return lines, " ".join(done.output.split())


def test_9_a_failed_login_fits_60_lines_with_the_login_finding_complete(demo_server: SimServer) -> None:
    lines, words = _failed_login_screen({**_env(demo_server), "NSAUDIT_TOKEN_SECRET": "not-the-secret"})
    assert "NetSuite refused the token over SOAP" in words and "Login Audit Trail does." in words
    assert "5) If anything changed" in words  # every fix step
    info = [line for line in lines if "Integration's SOAP use" in line or "Integration login against" in line]
    assert len(info) == 2 and "Oracle removes SOAP" not in words  # info: one line each, not in full


def test_9_a_revoked_token_in_a_sandbox_fits_60_lines_with_the_login_finding_complete() -> None:
    """The issue's own case: a revoked token on a sandbox (the diagnosis adds the sandbox-refresh cause)."""
    data = account_data("demo")
    data["tokens"][0]["revoked"] = True
    data["account_id"] = "1234567_SB1"
    with serve(data) as server:
        _, words = _failed_login_screen({**_env(server), "NSAUDIT_ACCOUNT": "1234567_SB1"})
    assert "This is a sandbox" in words and "Login Audit Trail does." in words  # the login finding, whole
    assert "5 not run (--verbose lists them)" in words


# ---- 7. `nsaudit snapshot` collects what `run` reads, with or without a workspace ---------------------------
def _findings(path: Path) -> set[tuple[str, str, str | None, str]]:
    result = json.loads(path.read_text())
    return {(f["check_id"], f["status"], f["code"], json.dumps(f["subject"], sort_keys=True))
            for f in result["findings"]}


@pytest.mark.parametrize("snapshot_args", [["--restlet", "1:1"], ["--workspace", str(DEMO_WORKSPACE)]],
                         ids=["restlet-without-workspace", "workspace"])
def test_7_the_snapshot_recipe_gives_the_findings_of_run(demo_server: SimServer, tmp_path: Path,
                                                         snapshot_args: list[str]) -> None:
    env = _env(demo_server)
    live = tmp_path / "live.json"
    invoke("run", "--workspace", str(DEMO_WORKSPACE), "--as-of", AS_OF, "-f", f"json:{live}", env=env)
    snap = tmp_path / "a.json"
    taken = invoke("snapshot", "-o", str(snap), *snapshot_args, env=env)
    assert taken.exit_code == 0 and "RESTlet read" in taken.output
    offline = tmp_path / "offline.json"
    invoke("run", "--snapshot", str(snap), "--workspace", str(DEMO_WORKSPACE), "--as-of", AS_OF,
           "-f", f"json:{offline}")
    assert _findings(offline) == _findings(live)
    assert ("multi-currency", "FAIL", "NS0469", json.dumps({"id": "MULTICURRENCY", "kind": "feature",
                                                           "name": "Multiple Currencies"}, sort_keys=True)) \
        in _findings(offline)


def test_7_a_snapshot_without_the_restlet_says_so_and_the_run_from_it_warns(demo_server: SimServer,
                                                                            tmp_path: Path) -> None:
    snap = tmp_path / "a.json"
    taken = invoke("snapshot", "-o", str(snap), env=_env(demo_server))
    assert "no RESTlet named" in " ".join(taken.output.split())
    out = tmp_path / "r.json"
    done = invoke("run", "--snapshot", str(snap), "--workspace", str(DEMO_WORKSPACE), "--no-color",
                  "-f", "text", "-f", f"json:{out}")
    warning = "the snapshot a.json was taken without the RESTlet named here (script 1, deploy 1)"
    assert warning in " ".join(done.output.split())
    assert any(warning in w for w in json.loads(out.read_text())["warnings"])


def test_7_a_malformed_restlet_is_one_line_exit_2(tmp_path: Path) -> None:
    done = invoke("snapshot", "--demo", "-o", str(tmp_path / "a.json"), "--restlet", "script1")
    assert done.exit_code == 2 and "--restlet" in done.output and "Traceback" not in done.output


# ---- 10. the small items ------------------------------------------------------------------------------------
def test_10_a_space_around_a_secret_is_pointed_out_never_shown() -> None:
    env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck", "NSAUDIT_CONSUMER_SECRET": "cs",
           "NSAUDIT_TOKEN_ID": "ti", "NSAUDIT_TOKEN_SECRET": "Zq7SecretValue ",
           "NSAUDIT_BASE_URL": f"http://127.0.0.1:{_closed_port()}"}
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("NSAUDIT_")}
    done = subprocess.run([sys.executable, "-m", "netsuite_audit", "run", "--check", "login", "--no-color",
                           "--timeout", "5"], env={**clean, **env}, capture_output=True, text=True, timeout=120)
    pointed = [line for line in done.stderr.splitlines() if "NSAUDIT_TOKEN_SECRET" in line]
    assert len(pointed) == 1 and "env NSAUDIT_TOKEN_SECRET ends with a space" in pointed[0]
    assert "Zq7SecretValue" not in done.stdout + done.stderr


def test_10_a_mistyped_workspace_key_gets_did_you_mean(tmp_path: Path) -> None:
    workspace = tmp_path / "w.toml"
    workspace.write_text(DEMO_WORKSPACE.read_text().replace("\ndefault_vendor", "\ndefualt_vendor", 1))
    done = invoke("run", "--demo", "--workspace", str(workspace))
    assert done.exit_code == 2
    assert "export.defualt_vendor" in done.output and "(did you mean default_vendor?)" in done.output


def test_10_report_given_a_snapshot_says_what_to_do(tmp_path: Path) -> None:
    snap = tmp_path / "a.json"
    invoke("snapshot", "--demo", "-o", str(snap))
    done = invoke("report", str(snap), "--format", "html")
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert f"this is a snapshot (what nsaudit snapshot writes), not a result; audit it with nsaudit run --snapshot " \
           f"{snap}" in done.output
    assert "schema_version" not in done.output


def test_10_sim_serve_on_a_port_in_use_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = invoke("sim", "serve", "--account", str(FIXTURES / "accounts" / "demo.json"), "--port", str(port))
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert len(lines) == 1 and f"port {port} on 127.0.0.1 is in use by another program" in lines[0]
    assert "--port" in lines[0]


def test_3_a_run_where_every_selected_check_was_not_run_is_never_clean(demo_server: SimServer) -> None:
    # no --check (nothing named), but --skip leaves only checks that need a workspace, and none is given
    done = invoke("run", "--no-color", "--skip", "critical", "--skip", "medium", "--skip", "info",
                  "--skip", "low", "--skip", "project-*", "--skip", "classification-*", "--skip", "customer-*",
                  "--skip", "billable-coding", "--skip", "report-*", env=_env(demo_server))
    words = " ".join(done.output.split())
    assert "0 passed, 0 failed" in words, words[:400]
    assert "none of the selected checks could run" in words
    assert done.exit_code == 3
