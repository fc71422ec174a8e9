"""Failures that look like answers (issue 10 item 10): a read that failed in transit (429s after the
retries, a dropped or refused connection, a timeout, 5xx) is never reported as a missing permission,
says what happened, and makes the run exit 3 whatever --strict says."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.audit.registry import load_checks
from netsuite_audit.cli import cli
from netsuite_audit.collect.collector import CollectOptions, Collector
from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.http import SafeSession
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.result import exit_code, failed_in_transit
from netsuite_audit.simulator.demo import token_credentials
from netsuite_audit.simulator.faults import FaultPlan
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, workspace_data

DEMO = FIXTURES / "accounts" / "demo.json"
WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
REPORTS = FIXTURES / "reports" / "demo.json"
# The fault mix of the issue: sim serve --fault-rate concurrency=0.3 --fault-rate 5xx=0.05
# --fault-rate drop=0.02 --latency-ms 50.
FAULTS = FaultPlan(concurrency=0.3, server_error=0.05, drop=0.02)


def _env(creds: Credentials) -> dict[str, str]:
    return {"NSAUDIT_ACCOUNT": creds.account.realm, "NSAUDIT_CONSUMER_KEY": creds.consumer_key,
            "NSAUDIT_CONSUMER_SECRET": creds.consumer_secret.reveal(), "NSAUDIT_TOKEN_ID": creds.token_id,
            "NSAUDIT_TOKEN_SECRET": creds.token_secret.reveal(), "NSAUDIT_BASE_URL": creds.base_url,
            "NSAUDIT_PROFILES_FILE": "/nonexistent/profiles.toml"}


def _run(server: SimServer, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    creds = token_credentials(server.account.fixture, 0, server.url, "test")
    out = tmp_path / f"result-{id(server)}.json"
    result = CliRunner().invoke(
        cli, ["run", "--no-progress", "--workspace", str(WORKSPACE), "--reports", str(REPORTS),
              "-f", f"json:{out}", *extra], env=_env(creds), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(out.read_text())


def _findings(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((f["id"], f["status"], f.get("missing") or "") for f in body["findings"])


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    with SimServer(DEMO) as server:
        return _run(server, tmp_path_factory.mktemp("clean"))


@pytest.mark.parametrize("seed", [7, 3])
def test_fault_runs_give_the_clean_findings_or_exit_3(clean: tuple[int, dict[str, Any]], seed: int,
                                                      tmp_path: Path) -> None:
    """The issue's fault mix through the command line, with the default retry budget."""
    clean_code, clean_body = clean
    with SimServer(DEMO, faults=FAULTS, latency_ms=50, seed=seed) as server:
        code, body = _run(server, tmp_path)
        faults = dict(server.counters.faults)
    assert sum(faults.values()) > 0, "no fault was injected"
    if code == 3:  # allowed, but only with the transport named, never a permission
        assert any(f.get("evidence", {}).get("read_failures") for f in body["findings"])
    else:
        assert (code, _findings(body)) == (clean_code, _findings(clean_body))


class _BusyForCurrency(SafeSession):
    """Answers every SuiteQL read of the currency table with NetSuite's 429 (a fake, in front of the
    simulator); everything else goes to the simulator."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        body = kwargs.get("json") or {}
        if isinstance(body, dict) and "FROM currency" in str(body.get("q", "")):
            response = requests.Response()
            response.status_code = 429
            response._content = (b'{"type":"https://www.rfc-editor.org/rfc/rfc6585.html#section-4","title":'
                                 b'"Too Many Requests","status":429 "o:errorDetails":[{"detail":"Concurrent '
                                 b'request limit exceeded.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}')
            response.url = str(url)
            return response
        return super().request(method, url, *args, **kwargs)


def test_repeated_429s_are_not_a_missing_permission_and_exit_3() -> None:
    with SimServer(DEMO) as server:
        fixture = server.account.fixture
        creds = token_credentials(fixture, 0, server.url, "test")
        audit = token_credentials(fixture, 1, server.url, "test-audit")
        policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, timeout=10)
        collector = Collector(creds, audit_creds=audit, options=CollectOptions(retry=policy))
        collector.rest.session = _BusyForCurrency()
        snapshot = collector.collect()
    read = snapshot.reads["currency"]
    assert (read.state, read.failure) == ("error", "concurrency")
    assert "429" in (read.detail or "") and "after 3 attempts" in (read.detail or "")
    findings, _ = run_checks(load_checks(), snapshot, Workspace.model_validate(workspace_data("demo")))
    blocked = [f for f in findings if "currency" in f.evidence.get("tables", ())]
    assert blocked and all(f.status == Status.UNVERIFIABLE for f in blocked)
    for finding in blocked:
        assert "Currency" not in (finding.missing or ""), finding.missing
        assert "429" in finding.message and "not a permission problem" in finding.message
    # Exit 3 even without --strict (a CI gate must not turn green on a network fault).
    assert failed_in_transit(snapshot, findings)
    assert exit_code(findings, login_ok=True, fail_on=Severity.LOW, strict=False,
                     failed_in_transit=failed_in_transit(snapshot, findings)) == 3


def test_killing_the_simulator_mid_run_exits_3_with_transport_reasons(
        clean: tuple[int, dict[str, Any]], tmp_path: Path) -> None:
    _, clean_body = clean
    clean_missing = {f["id"]: f.get("missing") for f in clean_body["findings"] if f["status"] == "UNVERIFIABLE"}
    server = SimServer(DEMO, latency_ms=300).start()

    def kill_after_login() -> None:
        """Stop the simulator once both login probes have arrived and been answered."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen = server.counters.requests
            if seen.get("rest.serverTime") and any(k.startswith("soap.getServerTime") for k in seen):
                break
            time.sleep(0.01)
        time.sleep(0.45)
        server.stop()

    killer = threading.Thread(target=kill_after_login)
    killer.start()
    try:
        code, body = _run(server, tmp_path)
    finally:
        killer.join()
        server.stop()
    assert code == 3
    assert body["login_ok"] is True, "the simulator was meant to stop after the login"
    failed = [f for f in body["findings"] if f.get("evidence", {}).get("read_failures")]
    assert failed, "the stopped simulator should have cut some reads"
    for finding in body["findings"]:
        if finding["status"] != "UNVERIFIABLE" or finding["id"] in clean_missing:
            continue
        # A new UNVERIFIABLE comes from the cut connection: it never names a permission as missing.
        assert not re.search(r"\bpermission\b|Lists >|Setup >", finding.get("missing") or ""), finding
        assert not re.search(r"\([A-Z]+_[A-Z_]+\)", finding.get("missing") or ""), finding
