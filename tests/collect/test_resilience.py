"""Resilience: a full audit through injected faults equals a clean one; concurrency stays within the
limit; every retry is freshly signed; a NetSuite that is down gives exit 3 and no verdicts; the
overall deadline is honoured. Bounded: every retry policy has a fixed attempt count or a deadline."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.audit.registry import load_checks
from netsuite_audit.cli import cli
from netsuite_audit.collect.collector import CollectOptions, Collector
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite import oauth
from netsuite_audit.netsuite.errors import AuthenticationError
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.simulator.demo import token_credentials
from netsuite_audit.simulator.faults import FaultPlan
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.simulator.trail import Cause
from netsuite_audit.snapshot import AccountSnapshot
from tests.support.e2e import account_data, serve, workspace_data

FAULTS = FaultPlan(concurrency=0.30, server_error=0.05, drop=0.02)
# 37% of requests fail; 12 attempts leave a chance of about 6e-6 per call that all of them fail.
PATIENT = RetryPolicy(attempts=12, base_delay=0.005, max_delay=0.05, jitter=0.5, timeout=10.0)
COLLECT_CONCURRENCY = 3
VOLATILE = {"elapsed_ms", "local_time", "server_time", "date_header", "skew_seconds", "clock_skew_seconds"}


def _stable(value: Any) -> Any:
    """Finding evidence without timings and clock readings, which differ between any two runs."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    return value


def _comparable(findings: list[Finding]) -> list[dict[str, Any]]:
    return [_stable(f.model_dump(mode="json")) for f in findings]


def audit_demo(server: SimServer, *, concurrency: int = COLLECT_CONCURRENCY,
               retry: RetryPolicy = PATIENT) -> tuple[list[Finding], Collector, AccountSnapshot]:
    """The demo account collected from ``server`` with both tokens and the RESTlet, then audited."""
    fixture = server.account.fixture
    creds = token_credentials(fixture, 0, server.url, "test")
    audit_creds = token_credentials(fixture, 1, server.url, "test-audit")
    restlet = (fixture.restlet.script, fixture.restlet.deploy) if fixture.restlet else None
    options = CollectOptions(concurrency=concurrency, retry=retry, restlet=restlet)
    collector = Collector(creds, audit_creds=audit_creds, options=options)
    snapshot = collector.collect()
    findings, _ = run_checks(load_checks(), snapshot, Workspace.model_validate(workspace_data("demo")))
    return findings, collector, snapshot


@pytest.fixture(scope="module")
def clean() -> list[dict[str, Any]]:
    with serve(account_data("demo")) as server:
        findings, collector, _ = audit_demo(server)
    assert collector.stats.retries == 0
    return _comparable(findings)


@pytest.mark.parametrize("seed", [1, 2])
def test_faults_do_not_change_the_findings(clean: list[dict[str, Any]], seed: int) -> None:
    with serve(account_data("demo"), faults=FAULTS, seed=seed) as server:
        findings, collector, snapshot = audit_demo(server)
        counters = server.counters
        causes = server.trail.causes()
        errors = list(server.errors)
    assert not errors
    # The faults really happened and were retried through.
    assert counters.faults.get("concurrency", 0) > 0 and counters.faults.get("5xx", 0) > 0
    assert collector.stats.retries >= sum(counters.faults.values()) > 0
    assert all(read.state != "error" for read in snapshot.reads.values()), snapshot.reads
    assert _comparable(findings) == clean
    # Never above the configured limit, seen from both sides.
    assert collector.gate.max_in_flight <= COLLECT_CONCURRENCY
    assert counters.max_in_flight <= COLLECT_CONCURRENCY
    assert counters.refusals.get("concurrency", 0) == 0
    # Every attempt, retries included, carried a fresh nonce (NetSuite refuses a reused one).
    assert Cause.NONCE_USED.value not in causes


