"""One simulated NetSuite account: its fixture, SuiteQL database, login checks, trail and counters.

``SimAccount`` is what the HTTP handlers (``rest.py``, ``soap.py``) talk to. It owns the clock the
account runs on (real time plus an optional offset, so tests can simulate a skewed client), records
every login attempt in the :class:`LoginAuditTrail`, and counts what happened in :class:`Counters`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from netsuite_audit.netsuite.permissions import Level
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.simulator.auth import (
    PERM_ANALYTICS,
    Authenticator,
    LoginRefused,
    OAuthRequest,
    Principal,
    permission_level,
)
from netsuite_audit.simulator.database import AccountDB
from netsuite_audit.simulator.fixture import AccountFixture
from netsuite_audit.simulator.oauth2 import Issued, OAuth2Server
from netsuite_audit.simulator.trail import Cause, LoginAuditTrail

# See Counters.max_in_flight_after_refusal.
REFUSAL_SETTLE_S = 0.5


@dataclass(frozen=True)
class CounterSnapshot:
    """A consistent copy of :class:`Counters` at one moment."""

    requests: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    writes: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    max_in_flight: int = 0
    in_flight: int = 0
    # The most in flight at the arrival of a request that came at least REFUSAL_SETTLE_S after the
    # account's limit first refused one; 0 before any such refusal.
    max_in_flight_after_refusal: int = 0

    @property
    def write_attempts(self) -> int:
        return sum(self.writes.values())

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


class Counters:
    """Thread-safe tallies.

    * ``requests`` by kind: ``rest.serverTime``, ``rest.suiteql``, ``rest.record``, ``rest.other``,
      ``restlet``, ``soap.<operation>``;
    * ``refusals`` by reason: ``login``, ``concurrency``, ``permission``, ``query``, ``request``,
      ``write``, ``not_found``;
    * ``writes``: write attempts by ``<protocol>.<operation>``;
    * ``faults``: injected faults by kind (``concurrency``, ``5xx``, ``drop``);
    * ``max_in_flight``: the most requests seen at the same moment, counting those the concurrency
      gate then refused (so a client that respects the limit never pushes it above the limit);
    * ``max_in_flight_after_refusal``: the same, for requests that arrived ``REFUSAL_SETTLE_S`` or
      more after the concurrency limit first refused a request (injected refusals do not start it):
      what a client that adapts to refusals should keep within the limit. Requests the client sent
      before it could read that refusal (the rest of its first burst) arrive within milliseconds on
      loopback, or a little later when its own threads are busy, and are not counted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._refusals: Counter[str] = Counter()
        self._writes: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._in_flight = 0
        self._max_in_flight = 0
        self._first_refusal: float | None = None
        self._max_after_refusal = 0

    def request(self, kind: str) -> None:
        with self._lock:
            self._requests[kind] += 1

    def refusal(self, reason: str) -> None:
        with self._lock:
            self._refusals[reason] += 1

    def write_attempt(self, protocol: str, operation: str) -> None:
        with self._lock:
            self._writes[f"{protocol}.{operation}"] += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def concurrency_refused(self) -> None:
        """The concurrency limit just refused a request."""
        with self._lock:
            if self._first_refusal is None:
                self._first_refusal = time.monotonic()

    def enter(self, limit: int) -> bool:
        """Start a request; False (and nothing held) when more than ``limit`` would be in flight."""
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            first = self._first_refusal
            if first is not None and time.monotonic() - first >= REFUSAL_SETTLE_S:
                self._max_after_refusal = max(self._max_after_refusal, self._in_flight)
            if self._in_flight > limit:
                self._in_flight -= 1
                return False
            return True

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def snapshot(self) -> CounterSnapshot:
        with self._lock:
            return CounterSnapshot(
                requests=dict(self._requests),
                refusals=dict(self._refusals),
                writes=dict(self._writes),
                faults=dict(self._faults),
                max_in_flight=self._max_in_flight,
                in_flight=self._in_flight,
                max_in_flight_after_refusal=self._max_after_refusal,
            )

    @property
    def requests(self) -> dict[str, int]:
        return self.snapshot().requests

    @property
    def refusals(self) -> dict[str, int]:
        return self.snapshot().refusals

    @property
    def faults(self) -> dict[str, int]:
        return self.snapshot().faults

    @property
    def write_attempts(self) -> int:
        return self.snapshot().write_attempts

    @property
    def max_in_flight(self) -> int:
        return self.snapshot().max_in_flight


