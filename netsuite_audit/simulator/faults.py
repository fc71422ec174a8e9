"""Fault injection: make some requests fail the way a busy or unwell NetSuite account does.

A :class:`FaultPlan` gives a rate (0..1) per fault kind; a :class:`FaultInjector` draws one seeded
random number per request, so a given seed and request order always produce the same faults.

* ``concurrency``: answered as if the account concurrency limit were reached (REST 429, SOAP fault);
* ``server_error``: NetSuite's 500 ``UNEXPECTED_ERROR`` (SOAP ``unexpectedErrorFault``);
* ``drop``: the connection is closed without any answer.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import StrEnum

from netsuite_audit.support.errors import InputError


class FaultKind(StrEnum):
    CONCURRENCY = "concurrency"
    SERVER_ERROR = "5xx"
    DROP = "drop"


# Names accepted by ``--fault-rate KIND=RATE`` and FaultPlan.parse.
_ALIASES = {
    "concurrency": FaultKind.CONCURRENCY,
    "429": FaultKind.CONCURRENCY,
    "5xx": FaultKind.SERVER_ERROR,
    "500": FaultKind.SERVER_ERROR,
    "server_error": FaultKind.SERVER_ERROR,
    "drop": FaultKind.DROP,
}


@dataclass(frozen=True)
class FaultPlan:
    """Per-request probabilities; their sum must not exceed 1."""

    concurrency: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0

    def __post_init__(self) -> None:
        for name in ("concurrency", "server_error", "drop"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise InputError(f"fault rate {name}={rate} is outside 0..1", source="--fault-rate")
        if self.concurrency + self.server_error + self.drop > 1.0 + 1e-9:
            raise InputError("fault rates add up to more than 1", source="--fault-rate")

    @property
    def active(self) -> bool:
        return (self.concurrency + self.server_error + self.drop) > 0

    @classmethod
    def parse(cls, specs: list[str] | tuple[str, ...]) -> FaultPlan:
        """Build a plan from ``KIND=RATE`` strings (kinds: concurrency, 5xx, drop)."""
        rates = {FaultKind.CONCURRENCY: 0.0, FaultKind.SERVER_ERROR: 0.0, FaultKind.DROP: 0.0}
        for spec in specs:
            name, sep, value = spec.partition("=")
            kind = _ALIASES.get(name.strip().lower())
            if not sep or kind is None:
                raise InputError(
                    f"{spec!r} is not KIND=RATE with KIND one of concurrency, 5xx, drop", source="--fault-rate"
                )
            try:
                rate = float(value)
            except ValueError:
                raise InputError(f"{spec!r}: rate must be a number from 0 to 1", source="--fault-rate") from None
            rates[kind] = rate
        return cls(
            concurrency=rates[FaultKind.CONCURRENCY],
            server_error=rates[FaultKind.SERVER_ERROR],
            drop=rates[FaultKind.DROP],
        )


class FaultInjector:
    """Draws the fault (or none) for each request from a seeded RNG. Thread-safe."""

    def __init__(self, plan: FaultPlan | None, *, seed: int = 0) -> None:
        self.plan = plan or FaultPlan()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> FaultKind | None:
        if not self.plan.active:
            return None
        with self._lock:
            roll = self._rng.random()
        plan = self.plan
        if roll < plan.concurrency:
            return FaultKind.CONCURRENCY
        if roll < plan.concurrency + plan.server_error:
            return FaultKind.SERVER_ERROR
        if roll < plan.concurrency + plan.server_error + plan.drop:
            return FaultKind.DROP
        return None
