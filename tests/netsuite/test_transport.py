"""Gate, RetryPolicy, CallStats and call_with_retry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    DeadlineExceeded,
    InvalidQuery,
    ServerError,
    TransportError,
)
from netsuite_audit.netsuite.transport import CallStats, Gate, RetryPolicy, call_with_retry

FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.005, jitter=0.0)


def failing(errors: list[Exception], result: str = "ok") -> tuple[Callable[[], str], list[int]]:
    """A function that raises the given errors in turn, then returns ``result``; counts its calls."""
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return fn, calls


# -- Gate -------------------------------------------------------------------------------------


def test_gate_never_exceeds_its_limit_under_threads() -> None:
    gate = Gate(3)
    lock = threading.Lock()
    current = 0
    peak = 0

    def work() -> None:
        nonlocal current, peak
        with gate:
            with lock:
                current += 1
                peak = max(peak, current)
            time.sleep(0.005)
            with lock:
                current -= 1

    threads = [threading.Thread(target=work) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak <= 3
    assert gate.max_in_flight <= 3
    assert gate.max_in_flight >= 2  # the threads really did overlap
    assert gate.in_flight == 0


def test_gate_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Gate(0)


def test_gate_acquire_times_out_when_full() -> None:
    gate = Gate(1)
    with gate:
        assert gate.acquire(timeout=0.01) is False
    assert gate.acquire(timeout=0.01) is True
    gate.release()


def test_call_with_retry_respects_the_gate_across_threads() -> None:
    gate = Gate(2)
    stats = CallStats()
    attempts = 0
    lock = threading.Lock()

    def fn() -> int:
        nonlocal attempts
        with lock:
            attempts += 1
            mine = attempts
        time.sleep(0.003)
        if mine % 3 == 0:
            raise ConcurrencyLimited("busy", code="CONCURRENCY_LIMIT_EXCEEDED")
        return mine

    threads = [
        threading.Thread(target=call_with_retry, args=(fn, FAST), kwargs={"gate": gate, "stats": stats})
        for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gate.max_in_flight <= 2
    assert stats.calls == attempts
    assert stats.retries == attempts - 12


def test_gate_is_released_while_waiting_to_retry() -> None:
    gate = Gate(1)
    failed_once = threading.Event()
    policy = RetryPolicy(attempts=2, base_delay=0.3, jitter=0.0)

    def fn() -> str:
        if not failed_once.is_set():
            failed_once.set()
            raise ServerError("boom")
        return "done"

    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(call_with_retry(fn, policy, gate=gate)))
    worker.start()
    assert failed_once.wait(1)
    # The worker now sleeps 0.3 s before retrying; the slot must be free meanwhile.
    assert gate.acquire(timeout=0.15) is True
    gate.release()
    worker.join()
    assert result == ["done"]


# -- RetryPolicy ------------------------------------------------------------------------------


def test_delays_grow_exponentially_and_cap() -> None:
    policy = RetryPolicy(base_delay=0.25, max_delay=1.0, jitter=0.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.25, 0.5, 1.0, 1.0, 1.0]


def test_jitter_stretches_delays_within_bounds() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=0.25)
    delays = [policy.delay(2) for _ in range(200)]
    assert all(2.0 <= d <= 2.5 for d in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize(
    "kwargs", [{"attempts": 0}, {"base_delay": -1.0}, {"jitter": -0.1}, {"timeout": 0.0}]
)
def test_bad_policy_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_request_timeout_is_shortened_by_the_deadline() -> None:
    now = time.monotonic()
    assert RetryPolicy(timeout=60).request_timeout() == 60
    assert RetryPolicy(timeout=60, deadline=now + 5).request_timeout(now) == pytest.approx(5)
    with pytest.raises(DeadlineExceeded):
        RetryPolicy(deadline=now - 1).request_timeout(now)


# -- call_with_retry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ConcurrencyLimited("429", code="CONCURRENCY_LIMIT_EXCEEDED", status=429),
        ServerError("500", status=500),
        TransportError("connection reset"),
    ],
    ids=["concurrency", "server", "transport"],
)
def test_retryable_errors_are_retried_then_succeed(error: Exception) -> None:
    fn, calls = failing([error, error])
    stats = CallStats()
    assert call_with_retry(fn, FAST, stats=stats, kind="suiteql") == "ok"
    assert len(calls) == 3
    assert (stats.calls, stats.retries, dict(stats.by_kind)) == (3, 2, {"suiteql": 3})


@pytest.mark.parametrize(
    "error",
    [AuthenticationError("401", code="INVALID_LOGIN"), InvalidQuery("bad"), ValueError("bug")],
    ids=["auth", "query", "plain"],
)
def test_non_retryable_errors_propagate_at_once(error: Exception) -> None:
    fn, calls = failing([error])
    with pytest.raises(type(error)) as caught:
        call_with_retry(fn, FAST)
    assert caught.value is error
    assert len(calls) == 1


def test_last_error_propagates_when_attempts_run_out() -> None:
    errors = [ServerError(f"fail {n}", status=503) for n in range(4)]
    fn, calls = failing(errors)
    with pytest.raises(ServerError) as caught:
        call_with_retry(fn, FAST)
    assert caught.value is errors[-1]
    assert len(calls) == 4


def test_deadline_stops_retrying() -> None:
    deadline = time.monotonic() + 0.2
    policy = RetryPolicy(attempts=50, base_delay=0.05, max_delay=0.05, jitter=0.0, deadline=deadline)
    fn, calls = failing([ConcurrencyLimited("busy", code="CONCURRENCY_LIMIT_EXCEEDED", status=429)] * 50)
    with pytest.raises(DeadlineExceeded) as caught:
        call_with_retry(fn, policy)
    # The deadline, not the 50-attempt budget, ended it: far fewer attempts than allowed were made
    # (at least one wait of 0.05 s fits before it; how many is the machine's business).
    assert 1 <= len(calls) < 10
    assert isinstance(caught.value.__cause__, ConcurrencyLimited)
    assert caught.value.code == "CONCURRENCY_LIMIT_EXCEEDED"
    assert caught.value.retryable is False


def test_no_attempt_starts_after_the_deadline() -> None:
    fn, calls = failing([])
    stats = CallStats()
    with pytest.raises(DeadlineExceeded):
        call_with_retry(fn, RetryPolicy(deadline=time.monotonic() - 0.01), stats=stats)
    assert calls == []
    assert stats.calls == 0


def test_waiting_for_the_gate_is_bounded_by_the_deadline() -> None:
    gate = Gate(1)
    fn, calls = failing([])
    with gate, pytest.raises(DeadlineExceeded):
        call_with_retry(fn, RetryPolicy(deadline=time.monotonic() + 0.05), gate=gate)
    assert calls == []


def test_call_stats_are_thread_safe() -> None:
    stats = CallStats()

    def work() -> None:
        for n in range(500):
            stats.record("soap" if n % 2 else "rest", retried=n % 5 == 0)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stats.calls == 4000
    assert stats.retries == 800
    assert stats.by_kind == {"rest": 2000, "soap": 2000}
    assert stats.as_dict()["calls"] == 4000
