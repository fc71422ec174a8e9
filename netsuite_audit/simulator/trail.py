"""The simulator's Login Audit Trail: one entry per login attempt, successful or not.

NetSuite never tells a REST or SOAP client why a token-based login failed; the 401 body (or the SOAP
fault) is the same whatever went wrong, and the real cause appears only in the account's Login Audit
Trail. The simulator keeps the same split: callers get the generic refusal, this trail gets the
cause, under the names NetSuite's trail uses (``InvalidSignature``, ``nonce_used`` ...).

Entries hold names only (token name, user, role), never a key or a secret.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Cause(StrEnum):
    """Failure causes as NetSuite's Login Audit Trail names them."""

    CONSUMER_KEY_REFUSED = "consumer_key_refused"  # integration record blocked (or TBA off on it)
    CONSUMER_KEY_UNKNOWN = "consumer_key_unknown"
    FEATURE_DISABLED = "FeatureDisabled"  # Token-Based Authentication (or the web-service feature) off
    MISSING_FIELDS = "MissingTokenPassportRequiredFields"
    NONCE_REJECTED = "nonce_rejected"  # not 6-64 letters and digits
    NONCE_USED = "nonce_used"
    PARAMETER_REJECTED = "parameter_rejected"
    PERMISSION_DENIED = "permission_denied"  # entity or role not usable
    INVALID_SIGNATURE = "InvalidSignature"
    UNKNOWN_ALGORITHM = "UnknownAlgorithm"
    INVALID_TIMESTAMP = "InvalidTimestamp"
    TOKEN_REJECTED = "token_rejected"
    VERSION_REJECTED = "VersionRejected"
    # OAuth 2.0 client credentials. UNCERTAIN: Oracle does not publish the Login Audit Trail's wording
    # for OAuth 2.0 refusals; these names are the simulator's own, one per cause nsaudit diagnoses.
    M2M_FEATURE_DISABLED = "oauth2_feature_disabled"  # OAuth 2.0 (Manage Authentication) off in the account
    M2M_BAD_REQUEST = "oauth2_invalid_request"  # not a client-credentials request, or a malformed JWT
    M2M_CLIENT_UNKNOWN = "oauth2_client_unknown"
    M2M_GRANT_NOT_ALLOWED = "oauth2_grant_not_allowed"  # integration blocked or M2M grant not ticked
    M2M_WRONG_ACCOUNT = "oauth2_wrong_account"  # aud names another account's token endpoint
    M2M_AUDIENCE_REJECTED = "oauth2_audience_rejected"
    M2M_CERTIFICATE_UNKNOWN = "oauth2_certificate_unknown"
    M2M_CERTIFICATE_REVOKED = "oauth2_certificate_revoked"
    M2M_CERTIFICATE_EXPIRED = "oauth2_certificate_expired"
    M2M_ALGORITHM_REJECTED = "oauth2_algorithm_rejected"
    M2M_INVALID_SIGNATURE = "oauth2_invalid_signature"
    M2M_EXPIRY_TOO_FAR = "oauth2_exp_too_far"
    M2M_CLOCK_SKEW = "oauth2_clock_skew"  # iat in the future or exp already past
    M2M_SCOPE_REJECTED = "oauth2_scope_rejected"
    M2M_ENTITY_INACTIVE = "oauth2_entity_inactive"
    M2M_ROLE_INACTIVE = "oauth2_role_inactive"
    BEARER_REJECTED = "oauth2_token_rejected"  # access token expired, forged, or its mapping revoked
    BEARER_SCOPE_MISSING = "oauth2_scope_missing"  # the token lacks the scope this endpoint needs
    BEARER_ON_SOAP = "oauth2_not_for_soap"  # SOAP web services accept only TBA


@dataclass(frozen=True)
class TrailEntry:
    """One login attempt.

    ``cause`` is NetSuite's trail name for a failure (``None`` on success); ``note`` is the simulator's
    own plain explanation, for people reading ``nsaudit sim serve`` output and for test failures.
    """

    time: datetime
    protocol: str  # "rest", "soap" or "restlet"
    success: bool
    cause: str | None = None
    token: str | None = None  # token record name
    user: str | None = None  # employee entity id
    role: str | None = None  # role name
    note: str = ""

    def line(self) -> str:
        """One printable line, e.g. ``2025-01-01T10:00:00Z rest FAILED InvalidSignature token=...``."""
        stamp = self.time.strftime("%Y-%m-%dT%H:%M:%SZ")
        status = "ok" if self.success else "FAILED"
        parts = [stamp, f"{self.protocol:<7}", status]
        if self.cause:
            parts.append(self.cause)
        for label, value in (("token", self.token), ("user", self.user), ("role", self.role)):
            if value:
                parts.append(f"{label}={value!r}")
        if self.note:
            parts.append(f"- {self.note}")
        return " ".join(parts)


Listener = Callable[[TrailEntry], None]


class LoginAuditTrail:
    """Thread-safe, append-only list of :class:`TrailEntry`, with optional live listeners."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[TrailEntry] = []
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every new entry (``nsaudit sim serve`` prints them this way)."""
        with self._lock:
            self._listeners.append(listener)

    def record(
        self,
        *,
        protocol: str,
        success: bool,
        cause: str | None = None,
        token: str | None = None,
        user: str | None = None,
        role: str | None = None,
        note: str = "",
        when: datetime | None = None,
    ) -> TrailEntry:
        entry = TrailEntry(
            time=when or datetime.now(UTC),
            protocol=protocol,
            success=success,
            cause=None if success else (str(cause) if cause else None),
            token=token,
            user=user,
            role=role,
            note=note,
        )
        with self._lock:
            self._entries.append(entry)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(entry)
        return entry

    def entries(self) -> list[TrailEntry]:
        """A copy of every entry so far, oldest first."""
        with self._lock:
            return list(self._entries)

    def failures(self) -> list[TrailEntry]:
        return [e for e in self.entries() if not e.success]

    def causes(self) -> list[str]:
        """The cause of every failed attempt, oldest first (handy in tests)."""
        return [e.cause or "" for e in self.failures()]

    def last(self) -> TrailEntry | None:
        with self._lock:
            return self._entries[-1] if self._entries else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