def test_a_reused_nonce_would_be_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the nonce assertion above: a signer that repeats its nonce is caught."""
    monkeypatch.setattr(oauth, "new_nonce", lambda: "SameNonce0123456789")
    with serve(account_data("demo")) as server:
        creds = token_credentials(server.account.fixture, 0, server.url, "test")
        client = RestClient(creds, retry=RetryPolicy(attempts=1, timeout=5.0))
        client.server_time()
        with pytest.raises(AuthenticationError):
            client.server_time()
        assert Cause.NONCE_USED.value in server.trail.causes()


# ---- NetSuite down ------------------------------------------------------------------------------
def _dead_url() -> str:
    """A loopback URL with nothing listening (a port just released by the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _stopped_url() -> str:
    server = SimServer(Path(__file__).resolve().parents[2] / "fixtures" / "accounts" / "demo.json").start()
    url = server.url
    server.stop()
    return url


def _env(url: str) -> dict[str, str]:
    return {
        "NSAUDIT_ACCOUNT": "1234567",
        "NSAUDIT_CONSUMER_KEY": "ck-down-test-0001",
        "NSAUDIT_CONSUMER_SECRET": "cs-down-test-secret",
        "NSAUDIT_TOKEN_ID": "tk-down-test-0001",
        "NSAUDIT_TOKEN_SECRET": "ts-down-test-secret",
        "NSAUDIT_BASE_URL": url,
        "NSAUDIT_PROFILES_FILE": "/nonexistent/profiles.toml",
    }


@pytest.mark.parametrize("where", [_dead_url, _stopped_url], ids=["nothing-listening", "server-stopped"])
def test_run_with_netsuite_down_exits_3_without_verdicts(where: Any, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    # Keep the default attempt count but shorten the waits between them.
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, n: 0.01)
    workspace = Path(__file__).resolve().parents[2] / "fixtures" / "workspaces" / "demo.toml"
    out = tmp_path / "result.json"
    result = CliRunner().invoke(
        cli, ["run", "--workspace", str(workspace), "--no-progress", "-f", f"json:{out}", "-f", "text"],
        env=_env(where()), catch_exceptions=False,
    )
    assert result.exit_code == 3, result.output
    body = json.loads(out.read_text())
    statuses = {f["check_id"]: f["status"] for f in body["findings"]}
    # Checks that judge only the workspace or the reports (needs_login False) may still pass or fail.
    offline = {c.meta.id for c in load_checks() if not c.meta.needs_login and c.meta.id != "login"}
    online = {check: status for check, status in statuses.items() if check not in offline}
    assert len(online) > 20, statuses
    assert online["login"] in (Status.UNVERIFIABLE.value, Status.ERROR.value)
    verdicts = {check: status for check, status in online.items()
                if status not in (Status.UNVERIFIABLE.value, Status.ERROR.value)}
    assert not verdicts, f"checks gave a verdict without reading NetSuite: {verdicts}"


def test_the_overall_deadline_is_honoured() -> None:
    """A server that accepts connections and never answers: the deadline ends the run."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes the handshakes; nobody ever reads or answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with serve(account_data("demo")) as server:  # only for the credentials
            fixture = server.account.fixture
        creds = token_credentials(fixture, 0, url, "test")
        budget = 1.0
        # Without the deadline this policy would try 1000 times with waits of up to 0.2 s.
        policy = RetryPolicy(attempts=1000, base_delay=0.05, max_delay=0.2, jitter=0.1, timeout=5.0,
                             deadline=time.monotonic() + budget)
        collector = Collector(creds, options=CollectOptions(concurrency=2, retry=policy, restlet=(1, 1)))
        snapshot = collector.collect()
    assert not snapshot.login.any_ok
    for probe in (snapshot.login.rest, snapshot.login.soap):
        assert probe is not None and not probe.ok
        assert "deadline" in (probe.detail or "").lower(), probe.detail
    # Far fewer attempts than allowed: the deadline, not the attempt count, ended the retries.
    assert 2 <= collector.stats.calls < 200
    assert time.monotonic() < policy.deadline + 30  # type: ignore[operator]  # loose: no timing assertion


@pytest.mark.parametrize("where", [_dead_url, _stopped_url], ids=["nothing-listening", "server-stopped"])
def test_a_refused_connection_fails_fast(where: Any) -> None:
    """Nothing listening: no retries and no waiting (it took 36 s of retries before)."""
    url = where()
    with serve(account_data("demo")) as server:  # only for the credentials
        fixture = server.account.fixture
    creds = token_credentials(fixture, 0, url, "test")
    collector = Collector(creds, options=CollectOptions(concurrency=2, restlet=(1, 1)))
    started = time.monotonic()
    snapshot = collector.collect()
    assert time.monotonic() - started < 5
    for probe in (snapshot.login.rest, snapshot.login.soap):
        assert probe is not None and not probe.ok and probe.error == "network"
        assert "refused the connection" in (probe.detail or ""), probe.detail
    assert collector.stats.retries == 0