class SimAccount:
    """The simulated account behind one server."""

    def __init__(self, fixture: AccountFixture, *, clock_offset: float = 0.0) -> None:
        self.fixture = fixture
        self.clock_offset = clock_offset
        self.db = AccountDB(fixture)
        self.trail = LoginAuditTrail()
        self.counters = Counters()
        self.auth = Authenticator(fixture, clock=self.now)
        self.oauth2 = OAuth2Server(fixture, realm=self.auth.realm, clock=self.now)
        # Every client assertion received and access token issued, so tests can search outputs for them.
        self.seen_assertions: list[str] = []
        self.issued_tokens: list[str] = []

    @property
    def realm(self) -> str:
        return self.auth.realm

    def now(self) -> float:
        """The account's clock (seconds since the epoch)."""
        return time.time() + self.clock_offset

    def now_utc(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    # ------------------------------------------------------------------------------- logins
    def verify_oauth(self, request: OAuthRequest, *, protocol: str = "rest") -> Principal | None:
        """Check a REST/RESTlet request's OAuth header; records the trail entry. None when refused."""
        return self._attempt(protocol, lambda: self.auth.authenticate_oauth(request, protocol=protocol))

    def verify_passport(
        self,
        *,
        account: str,
        consumer_key: str,
        token: str,
        nonce: str,
        timestamp: str,
        signature: str,
        algorithm: str,
    ) -> Principal | None:
        """Check a SOAP tokenPassport; records the trail entry. None when refused."""
        return self._attempt("soap", lambda: self.auth.authenticate_passport(
            account=account, consumer_key=consumer_key, token=token, nonce=nonce, timestamp=timestamp,
            signature=signature, algorithm=algorithm,
        ))

    def issue_token(self, form: dict[str, str]) -> Issued | LoginRefused:
        """The token endpoint: a new access token, or the refusal (recorded in the trail either way)."""
        if form.get("client_assertion"):
            self.seen_assertions.append(form["client_assertion"])
        try:
            issued, principal = self.oauth2.issue(form)
        except LoginRefused as refused:
            self._record_refusal("token", refused)
            return refused
        self.issued_tokens.append(issued.value)
        self._record_success("token", principal)
        return issued

    def verify_bearer(self, value: str, *, protocol: str) -> Principal | None:
        """Check a REST/RESTlet request's access token; records the trail entry. None when refused."""
        scope = "restlets" if protocol == "restlet" else "rest_webservices"

        def login() -> Principal:
            principal = self.oauth2.authenticate_bearer(value, scope=scope)
            if protocol == "rest":
                self.auth.require_rest(principal)
            return principal

        return self._attempt(protocol, login)

    def refuse_bearer_on_soap(self) -> None:
        """A SOAP request that brought an OAuth 2.0 token instead of a tokenPassport."""
        self._record_refusal("soap", LoginRefused(
            Cause.BEARER_ON_SOAP, "SOAP web services accept only token-based authentication, not OAuth 2.0"))

    def _attempt(self, protocol: str, login: Callable[[], Principal]) -> Principal | None:
        """Run one login check and record it in the login audit trail either way."""
        try:
            principal = login()
        except LoginRefused as refused:
            self._record_refusal(protocol, refused)
            return None
        self._record_success(protocol, principal)
        return principal

    def _record_refusal(self, protocol: str, refused: LoginRefused) -> None:
        self.counters.refusal("login")
        self.trail.record(
            protocol=protocol,
            success=False,
            cause=refused.cause,
            token=refused.token,
            user=refused.user,
            role=refused.role,
            note=refused.note,
            when=self.now_utc(),
        )

    def _record_success(self, protocol: str, principal: Principal) -> None:
        self.trail.record(protocol=protocol, success=True, when=self.now_utc(), **principal.names)

    # ------------------------------------------------------------------------------ permissions
    def permission_level(self, principal: Principal, key: str) -> Level:
        return permission_level(principal.role, key)

    def can_use_soap(self, principal: Principal) -> bool:
        """SOAP web services feature on and the role holds ADMI_WEBSERVICES at Full."""
        refusal = self.auth.soap_refusal(principal)
        if refusal is not None:
            self.counters.refusal("permission")
            return False
        return True

    def can_use_analytics(self, principal: Principal) -> bool:
        """SuiteQL needs SuiteAnalytics Workbook (REPO_ANALYTICS) on the role; any level above None."""
        return permission_level(principal.role, PERM_ANALYTICS) >= Level.VIEW

    def can_read_table(self, principal: Principal, table: str) -> bool:
        """The role holds the table's permission (``tables.TABLES``) at View or better.

        Tables nsaudit does not list have no known permission; the database decides about them.
        """
        spec = TABLES.get(table.lower())
        if spec is None:
            return True
        return permission_level(principal.role, spec.permission) >= Level.VIEW

    # ------------------------------------------------------------------------------- counting
    def record_write_attempt(self, protocol: str, operation: str) -> None:
        self.counters.write_attempt(protocol, operation)
        self.counters.refusal("write")

    def count(self, kind: str) -> None:
        self.counters.request(kind)

    def refuse(self, reason: str) -> None:
        self.counters.refusal(reason)


__all__ = ["Cause", "CounterSnapshot", "Counters", "Principal", "SimAccount"]
