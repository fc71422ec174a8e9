"""The simulator server itself: lifecycle, the shared concurrency gate, fault injection (429, 500,
dropped connections), counters, the process-wide registry, SOAP routing and ``nsaudit sim serve``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from requests_oauthlib import OAuth1

from netsuite_audit.netsuite.passport import passport_signature
from netsuite_audit.simulator.cli import sim as sim_group
from netsuite_audit.simulator.faults import FaultInjector, FaultKind, FaultPlan
from netsuite_audit.simulator.fixture import load_fixture
from netsuite_audit.simulator.server import SimServer, started_servers, total_write_attempts
from netsuite_audit.support.errors import InputError

SERVER_TIME = "/services/rest/system/v1/serverTime"
SOAP_PATH = "/services/NetSuitePort_2025_2"
CONCURRENCY_BODY = (
    '{"type":"https://www.rfc-editor.org/rfc/rfc6585.html#section-4","title":"Bad Request","status":429,'
    '"o:errorCode":"USER_ERROR" "o:errorDetails":[{"detail":"Concurrent request limit exceeded. '
    'Request blocked.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}'
)
TbaFactory = Callable[..., OAuth1]


def get_time(server: SimServer, auth: OAuth1) -> requests.Response:
    return requests.get(server.url + SERVER_TIME, auth=auth, timeout=5)


def soap_envelope(server: SimServer, token_id: int, operation: str = "getServerTime") -> bytes:
    fixture = server.fixture
    token = next(t for t in fixture.tokens if t.id == token_id)
    integration = next(i for i in fixture.integrations if i.id == token.integration)
    nonce, stamp = os.urandom(10).hex(), str(int(time.time()))
    signature = passport_signature(
        account=fixture.account.realm, consumer_key=integration.consumer_key, token=token.token_id,
        nonce=nonce, timestamp=stamp, consumer_secret=integration.consumer_secret,
        token_secret=token.token_secret,
    )
    msgs = "urn:messages_2025_2.platform.webservices.netsuite.com"
    core = "urn:core_2025_2.platform.webservices.netsuite.com"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap-env:Header><m:tokenPassport xmlns:m="{msgs}" xmlns:c="{core}">'
        f"<c:account>{fixture.account.realm}</c:account><c:consumerKey>{integration.consumer_key}</c:consumerKey>"
        f"<c:token>{token.token_id}</c:token><c:nonce>{nonce}</c:nonce><c:timestamp>{stamp}</c:timestamp>"
        f'<c:signature algorithm="HMAC-SHA256">{signature}</c:signature>'
        "</m:tokenPassport></soap-env:Header>"
        f'<soap-env:Body><m:{operation} xmlns:m="{msgs}"/></soap-env:Body></soap-env:Envelope>'
    ).encode()


def post_soap(server: SimServer, body: bytes, operation: str = "getServerTime") -> requests.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{operation}"'}
    return requests.post(server.url + SOAP_PATH, data=body, headers=headers, timeout=5)


# ------------------------------------------------------------------------------------ lifecycle
def test_start_stop_and_url(mini_fixture: Any) -> None:
    with SimServer(mini_fixture) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.port > 0
        assert requests.get(server.url + "/", timeout=5).status_code == 404
        url = server.url
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/", timeout=2)
    assert server in started_servers()


def test_server_accepts_a_fixture_path(sim_server: Any, healthy_fixture: Path, tba: TbaFactory) -> None:
    server = sim_server(healthy_fixture)
    assert server.concurrency == server.fixture.concurrency_limit
    assert get_time(server, tba(server, 1)).status_code == 200


def test_bad_fixture_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        SimServer(tmp_path / "missing.json")


def test_every_response_has_a_date_header(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account, faults=FaultPlan(server_error=1.0))
    assert requests.get(server.url + SERVER_TIME, timeout=5).headers["Date"].endswith("GMT")


# ---------------------------------------------------------------------------------- concurrency
def fire(count: int, call: Callable[[], requests.Response]) -> list[requests.Response]:
    results: list[requests.Response] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run() -> None:
        barrier.wait()
        response = call()
        with lock:
            results.append(response)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def test_concurrency_limit_refuses_the_excess_with_oracles_body(
    sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory
) -> None:
    server = sim_server(mini_account, latency_ms=400, concurrency=2)
    responses = fire(6, lambda: get_time(server, tba(server, 1)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) >= 2 and statuses.count(429) >= 1, statuses
    assert set(statuses) <= {200, 429}
    refused = [r for r in responses if r.status_code == 429]
    assert all(r.text == CONCURRENCY_BODY for r in refused)
    counts = server.counters
    assert counts.refusals["concurrency"] == len(refused)
    assert counts.max_in_flight >= 3  # more than the limit arrived at once
    assert counts.in_flight == 0
    assert counts.requests == {"rest.serverTime": 6}
    # Refused requests never reached the login check.
    assert len(server.trail) == statuses.count(200)


def test_concurrency_gate_is_shared_by_rest_and_soap(
    sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory
) -> None:
    server = sim_server(mini_account, latency_ms=400, concurrency=1)
    holder = threading.Thread(target=lambda: get_time(server, tba(server, 1)))
    holder.start()
    deadline = time.monotonic() + 2
    while server.counters.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    response = post_soap(server, soap_envelope(server, 1))
    holder.join()
    assert response.status_code == 500
    assert "exceededConcurrentRequestLimitFault" in response.text
    assert "WS_REQUEST_BLOCKED" in response.text
    assert server.counters.refusals == {"concurrency": 1}


def test_soap_requests_are_routed_and_counted(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    response = post_soap(server, soap_envelope(server, 1))
    assert response.status_code == 200, response.text
    assert "getServerTimeResult" in response.text
    assert server.counters.requests == {"soap.getServerTime": 1}
    entry = server.trail.last()
    assert entry is not None and entry.success and entry.protocol == "soap"


def test_soap_kind_falls_back_to_the_body(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    body = soap_envelope(server, 1)
    requests.post(server.url + SOAP_PATH, data=body, headers={"Content-Type": "text/xml"}, timeout=5)
    assert server.counters.requests == {"soap.getServerTime": 1}


# ------------------------------------------------------------------------------------- faults
def test_injected_server_errors(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory) -> None:
    server = sim_server(mini_account, faults=FaultPlan(server_error=1.0))
    response = get_time(server, tba(server, 1))
    assert response.status_code == 500
    body = response.json()
    assert body["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
    assert body["o:errorDetails"][0]["detail"].startswith("An unexpected error occurred.")
    soap = post_soap(server, soap_envelope(server, 1))
    assert soap.status_code == 500 and "unexpectedErrorFault" in soap.text
    assert server.counters.faults == {"5xx": 2}
    assert len(server.trail) == 0


def test_injected_concurrency_faults(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory) -> None:
    server = sim_server(mini_account, faults=FaultPlan(concurrency=1.0))
    response = get_time(server, tba(server, 1))
    assert (response.status_code, response.text) == (429, CONCURRENCY_BODY)
    restlet = requests.get(server.url + "/app/site/hosting/restlet.nl", params={"script": 77, "deploy": 1},
                           auth=tba(server, 1), timeout=5)
    assert restlet.status_code == 400
    assert restlet.json()["error"]["code"] == "SSS_REQUEST_LIMIT_EXCEEDED"
    assert server.counters.faults == {"concurrency": 2}


def test_dropped_connections(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory) -> None:
    server = sim_server(mini_account, faults=FaultPlan(drop=1.0))
    with pytest.raises(requests.ConnectionError):
        get_time(server, tba(server, 1))
    with pytest.raises(requests.ConnectionError):
        requests.post(server.url + "/services/rest/query/v1/suiteql", json={"q": "SELECT id FROM employee"},
                      headers={"Prefer": "transient"}, auth=tba(server, 1), timeout=5)
    assert server.counters.faults == {"drop": 2}
    assert server.counters.in_flight == 0


def test_fault_draws_are_seeded_and_repeatable() -> None:
    plan = FaultPlan(concurrency=0.2, server_error=0.2, drop=0.2)
    first = [FaultInjector(plan, seed=7).draw() for _ in range(1)]
    a, b, c = FaultInjector(plan, seed=7), FaultInjector(plan, seed=7), FaultInjector(plan, seed=8)
    seq_a = [a.draw() for _ in range(200)]
    assert seq_a == [b.draw() for _ in range(200)]
    assert seq_a != [c.draw() for _ in range(200)]
    assert first[0] == seq_a[0]
    assert {FaultKind.CONCURRENCY, FaultKind.SERVER_ERROR, FaultKind.DROP, None} == set(seq_a)
    assert 40 < seq_a.count(None) < 120  # about 40 % pass


def test_partial_fault_rate_over_http(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory) -> None:
    server = sim_server(mini_account, faults=FaultPlan(server_error=0.5), seed=3)
    expected = [FaultInjector(FaultPlan(server_error=0.5), seed=3).draw() for _ in range(1)]
    statuses = [get_time(server, tba(server, 1)).status_code for _ in range(12)]
    assert {200, 500} == set(statuses)
    assert (statuses[0] == 500) == (expected[0] is FaultKind.SERVER_ERROR)
    assert server.counters.faults["5xx"] == statuses.count(500)


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ((), FaultPlan()),
        (("concurrency=0.1", "5xx=0.2", "drop=0.05"), FaultPlan(0.1, 0.2, 0.05)),
        (("429=1",), FaultPlan(concurrency=1.0)),
    ],
)
def test_fault_plan_parse(specs: tuple[str, ...], expected: FaultPlan) -> None:
    assert FaultPlan.parse(specs) == expected


@pytest.mark.parametrize("spec", ["slow=0.1", "drop", "drop=x", "drop=1.5", "5xx=-0.1"])
def test_fault_plan_parse_rejects(spec: str) -> None:
    with pytest.raises(InputError):
        FaultPlan.parse([spec])


def test_fault_rates_cannot_exceed_one() -> None:
    with pytest.raises(InputError):
        FaultPlan(concurrency=0.6, drop=0.6)


# ----------------------------------------------------------------------------------- registry
def test_expected_writes_are_left_out_of_the_suite_total(sim_server: Any, mini_account: dict[str, Any],
                                                         tba: TbaFactory) -> None:
    before = total_write_attempts()
    server = sim_server(mini_account, expect_writes=True)
    requests.delete(server.url + "/services/rest/record/v1/customer/1", auth=tba(server, 1), timeout=5)
    assert server.counters.write_attempts == 1
    assert total_write_attempts() == before
    assert server in started_servers()


# ---------------------------------------------------------------------------------------- CLI
def test_cli_bad_fixture_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"account_id": "not an id"}', encoding="utf-8")
    result = CliRunner().invoke(sim_group, ["serve", "--account", str(bad)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")


def test_cli_bad_fault_rate_exit_2(healthy_fixture: Path) -> None:
    result = CliRunner().invoke(sim_group, ["serve", "--account", str(healthy_fixture), "--fault-rate", "x=1"])
    assert result.exit_code == 2


def test_cli_serve_prints_url_and_trail_then_stops_on_ctrl_c(healthy_fixture: Path, tba: TbaFactory) -> None:
    code = "from netsuite_audit.simulator.cli import sim; sim()"
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--account", str(healthy_fixture), "--concurrency", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=repo,
    )
    watchdog = threading.Timer(20, proc.kill)  # never let a stuck server hang the suite
    watchdog.start()
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first + (proc.stderr.read() if proc.stderr else "")
        url = first.rsplit(" ", 1)[1].strip()
        lines = [proc.stdout.readline() for _ in range(6)]
        assert f"export NSAUDIT_BASE_URL={url}\n" in [line.lstrip() for line in lines]
        # One good login with the integration token, then one with a wrong consumer secret.
        shadow = SimpleNamespace(fixture=load_fixture(healthy_fixture))  # only used to build signers
        assert requests.get(url + SERVER_TIME, auth=tba(shadow, 1), timeout=5).status_code == 200
        assert requests.get(url + SERVER_TIME, auth=tba(shadow, 1, consumer_secret="x"),
                            timeout=5).status_code == 401
        ok_line = proc.stdout.readline()
        bad_line = proc.stdout.readline()
        assert " ok " in ok_line
        assert "FAILED InvalidSignature" in bad_line
        for token in shadow.fixture.tokens:
            assert token.token_secret not in ok_line + bad_line
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        watchdog.cancel()
    assert proc.returncode == 0, err
    assert "stopped: 2 requests" in out
