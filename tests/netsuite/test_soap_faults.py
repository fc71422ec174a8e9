"""SOAP faults and failed statuses map onto the typed NetSuite errors, whatever the endpoint version."""

from __future__ import annotations

from pathlib import Path

import pytest
import zeep.exceptions
from lxml import etree

from netsuite_audit.netsuite import soap_faults as sf
from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    InvalidQuery,
    NetSuiteError,
    PermissionDenied,
    ServerError,
)

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real"


def _fault_xml(fault: str | None, code: str, message: str, *, version: str = "2024_2", faultstring: str = "") -> bytes:
    detail = ""
    if fault:
        detail = (
            f'<x:{fault} xmlns:x="urn:faults_{version}.platform.webservices.netsuite.com">'
            f"<x:code>{code}</x:code><x:message>{message}</x:message></x:{fault}>"
        )
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        "<soapenv:Fault><faultcode>soapenv:Server.userException</faultcode>"
        f"<faultstring>{faultstring or message}</faultstring><detail>{detail}"
        '<ns1:hostname xmlns:ns1="http://xml.apache.org/axis/">host</ns1:hostname></detail>'
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _error(xml: bytes, **kwargs: object) -> NetSuiteError:
    info = sf.find_fault(etree.fromstring(xml))
    assert info is not None
    return sf.error_for_fault(info, **kwargs)  # type: ignore[arg-type]


def test_real_concurrency_capture_is_concurrency_limited() -> None:
    path = REAL / "soap" / "login_failure_concurrent_requests.xml"
    if not path.is_file():
        pytest.skip(f"real SOAP capture {path} is not available (shared/reference/real is not beside the repo)")
    info = sf.find_fault(etree.fromstring(path.read_bytes()))
    assert info is not None
    assert info.fault == "exceededRequestLimitFault"
    assert info.code == "WS_CONCUR_SESSION_DISALLWD"
    assert info.faultcode == "soapenv:Server.userException"
    error = sf.error_for_fault(info, status=500, date_header="Tue, 01 Oct 2024 10:00:00 GMT")
    assert isinstance(error, ConcurrencyLimited) and error.retryable
    assert error.code == "WS_CONCUR_SESSION_DISALLWD"
    assert error.protocol == "soap" and error.status == 500
    assert error.date_header == "Tue, 01 Oct 2024 10:00:00 GMT"
    assert "one request" in error.message


@pytest.mark.parametrize(
    ("fault", "code", "cls"),
    [
        ("invalidCredentialsFault", "USER_ERROR", AuthenticationError),
        ("invalidCredentialsFault", "INVALID_LOGIN_CREDENTIALS", AuthenticationError),
        ("insufficientPermissionFault", "INSUFFICIENT_PERMISSION", PermissionDenied),
        ("insufficientPermissionFault", "WS_PERMISSION_REQD", PermissionDenied),
        ("exceededConcurrentRequestLimitFault", "WS_REQUEST_BLOCKED", ConcurrencyLimited),
        ("exceededRequestLimitFault", "WS_CONCUR_SESSION_DISALLWD", ConcurrencyLimited),
        ("unexpectedErrorFault", "UNEXPECTED_ERROR", ServerError),
    ],
)
@pytest.mark.parametrize("version", ["2024_2", "2019_2", "2011_2"])
def test_fault_elements_map_in_any_version(fault: str, code: str, cls: type[NetSuiteError], version: str) -> None:
    error = _error(_fault_xml(fault, code, "words from NetSuite", version=version))
    assert type(error) is cls
    assert error.code == code
    assert error.message == "words from NetSuite"


def test_unknown_fault_element_falls_back_on_the_code() -> None:
    error = _error(_fault_xml("someNewFault", "WS_REQUEST_BLOCKED", "blocked"))
    assert isinstance(error, ConcurrencyLimited)


def test_fault_without_detail_is_read_from_the_faultstring() -> None:
    assert isinstance(_error(_fault_xml(None, "", "Invalid login attempt.")), AuthenticationError)
    blocked = _fault_xml(None, "", "SuiteTalk concurrent request limit exceeded. Request blocked.")
    assert isinstance(_error(blocked), ConcurrencyLimited)
    other = _error(_fault_xml(None, "", "Something else entirely"))
    assert type(other) is NetSuiteError and not other.retryable


def test_zeep_fault_detail_is_parsed() -> None:
    detail = etree.fromstring(
        '<detail><f:invalidCredentialsFault xmlns:f="urn:faults_2024_2.platform.webservices.netsuite.com">'
        "<f:code>USER_ERROR</f:code><f:message>Invalid login attempt.</f:message>"
        "</f:invalidCredentialsFault></detail>"
    )
    exc = zeep.exceptions.Fault("Invalid login attempt.", code="soapenv:Server.userException", detail=detail)
    info = sf.fault_info_from_zeep(exc)
    assert (info.fault, info.code, info.message) == ("invalidCredentialsFault", "USER_ERROR", "Invalid login attempt.")
    error = sf.error_for_fault(info, status=500, date_header="D")
    assert isinstance(error, AuthenticationError) and error.date_header == "D" and error.status == 500


def test_permission_error_names_the_record() -> None:
    error = _error(_fault_xml("insufficientPermissionFault", "INSUFFICIENT_PERMISSION", "no"), record="job")
    assert isinstance(error, PermissionDenied) and error.record == "job"


def _status(ok: str, *details: tuple[str, str, str]) -> etree._Element:
    inner = "".join(
        f'<c:statusDetail type="{t}"><c:code>{code}</c:code><c:message>{msg}</c:message></c:statusDetail>'
        for t, code, msg in details
    )
    return etree.fromstring(
        f'<c:status xmlns:c="urn:core_2020_2.platform.webservices.netsuite.com" isSuccess="{ok}">{inner}</c:status>'
    )


def test_successful_status_is_no_error() -> None:
    status = sf.parse_status(_status("true"))
    assert status is not None and status.is_success
    assert sf.error_for_status(status) is None


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("INSUFFICIENT_PERMISSION", PermissionDenied),
        ("INVALID_LOGIN_ATTEMPT", AuthenticationError),
        ("WS_REQUEST_BLOCKED", ConcurrencyLimited),
        ("UNEXPECTED_ERROR", ServerError),
        ("INVALID_PAGE_INDEX", InvalidQuery),
        ("RCRD_DSNT_EXIST", NetSuiteError),
    ],
)
def test_failed_status_codes_map(code: str, cls: type[NetSuiteError]) -> None:
    status = sf.parse_status(_status("false", ("WARN", "SOME_WARNING", "w"), ("ERROR", code, "why")))
    assert status is not None and not status.is_success
    error = sf.error_for_status(status, http_status=200, date_header="D", record="classification")
    assert type(error) is cls
    assert error is not None and error.code == code and error.message == "why" and error.protocol == "soap"
