"""A request gate that finds the account's concurrency limit while it runs.

NetSuite's concurrency limit belongs to the account and is shared with every integration running at
the time, so nsaudit cannot know it in advance. :class:`AdaptiveGate` starts at the configured
concurrency and adapts to the refusals it meets (REST 429, SOAP ``WS_REQUEST_BLOCKED`` or the
concurrency fault, the RESTlet's request-limit error: all :class:`ConcurrencyLimited`):

* **halve** on a refusal: the new limit is half the current one, and not more than the number of our
  requests that were in flight when the refused one was sent, minus one (the account was full when
  it arrived: that many were ours; an estimate, since requests can overtake each other on the way).
  Only the first refusal of requests sent under the current limit halves it; refusals of requests
  sent before the last decrease only lower it to their own estimate, so one burst of refusals is one
  halving, and a client that started far above the limit is at or below it once the burst is read;
* that bound is remembered as the **ceiling**; after a run of successes the limit **grows back by
  one**, up to the ceiling. Above the ceiling it grows only after a long run of successes at it (the
  other integrations may have finished), so a run does not keep probing a limit it has already met;
* the limit is never above the configured concurrency (already capped by ``--account-limit``) and
  never below 1.

The gate counts what a report needs: the refusals met, the lowest and final limit, and the most
requests in flight before and after the first refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from netsuite_audit.netsuite.transport import Gate, Slot


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # a concurrency refusal
    OTHER = "other"  # any other error: says nothing about the limit


@dataclass(frozen=True)
class ConcurrencyUse:
    """What the gate saw over a run."""

    configured: int  # the limit it started at (--concurrency, capped by --account-limit)
    final: int  # the limit when the run ended
    lowest: int  # the lowest limit it went down to
    max_in_flight: int  # most of our requests in flight at once
    max_in_flight_after_refusal: int  # the same, counted from the first refusal on (0: no refusal)
    refusals: int  # concurrency refusals met
    decreases: int  # times the limit went down


def grow_after(limit: int) -> int:
    """Successes in a row, since the last change, before the limit grows back by one."""
    return max(4, 2 * limit)


def probe_after(limit: int) -> int:
    """Successes in a row at the ceiling before the limit tries one above it."""
    return max(32, 8 * limit)


class AdaptiveGate(Gate):
    """A :class:`Gate` whose limit follows the account's refusals (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.configured = limit
        self.ceiling = limit
        self.lowest = limit
        self.refusals = 0
        self.decreases = 0
        self.max_in_flight_after_refusal = 0
        self._epoch = 0
        self._streak = 0

    def take(self, timeout: float | None = None) -> Slot | None:
        slot = super().take(timeout)
        if slot is not None and self.refusals:
            with self._lock:
                self.max_in_flight_after_refusal = max(self.max_in_flight_after_refusal, slot.in_flight)
        return slot

    def _stamp(self) -> int:
        return self._epoch

    def give_back(self, slot: Slot | None, outcome: str = Outcome.OTHER) -> None:
        with self._turns:
            if outcome == Outcome.REFUSED:
                self._refused(slot)
            elif outcome == Outcome.OK:
                self._succeeded()
        super().give_back(slot, outcome)

    # -- called with the lock held ------------------------------------------------------------
    def _refused(self, slot: Slot | None) -> None:
        self.refusals += 1
        self._streak = 0
        proven = max(1, slot.in_flight - 1) if slot is not None else self.limit
        self.ceiling = min(self.ceiling, proven)
        if slot is None or slot.epoch == self._epoch:
            new = max(1, min(self.limit // 2, proven))
        else:  # sent before the last decrease: only what it proves
            new = max(1, min(self.limit, proven))
        if new < self.limit:
            self.limit = new
            self.decreases += 1
            self._epoch += 1
            self.lowest = min(self.lowest, new)

    def _succeeded(self) -> None:
        self._streak += 1
        if self.limit >= self.configured:
            return
        if self.limit < self.ceiling and self._streak >= grow_after(self.limit):
            self.limit += 1
        elif self.limit == self.ceiling and self._streak >= probe_after(self.limit):
            self.ceiling += 1
            self.limit += 1
        else:
            return
        self._streak = 0
        self._epoch += 1
        self._turns.notify_all()  # a waiting request may now go

    def use(self) -> ConcurrencyUse:
        with self._lock:
            return ConcurrencyUse(
                configured=self.configured, final=self.limit, lowest=self.lowest,
                max_in_flight=self.max_in_flight, max_in_flight_after_refusal=self.max_in_flight_after_refusal,
                refusals=self.refusals, decreases=self.decreases,
            )

    def __repr__(self) -> str:
        return (f"AdaptiveGate(limit={self.limit}/{self.configured}, ceiling={self.ceiling}, "
                f"in_flight={self.in_flight}, refusals={self.refusals})")
