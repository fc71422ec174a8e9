"""Shared plumbing for the REST and SOAP clients: a concurrency gate, call counters and retries.

NetSuite counts SOAP, REST and RESTlet requests against one account-wide concurrency limit, so both
clients of one account share one :class:`Gate`. Retries follow Oracle's advice: wait, wait longer
each time, and spread the waits so parallel callers do not retry in step. Each attempt calls the
request function again, so every retry carries a new nonce and timestamp.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TypeVar

import requests
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception, stop_after_attempt

from netsuite_audit.netsuite.errors import ConcurrencyLimited, DeadlineExceeded, NetSuiteError, UnexpectedAnswer

log = logging.getLogger(__name__)

T = TypeVar("T")

# The most rows one query or search may promise (SuiteQL ``totalResults``, SOAP ``totalRecords``). Far
# above any table nsaudit reads on a real account (the largest, customers, reach a few million); a
# server that promises more is not answering the protocol, and queuing its pages would only fill
# memory until the time limit.
MAX_TOTAL_RESULTS = 50_000_000
# The most pages one search may promise (SOAP ``totalPages``): MAX_TOTAL_RESULTS rows in pages of 500.
MAX_TOTAL_PAGES = MAX_TOTAL_RESULTS // 500
# The most rows one run may accept, every table, transport and server together (SuiteQL pages, SOAP
# search pages, RESTlet answers, the Expensify download). The bounds above hold per query; this one
# holds for what the run keeps. 12 times the XXL benchmark account (400,000 rows over all tables, 1 GB
# peak RSS), and small enough that rows no account sends cannot take the machine: at about 460 bytes a
# small row (benchmarks/hostile_memory.py) a hostile server is stopped near 2.5 GB. An account past it
# sets ``NSAUDIT_MAX_ROWS`` (which also lowers it, to cap memory further).
MAX_ROWS_PER_RUN = 5_000_000


class RowsExceeded(UnexpectedAnswer):
    """The servers sent more rows in one run than the run's row budget allows."""


class RowBudget:
    """Rows accepted so far in one run, shared by every client of the run (it travels on the run's
    :class:`RetryPolicy`). Each accepted page takes its rows; past ``limit`` the page is refused with
    :class:`RowsExceeded`, a failure in transit ("could not audit"), whichever transport sent it."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_ROWS_PER_RUN if limit is None else limit
        self.taken = 0
        self._lock = threading.Lock()

    def take(self, rows: int, *, protocol: str | None = None) -> None:
        with self._lock:
            self.taken += rows
            taken = self.taken
        if taken > self.limit:
            raise RowsExceeded(
                f"the servers sent more than {self.limit:,} rows in this run; not what a NetSuite account "
                "answers for the tables nsaudit reads (nsaudit's bound per run; NSAUDIT_MAX_ROWS sets another)",
                code="TOO_MANY_ROWS", protocol=protocol)

    def __repr__(self) -> str:
        return f"RowBudget(limit={self.limit}, taken={self.taken})"


# requests' exceptions that mean "no usable answer arrived": both clients turn them into TransportError.
TRANSPORT_FAILURES: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header as an aware datetime (``None`` when absent or unreadable)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Slot:
    """One request slot taken from a :class:`Gate`: our requests in flight once it was taken (itself
    included), and the gate's limit epoch at that moment (an adaptive gate changes it with the limit)."""

    in_flight: int
    epoch: int = 0


