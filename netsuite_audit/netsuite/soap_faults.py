"""SOAP faults and failed statuses -> the typed errors of ``netsuite/errors.py``.

zeep only surfaces the ``faultstring``; NetSuite's own code sits inside ``<detail>``, in an element
such as ``<platformFaults:exceededConcurrentRequestLimitFault>`` with ``code`` and ``message``
children. The namespace varies with the endpoint version (``urn:faults_2011_2...``), so everything
here keys on local names. A request can also succeed at the SOAP level and still fail: its
``<status isSuccess="false">`` carries ``statusDetail`` codes such as ``INSUFFICIENT_PERMISSION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    InvalidQuery,
    NetSuiteError,
    PermissionDenied,
    ServerError,
    TransportError,
)
from netsuite_audit.netsuite.soap_records import child, children, descendant, local, text_of

PROTOCOL = "soap"

# Fault element (local name) -> error class.
FAULT_ERRORS: dict[str, type[NetSuiteError]] = {
    "invalidCredentialsFault": AuthenticationError,
    "invalidAccountFault": AuthenticationError,
    "invalidSessionFault": AuthenticationError,
    "insufficientPermissionFault": PermissionDenied,
    "exceededConcurrentRequestLimitFault": ConcurrencyLimited,
    "exceededRequestLimitFault": ConcurrencyLimited,
    "unexpectedErrorFault": ServerError,
}

# NetSuite code (fault code or statusDetail code) -> error class; used when the fault element is
# not one of the above, and for failed statuses inside a normal response.
CODE_ERRORS: dict[str, type[NetSuiteError]] = {
    "INVALID_LOGIN": AuthenticationError,
    "INVALID_LOGIN_ATTEMPT": AuthenticationError,
    "INVALID_LOGIN_CREDENTIALS": AuthenticationError,
    "INVALID_ACCT": AuthenticationError,
    "INVALID_ROLE": AuthenticationError,
    "LOGIN_DISABLED": AuthenticationError,
    "SESSION_TIMED_OUT": AuthenticationError,
    "INSUFFICIENT_PERMISSION": PermissionDenied,
    "PERMISSION_VIOLATION": PermissionDenied,
    "WS_PERMISSION_REQD": PermissionDenied,
    "WS_FEATURE_REQD": PermissionDenied,
    "FEATURE_DISABLED": PermissionDenied,
    "WS_REQUEST_BLOCKED": ConcurrencyLimited,
    "WS_CONCUR_SESSION_DISALLWD": ConcurrencyLimited,
    "WS_EXCEEDED_CONCUR_USERS_ALLWD": ConcurrencyLimited,
    "UNEXPECTED_ERROR": ServerError,
    "ACCT_TEMP_UNAVAILABLE": ServerError,
    "INVALID_PAGE_INDEX": InvalidQuery,
    "INVALID_SEARCH": InvalidQuery,
    "INVALID_KEY_OR_REF": InvalidQuery,
}

# Faultstring fragments NetSuite is known to send, for faults without a usable detail.
_TEXT_HINTS: tuple[tuple[str, type[NetSuiteError]], ...] = (
    ("invalid login attempt", AuthenticationError),
    ("concurrent request limit exceeded", ConcurrencyLimited),
    ("only one request may be made against a session at a time", ConcurrencyLimited),
    ("an unexpected error occurred", ServerError),
)


@dataclass(frozen=True)
class FaultInfo:
    """What a SOAP fault says: ``faultstring``, and from ``<detail>`` the fault element's local name
    plus NetSuite's code and message (any of those may be missing)."""

    faultstring: str
    faultcode: str | None = None
    fault: str | None = None
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class StatusDetail:
    type: str | None
    code: str | None
    message: str | None


@dataclass(frozen=True)
class Status:
    is_success: bool
    details: tuple[StatusDetail, ...] = ()


def parse_detail(detail: etree._Element | None) -> tuple[str | None, str | None, str | None]:
    """``<detail>`` -> (fault element local name, code, message). Skips Axis' ``hostname`` sibling."""
    if detail is None:
        return None, None, None
    for node in detail:
        name = local(node.tag)
        if not name.endswith("Fault"):
            continue
        return name, _clean(text_of(child(node, "code"))), _clean(text_of(child(node, "message")))
    return None, None, None


