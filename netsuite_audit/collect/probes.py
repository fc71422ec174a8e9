"""Login probes: one cheap authenticated call per protocol, turned into a ``Probe`` value."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    NetSuiteError,
    PermissionDenied,
    ServerError,
    TransportError,
)
from netsuite_audit.netsuite.m2m import TokenRefused
from netsuite_audit.netsuite.redact import redact
from netsuite_audit.netsuite.rest import ServerTime
from netsuite_audit.netsuite.transport import parse_http_date
from netsuite_audit.snapshot import Probe

_KINDS: tuple[tuple[type[NetSuiteError], str], ...] = (
    (AuthenticationError, "auth"),
    (PermissionDenied, "permission"),
    (ConcurrencyLimited, "concurrency"),
    (ServerError, "server"),
    (TransportError, "network"),
)


def error_kind(exc: NetSuiteError) -> str:
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind
    return "other"


TransitKind = Literal["network", "concurrency", "server"]


def transit_failure(exc: BaseException) -> TransitKind | None:
    """The kind of an error that happened in transit (nothing was learnt about permissions), else None."""
    if not isinstance(exc, NetSuiteError):
        return None
    kind = error_kind(exc)
    if kind == "network":
        return "network"
    if kind == "concurrency":
        return "concurrency"
    if kind == "server":
        return "server"
    return None


def probe(protocol: Literal["rest", "soap", "restlet"], call: Callable[[], ServerTime]) -> Probe:
    """Run ``call`` (a client's ``server_time``) and describe what happened, never raising."""
    started = time.monotonic()
    try:
        answer = call()
    except NetSuiteError as exc:
        return Probe(
            protocol=protocol,
            ok=False,
            error=error_kind(exc),
            code=exc.code,
            http_status=exc.status,
            detail=exc.message,
            description=redact(exc.description) if isinstance(exc, TokenRefused) and exc.description else None,
            date_header=parse_http_date(exc.date_header),
            local_time=datetime.now(UTC),
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
    except Exception as exc:  # an unparseable answer is a failed probe, not a crash
        return Probe(protocol=protocol, ok=False, error="other", detail=redact(f"{type(exc).__name__}: {exc}"),
                     local_time=datetime.now(UTC), elapsed_ms=int((time.monotonic() - started) * 1000))
    return Probe(
        protocol=protocol,
        ok=True,
        http_status=200,
        server_time=answer.server_time,
        date_header=answer.date_header,
        local_time=answer.local_time,
        elapsed_ms=answer.elapsed_ms,
    )