class Gate:
    """At most ``limit`` requests in flight at once; counts the highest concurrency seen.

    Slots are handed out first come, first served: a thread that releases a slot and asks again at
    once queues behind the threads already waiting (a plain semaphore lets it barge ahead, which
    starves the waiting threads and the table reads they carry). ``limit`` is read on every hand-out,
    so a subclass may change it while requests run (``adaptive.AdaptiveGate``).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a Gate needs a limit of at least 1")
        self.limit = limit
        self._lock = threading.Lock()
        self._turns = threading.Condition(self._lock)
        self._queue: deque[object] = deque()
        self.in_flight = 0
        self.max_in_flight = 0

    def take(self, timeout: float | None = None) -> Slot | None:
        """Take a slot; with ``timeout`` give up (return None) after that many seconds."""
        ticket = object()
        with self._turns:
            self._queue.append(ticket)
            if not self._turns.wait_for(lambda: self._queue[0] is ticket and self.in_flight < self.limit,
                                        timeout):
                self._queue.remove(ticket)
                self._turns.notify_all()
                return None
            self._queue.popleft()
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            slot = Slot(self.in_flight, self._stamp())
            self._turns.notify_all()  # the next in line may take another free slot
        return slot

    def _stamp(self) -> int:
        return 0

    def give_back(self, slot: Slot | None, outcome: str = "other") -> None:
        """Give a slot back; ``outcome`` (``ok``, ``refused``, ``other``) is what the request met."""
        with self._turns:
            if self.in_flight < 1:
                raise ValueError("Gate released more often than acquired")
            self.in_flight -= 1
            self._turns.notify_all()

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a slot; with ``timeout`` give up (return False) after that many seconds."""
        return self.take(timeout) is not None

    def release(self) -> None:
        self.give_back(None)

    def __enter__(self) -> Gate:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Gate(limit={self.limit}, in_flight={self.in_flight}, max_in_flight={self.max_in_flight})"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try.

    The wait before retry ``n`` (1-based) is ``min(max_delay, base_delay * 2**(n-1))`` stretched by a
    random factor between 1 and ``1 + jitter``. ``timeout`` bounds one request (connect and read);
    ``deadline`` is an absolute ``time.monotonic()`` value after which no attempt starts.
    """

    # Ten attempts ride out an account where a third of the requests meet its concurrency limit
    # (0.37 ** 10 is about 5e-5 per request) while a hopeless request gives up within about 40 s.
    attempts: int = 10
    base_delay: float = 0.25
    max_delay: float = 8.0
    jitter: float = 0.25
    timeout: float = 60.0
    deadline: float | None = None
    deadline_label: str = "the deadline"  # how messages name the deadline, e.g. "the --timeout of 300 s"
    # The run's row budget: every client given this policy counts the rows it accepts against it.
    rows: RowBudget = field(default_factory=RowBudget, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.jitter) < 0 or self.timeout <= 0:
            raise ValueError("RetryPolicy delays must be >= 0 and the timeout > 0")

    def delay(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        base = min(self.max_delay, self.base_delay * 2 ** max(retry_number - 1, 0))
        return base * (1 + random.uniform(0, self.jitter))

    def request_timeout(self, now: float | None = None) -> float:
        """The timeout for one request: ``timeout``, shortened so it ends by the deadline.

        Raises ``DeadlineExceeded`` when the deadline has already passed.
        """
        if self.deadline is None:
            return self.timeout
        left = self.deadline - (time.monotonic() if now is None else now)
        if left <= 0:
            raise DeadlineExceeded(f"{self.deadline_label} passed before the request could start")
        return min(self.timeout, left)


class CallStats:
    """Thread-safe counters: ``calls`` (attempts made), ``retries`` (attempts that were retries) and
    ``by_kind`` (attempts per kind, e.g. ``"suiteql"``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.retries = 0
        self.by_kind: dict[str, int] = Counter()

    def record(self, kind: str, retried: bool = False) -> None:
        with self._lock:
            self.calls += 1
            if retried:
                self.retries += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def as_dict(self) -> dict[str, object]:
        with self._lock:
            return {"calls": self.calls, "retries": self.retries, "by_kind": dict(self.by_kind)}

    def __repr__(self) -> str:
        return f"CallStats(calls={self.calls}, retries={self.retries}, by_kind={dict(self.by_kind)})"


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, NetSuiteError) and exc.retryable


def _deadline_error(last: BaseException | None, attempts: int, label: str = "the deadline") -> DeadlineExceeded:
    if isinstance(last, NetSuiteError):
        return DeadlineExceeded(
            f"gave up at {label} after {attempts} attempt(s); last error: {last.message}",
            code=last.code,
            status=last.status,
            protocol=last.protocol,
            date_header=last.date_header,
        )
    return DeadlineExceeded(f"gave up at {label} after {attempts} attempt(s)")


def call_with_retry(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    stats: CallStats | None = None,
    kind: str = "",
    gate: Gate | None = None,
) -> T:
    """Call ``fn`` (inside ``gate``), retrying NetSuite errors marked retryable.

    ``fn`` is called afresh for each attempt. The gate is held only while ``fn`` runs, never while
    waiting to retry. Errors that are not retryable propagate at once; when the attempts run out the
    last error propagates; when the next attempt could not start before ``policy.deadline``,
    ``DeadlineExceeded`` is raised (chained to the last error).
    """
    deadline = policy.deadline
    deadline_hit = False

    started = 0  # attempts that actually ran fn

    def run() -> T:
        nonlocal started
        started += 1
        if stats is not None:
            stats.record(kind, retried=started > 1)
        return fn()

    def attempt() -> T:
        if deadline is not None and time.monotonic() >= deadline:
            raise _deadline_error(None, started, policy.deadline_label)
        if gate is None:
            return run()
        wait = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        slot = gate.take(timeout=wait)
        if slot is None:
            raise DeadlineExceeded(f"{policy.deadline_label} passed while waiting for a free request slot")
        outcome = "other"
        try:
            result = run()
            outcome = "ok"
            return result
        except ConcurrencyLimited:
            outcome = "refused"  # the gate learns from it before the slot is free again
            raise
        finally:
            gate.give_back(slot, outcome)

    def wait(state: RetryCallState) -> float:
        return policy.delay(state.attempt_number)

    def stop(state: RetryCallState) -> bool:
        nonlocal deadline_hit
        if stop_after_attempt(policy.attempts)(state):
            return True
        if deadline is not None and time.monotonic() + (state.upcoming_sleep or 0.0) >= deadline:
            deadline_hit = True
            return True
        return False

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "NetSuite %s call failed (%s); retry %d of %d in %.2fs",
            kind or "request",
            exc,
            state.attempt_number,
            policy.attempts - 1,
            state.upcoming_sleep,
        )

    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop,
        wait=wait,
        before_sleep=before_sleep,
        reraise=False,
    )
    try:
        return retrying(attempt)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        if deadline_hit:
            raise _deadline_error(last, started, policy.deadline_label) from last
        if last is not None:
            if isinstance(last, NetSuiteError) and started > 1:  # say how hard we tried
                last.message = f"{last.message} (gave up after {started} attempts)"
                last.args = (last.message,)
            raise last from None
        raise
