"""Typed errors for everything NetSuite can answer, shared by the REST and SOAP clients."""

from __future__ import annotations

from netsuite_audit.netsuite.redact import redact
from netsuite_audit.support.errors import NsauditError


class NetSuiteError(NsauditError):
    """Base for errors from talking to NetSuite.

    ``code`` is NetSuite's own error code (``INVALID_LOGIN``, ``WS_REQUEST_BLOCKED`` ...), ``status``
    the HTTP status when there was one, ``protocol`` is ``"rest"`` or ``"soap"``. The message is
    redacted (see ``redact.py``): it often quotes what a server said, which may echo our credentials.
    """

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        protocol: str | None = None,
        date_header: str | None = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.protocol = protocol
        # The HTTP Date header NetSuite sent with the answer (even a 401), for clock-skew diagnosis.
        self.date_header = date_header


class AuthenticationError(NetSuiteError):
    """Login refused (REST 401 INVALID_LOGIN, SOAP invalidCredentialsFault). NetSuite never says why."""


class PermissionDenied(NetSuiteError):
    """The role may not read this (403 INSUFFICIENT_PERMISSION, insufficientPermissionFault, or a SuiteQL
    "Record ... was not found" / "Unknown identifier" that a missing permission or feature causes)."""

    def __init__(self, message: str, *, record: str | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.record = record


class ConcurrencyLimited(NetSuiteError):
    """The account concurrency limit was hit (429 CONCURRENCY_LIMIT_EXCEEDED, WS_REQUEST_BLOCKED ...)."""

    retryable = True


class InvalidQuery(NetSuiteError):
    """A SuiteQL or search request NetSuite refused as malformed (400 INVALID_PARAMETER ...)."""


class ServerError(NetSuiteError):
    """NetSuite failed on its side (5xx, UNEXPECTED_ERROR, unexpectedErrorFault)."""

    retryable = True


class TransportError(NetSuiteError):
    """No usable answer: connection refused or dropped, timeout, DNS, TLS."""

    retryable = True


class DeadlineExceeded(TransportError):
    """The caller's deadline passed before a usable answer came back; never retried."""

    retryable = False


class UnexpectedAnswer(TransportError):
    """The answer is not the protocol's answer: a maintenance page where JSON belongs, JSON of another
    shape, a page that does not advance, a value no server of that protocol sends. It is a failure in
    transit ("could not audit"), never a missing permission; not retried (the same server would most
    likely send the same page again)."""

    retryable = False
