"""Adaptive concurrency: the gate halves on a refusal, grows back by one, never leaves 1..configured;
against the simulator at account limits 1, 2 and 5 with 30% injected refusals the audit finds the
same things, meets far fewer refusals than a fixed gate did, and stays within the limit once refused."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from netsuite_audit.audit.model import Finding
from netsuite_audit.collect.collector import Collector
from netsuite_audit.netsuite.adaptive import AdaptiveGate, Outcome, grow_after, probe_after
from netsuite_audit.netsuite.errors import ConcurrencyLimited
from netsuite_audit.netsuite.transport import RetryPolicy, Slot, call_with_retry
from netsuite_audit.render.text import render_text
from netsuite_audit.result import Selection, build_result
from netsuite_audit.simulator.faults import FaultPlan
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.snapshot import AccountSnapshot
from tests.collect.test_resilience import _comparable, audit_demo
from tests.support.e2e import account_data, serve

# -- the gate on its own --------------------------------------------------------------------------


def _refuse(gate: AdaptiveGate, slot: Slot) -> None:
    gate.give_back(slot, Outcome.REFUSED)


def _take(gate: AdaptiveGate, count: int) -> list[Slot]:
    slots = [gate.take(timeout=0.1) for _ in range(count)]
    assert all(s is not None for s in slots)
    return [s for s in slots if s is not None]


def test_a_refusal_halves_the_limit_once_per_burst() -> None:
    gate = AdaptiveGate(8)
    slots = _take(gate, 8)
    # The refusals of one burst: the first halves, later ones of the same burst do not halve again.
    _refuse(gate, slots[7])
    assert gate.limit == 4
    _refuse(gate, slots[6])
    assert gate.limit == 4
    use = gate.use()
    assert (use.refusals, use.decreases, use.final, use.lowest, use.configured) == (2, 1, 4, 4, 8)


def test_a_refusal_with_few_of_ours_in_flight_goes_down_to_that() -> None:
    gate = AdaptiveGate(8)
    slots = _take(gate, 3)
    _refuse(gate, slots[2])  # refused with 3 of ours in flight: the account had room for 2 of them
    assert gate.limit == 2
    # A request of the same burst refused with only one of ours in flight brings it down to 1.
    _refuse(gate, slots[0])
    assert gate.limit == 1
    assert gate.use().lowest == 1


def test_the_limit_never_goes_below_one() -> None:
    gate = AdaptiveGate(1)
    for _ in range(5):
        (slot,) = _take(gate, 1)
        _refuse(gate, slot)
    assert gate.limit == 1
    assert gate.use().refusals == 5


def test_the_limit_grows_back_by_one_after_a_run_of_successes_up_to_the_ceiling() -> None:
    gate = AdaptiveGate(6)
    slots = _take(gate, 5)
    _refuse(gate, slots[4])  # ceiling 4, limit min(6 // 2, 4) = 3
    for slot in slots[:4]:
        gate.give_back(slot, Outcome.OTHER)
    assert (gate.limit, gate.ceiling) == (3, 4)
    for _ in range(grow_after(3) - 1):
        gate.give_back(gate.take(), Outcome.OK)
    assert gate.limit == 3
    gate.give_back(gate.take(), Outcome.OK)
    assert gate.limit == 4  # grown back by one
    for _ in range(grow_after(4) * 3):
        gate.give_back(gate.take(), Outcome.OK)
    assert gate.limit == 4  # not above the ceiling where the account refused ...
    for _ in range(probe_after(4)):
        gate.give_back(gate.take(), Outcome.OK)
    assert gate.limit == 5  # ... until a long run of successes says the account has room again


def test_the_limit_never_grows_above_the_configured_concurrency() -> None:
    gate = AdaptiveGate(2)
    for _ in range(200):
        gate.give_back(gate.take(), Outcome.OK)
    assert gate.limit == 2
    assert gate.use().decreases == 0


def test_a_lower_limit_holds_back_new_requests_until_enough_finish() -> None:
    gate = AdaptiveGate(4)
    slots = _take(gate, 4)
    _refuse(gate, slots[3])  # limit 2, and 3 of ours are still in flight
    assert gate.take(timeout=0.05) is None
    gate.give_back(slots[0], Outcome.OK)
    assert gate.take(timeout=0.05) is None  # 2 in flight: still full
    gate.give_back(slots[1], Outcome.OK)
    assert gate.take(timeout=0.05) is not None


def test_call_with_retry_reports_refusals_to_the_gate() -> None:
    gate = AdaptiveGate(4)
    calls = 0
    lock = threading.Lock()

    def fn() -> str:
        nonlocal calls
        with lock:
            calls += 1
            mine = calls
        if mine == 1:
            raise ConcurrencyLimited("busy", code="CONCURRENCY_LIMIT_EXCEEDED", status=429)
        return "ok"

    policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002, jitter=0.0)
    assert call_with_retry(fn, policy, gate=gate) == "ok"
    use = gate.use()
    assert use.refusals == 1 and use.final == 1 and gate.in_flight == 0


# -- against the simulator --------------------------------------------------------------------------

CLIENT_CONCURRENCY = 8  # configured above every account limit tested: the limit is not known in advance
INJECTED = FaultPlan(concurrency=0.30)
LATENCY_MS = 100
# Concurrency refusals per run with the fixed gate this replaced (nsaudit before issue 14), measured on
# this account with the same settings (client concurrency 8, 30% injected refusals, 100 ms latency,
# seed 3), three runs each: limit 1: 75, 74, 72 (and 2-3 tables given up as ERROR); limit 2: 46, 47, 49;
# limit 5: 27, 27, 28. The lowest of each is kept.
FIXED_GATE_REFUSALS = {1: 72, 2: 46, 5: 27}
# The refusals are met on purpose (30% of requests are refused); patient retries keep a table from
# being given up, so the findings can be compared.
PATIENT = RetryPolicy(attempts=12, base_delay=0.01, max_delay=0.1, jitter=0.5, timeout=10.0)


def _collect(server: SimServer) -> tuple[list[Finding], Collector, AccountSnapshot]:
    return audit_demo(server, concurrency=CLIENT_CONCURRENCY, retry=PATIENT)


@pytest.fixture(scope="module")
def clean() -> list[dict[str, Any]]:
    with serve(account_data("demo"), concurrency=CLIENT_CONCURRENCY) as server:
        findings, collector, _ = _collect(server)
    assert collector.network_use().refusals == 0
    return _comparable(findings)


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_adaptive_concurrency_against_a_busy_account(clean: list[dict[str, Any]], limit: int) -> None:
    with serve(account_data("demo"), concurrency=limit, faults=INJECTED, seed=3, latency_ms=LATENCY_MS) as server:
        findings, collector, snapshot = _collect(server)
        counters = server.counters
        errors = list(server.errors)
    assert not errors
    assert all(read.state != "error" for read in snapshot.reads.values()), snapshot.reads
    assert _comparable(findings) == clean
    refusals = counters.refusals.get("concurrency", 0) + counters.faults.get("concurrency", 0)
    assert counters.faults.get("concurrency", 0) > 0  # the injected refusals really happened
    # Far fewer refusals than the fixed gate met: at most half.
    assert refusals * 2 <= FIXED_GATE_REFUSALS[limit], refusals
    # Once the account's limit refused a request, never more than the limit in flight (server side) ...
    assert counters.max_in_flight_after_refusal <= limit
    # ... and the client says what it met and what it used.
    use = collector.network_use()
    assert use.refusals == refusals
    assert use.concurrency_configured == CLIENT_CONCURRENCY
    assert 1 <= use.concurrency_lowest <= use.concurrency_final <= CLIENT_CONCURRENCY
    assert use.concurrency_lowest <= limit
    assert use.calls == counters.total_requests


def test_the_result_and_the_text_report_show_the_concurrency_used() -> None:
    with serve(account_data("demo"), concurrency=2, latency_ms=20) as server:
        findings, collector, snapshot = _collect(server)
    use = collector.network_use()
    assert use.refusals > 0 and use.concurrency_lowest <= 2  # 8 configured against a limit of 2
    result = build_result(snapshot=snapshot, findings=findings, checks=[], skipped=[],
                          started_at=snapshot.collected_at, finished_at=snapshot.collected_at,
                          selection=Selection(), role=None, network=use)
    dumped = result.model_dump(mode="json")["network"]
    assert dumped["refusals"] == use.refusals and dumped["concurrency_configured"] == 8
    text = render_text(result, color=False, width=400)
    assert f"{use.refusals} concurrency refusal" in text
    assert f"went down to {use.concurrency_lowest}" in text