def find_fault(root: etree._Element) -> FaultInfo | None:
    """The fault of an envelope (``Body/Fault``), or None."""
    body = child(root, "Body") if local(root.tag) == "Envelope" else None
    fault = child(body, "Fault") if body is not None else None
    if fault is None:
        return None
    fault_name, code, message = parse_detail(child(fault, "detail"))
    return FaultInfo(
        faultstring=_clean(text_of(child(fault, "faultstring"))) or "",
        faultcode=_clean(text_of(child(fault, "faultcode"))),
        fault=fault_name,
        code=code,
        message=message,
    )


def fault_info_from_zeep(exc: Any) -> FaultInfo:
    """A ``zeep.exceptions.Fault`` -> :class:`FaultInfo` (its ``detail`` is the lxml ``<detail>``)."""
    detail = getattr(exc, "detail", None)
    fault_name, code, message = parse_detail(detail if isinstance(detail, etree._Element) else None)
    return FaultInfo(
        faultstring=str(getattr(exc, "message", "") or ""),
        faultcode=getattr(exc, "code", None),
        fault=fault_name,
        code=code,
        message=message,
    )


def error_for_fault(
    info: FaultInfo, *, status: int | None = None, date_header: str | None = None, record: str | None = None
) -> NetSuiteError:
    """The typed error for a fault; NetSuite's words become the message."""
    cls: type[NetSuiteError] | None = FAULT_ERRORS.get(info.fault or "")
    if cls is None and info.code:
        cls = CODE_ERRORS.get(info.code)
    text = info.message or info.faultstring or "NetSuite answered with a SOAP fault and no message"
    if cls is None:
        lowered = f"{info.faultstring} {info.message or ''}".lower()
        cls = next((c for hint, c in _TEXT_HINTS if hint in lowered), NetSuiteError)
    return _make(cls, text, code=info.code, status=status, date_header=date_header, record=record)


def parse_status(el: etree._Element | None) -> Status | None:
    """A ``<status isSuccess=".."><statusDetail type="ERROR"><code/><message/>...`` element."""
    if el is None:
        return None
    details = tuple(
        StatusDetail(
            type=d.get("type"),
            code=_clean(text_of(child(d, "code"))),
            message=_clean(text_of(child(d, "message"))),
        )
        for d in children(el, "statusDetail")
    )
    return Status(is_success=(el.get("isSuccess", "").strip().lower() == "true"), details=details)


def error_for_status(
    status: Status,
    *,
    http_status: int | None = None,
    date_header: str | None = None,
    record: str | None = None,
) -> NetSuiteError | None:
    """None for a successful status; otherwise the typed error for its first ERROR detail."""
    if status.is_success:
        return None
    errors = [d for d in status.details if (d.type or "ERROR").upper() == "ERROR"] or list(status.details)
    first = errors[0] if errors else StatusDetail(None, None, None)
    cls = CODE_ERRORS.get(first.code or "", NetSuiteError)
    text = first.message or f"NetSuite reported the request as failed ({first.code or 'no code given'})"
    return _make(cls, text, code=first.code, status=http_status, date_header=date_header, record=record)


def status_in(root: etree._Element) -> Status | None:
    """The first ``status`` element anywhere under ``root``."""
    return parse_status(descendant(root, "status"))


def transport_error(
    message: str, *, status: int | None = None, date_header: str | None = None
) -> TransportError:
    return TransportError(message, status=status, protocol=PROTOCOL, date_header=date_header)


def _make(
    cls: type[NetSuiteError],
    text: str,
    *,
    code: str | None,
    status: int | None,
    date_header: str | None,
    record: str | None,
) -> NetSuiteError:
    if cls is PermissionDenied:
        return PermissionDenied(
            text, record=record, code=code, status=status, protocol=PROTOCOL, date_header=date_header
        )
    return cls(text, code=code, status=status, protocol=PROTOCOL, date_header=date_header)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
