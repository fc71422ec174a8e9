"""The SOAP client against canned NetSuite answers (``responses``; nothing leaves the machine)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
import responses
from lxml import etree

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite import soap
from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    PermissionDenied,
    TransportError,
)
from netsuite_audit.netsuite.passport import passport_signature
from netsuite_audit.netsuite.records import Classification, Department
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.netsuite.transport import CallStats, Gate, RetryPolicy

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
URL = f"{BASE}/services/NetSuitePort_2025_2"
CS, TS = "consumer-secret-value-0001", "token-secret-value-0002"
DATE = "Tue, 01 Oct 2024 10:00:00 GMT"
ENV = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
MSGS = f'xmlns="{rec.MESSAGES}"'
CORE = f'xmlns:platformCore="{rec.CORE}"'


def _creds() -> Credentials:
    return Credentials(
        account=AccountId.parse("1234567-sb1"),
        consumer_key="ck-0001",
        consumer_secret=Secret(CS),
        token_id="tk-0001",
        token_secret=Secret(TS),
        base_url=BASE,
        source="test",
    )


def _client(**kwargs: object) -> soap.SoapClient:
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, timeout=5)
    return soap.SoapClient(_creds(), retry=kwargs.pop("retry", policy), **kwargs)  # type: ignore[arg-type]


def _ok(body: str) -> str:
    return (
        f'<soapenv:Envelope {ENV}><soapenv:Header><platformMsgs:documentInfo xmlns:platformMsgs="{rec.MESSAGES}">'
        "<platformMsgs:nsId>WEBSERVICES_1234567_SB1_1</platformMsgs:nsId></platformMsgs:documentInfo>"
        f"</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )


def _fault(fault: str, code: str, text: str) -> str:
    return (
        f"<soapenv:Envelope {ENV}><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.userException</faultcode>"
        f"<faultstring>{text}</faultstring><detail><f:{fault} xmlns:f=\"{rec.FAULTS}\"><f:code>{code}</f:code>"
        f"<f:message>{text}</f:message></f:{fault}></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


SERVER_TIME = _ok(
    f"<getServerTimeResponse {MSGS}><platformCore:getServerTimeResult {CORE}><platformCore:status isSuccess=\"true\"/>"
    "<platformCore:serverTime>2024-10-01T10:00:02.500Z</platformCore:serverTime>"
    "</platformCore:getServerTimeResult></getServerTimeResponse>"
)


def _record(rid: int, name: str, parent: int | None = None, type_name: str = "Department") -> str:
    parent_xml = f'<a:parent internalId="{parent}"/>' if parent else ""
    return (
        f'<platformCore:record internalId="{rid}" xsi:type="a:{type_name}" xmlns:a="{rec.ACCOUNTING}">'
        f"<a:name>{name}</a:name><a:includeChildren>false</a:includeChildren>{parent_xml}"
        "<a:isInactive>false</a:isInactive>"
        '<a:subsidiaryList><platformCore:recordRef internalId="1"/><platformCore:recordRef internalId="3"/>'
        "</a:subsidiaryList></platformCore:record>"
    )


def _search_page(wrapper: str, records: list[str], *, total: int, pages: int, index: int) -> str:
    return _ok(
        f"<{wrapper} {MSGS}><platformCore:searchResult {CORE}><platformCore:status isSuccess=\"true\"/>"
        f"<platformCore:totalRecords>{total}</platformCore:totalRecords><platformCore:pageSize>5</platformCore:pageSize>"
        f"<platformCore:totalPages>{pages}</platformCore:totalPages><platformCore:pageIndex>{index}</platformCore:pageIndex>"
        "<platformCore:searchId>WEBSERVICES_SEARCH_1</platformCore:searchId>"
        f"<platformCore:recordList>{''.join(records)}</platformCore:recordList>"
        f"</platformCore:searchResult></{wrapper}>"
    )


def _sent(call: responses.Call) -> etree._Element:
    body = call.request.body
    assert body is not None
    return etree.fromstring(body if isinstance(body, bytes) else body.encode())


def _passport(call: responses.Call) -> dict[str, str]:
    root = _sent(call)
    passport = root.find(f".//{{{rec.MESSAGES}}}tokenPassport")
    assert passport is not None
    values = {rec.local(el.tag): (el.text or "") for el in passport}
    assert all(el.tag.startswith(f"{{{rec.CORE}}}") for el in passport)  # children in the core namespace
    signature = passport.find(f"{{{rec.CORE}}}signature")
    assert signature is not None
    values["algorithm"] = signature.get("algorithm", "")
    return values


def test_packaged_wsdl_loads_offline_and_offers_only_reads() -> None:
    # How fast it loads is a benchmark figure (benchmarks/, "SOAP client ready"), not a unit test.
    soap.wsdl_document.cache_clear()
    document = soap.wsdl_document()
    soap.SoapClient(_creds())
    binding = document.bindings[rec.BINDING]
    assert set(binding._operations) == {"getServerTime", "search", "searchMoreWithId", "get", "getList", "getAll"}
    wsdl_dir = Path(soap.WSDL_PATH).parent
    for path in wsdl_dir.iterdir():
        text = path.read_text()
        for verb in ("add", "update", "upsert", "delete"):
            assert f'name="{verb}' not in text, (path.name, verb)


@responses.activate
def test_server_time_sends_a_valid_passport_and_reads_the_clock() -> None:
    responses.post(URL, body=SERVER_TIME, content_type="text/xml", headers={"Date": DATE})
    result = _client().server_time()
    assert result.server_time is not None and result.server_time.isoformat() == "2024-10-01T10:00:02.500000+00:00"
    assert result.date_header is not None and result.date_header.isoformat() == "2024-10-01T10:00:00+00:00"
    assert result.elapsed_ms >= 0
    call = responses.calls[0]
    assert call.request.headers["SOAPAction"] == '"getServerTime"'
    values = _passport(call)
    assert values["account"] == "1234567_SB1"
    assert values["algorithm"] == "HMAC-SHA256"
    assert len(values["nonce"]) >= 20 and values["nonce"].isalnum()
    assert abs(int(values["timestamp"]) - time.time()) < 60
    assert values["signature"] == passport_signature(
        account="1234567_SB1", consumer_key="ck-0001", token="tk-0001", nonce=values["nonce"],
        timestamp=values["timestamp"], consumer_secret=CS, token_secret=TS,
    )
    sent = call.request.body.decode() if isinstance(call.request.body, bytes) else str(call.request.body)
    assert CS not in sent and TS not in sent


@responses.activate
def test_concurrency_fault_is_retried_with_a_new_passport() -> None:
    blocked = _fault("exceededConcurrentRequestLimitFault", "WS_REQUEST_BLOCKED",
                     "SuiteTalk concurrent request limit exceeded. Request blocked.")
    responses.post(URL, body=blocked, status=500, content_type="text/xml")
    responses.post(URL, body=SERVER_TIME, content_type="text/xml")
    stats, gate = CallStats(), Gate(2)
    _client(stats=stats, gate=gate).server_time()
    assert len(responses.calls) == 2
    first, second = (_passport(c) for c in responses.calls)
    assert first["nonce"] != second["nonce"]
    assert stats.calls == 2 and stats.retries == 1 and stats.by_kind == {"soap.getServerTime": 2}
    assert gate.max_in_flight == 1 and gate.in_flight == 0


@responses.activate
def test_concurrency_fault_surfaces_when_attempts_run_out() -> None:
    blocked = _fault("exceededConcurrentRequestLimitFault", "WS_REQUEST_BLOCKED", "blocked")
    responses.post(URL, body=blocked, status=500, content_type="text/xml", headers={"Date": DATE})
    with pytest.raises(ConcurrencyLimited) as info:
        _client().server_time()
    assert info.value.code == "WS_REQUEST_BLOCKED" and info.value.status == 500 and info.value.date_header == DATE
    assert len(responses.calls) == 3


@responses.activate
def test_invalid_login_is_not_retried_and_keeps_the_date_header() -> None:
    responses.post(URL, body=_fault("invalidCredentialsFault", "USER_ERROR", "Invalid login attempt."),
                   status=500, content_type="text/xml", headers={"Date": DATE})
    with pytest.raises(AuthenticationError) as info:
        _client().server_time()
    error = info.value
    assert (error.code, error.protocol, error.date_header) == ("USER_ERROR", "soap", DATE)
    assert error.message == "Invalid login attempt."
    assert len(responses.calls) == 1
    assert CS not in str(error) and TS not in repr(error)


@responses.activate
def test_http_error_without_envelope_is_a_transport_error() -> None:
    responses.post(URL, body="<html>Service Unavailable</html>", status=503, content_type="text/html")
    with pytest.raises(TransportError) as info:
        _client(retry=RetryPolicy(attempts=1)).server_time()
    assert info.value.status == 503 and info.value.protocol == "soap"


@responses.activate
def test_connection_failure_is_a_transport_error() -> None:
    responses.post(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(TransportError):
        _client(retry=RetryPolicy(attempts=2, base_delay=0.01)).server_time()
    assert len(responses.calls) == 2


@responses.activate
def test_search_all_pages_through_and_derives_fullnames() -> None:
    responses.post(URL, body=_search_page("searchResponse", [_record(1, "Ops"), _record(2, "Field", 1)],
                                          total=3, pages=2, index=1), content_type="text/xml")
    responses.post(URL, body=_search_page("searchMoreWithIdResponse", [_record(3, "North", 2)],
                                          total=3, pages=2, index=2), content_type="text/xml")
    rows = list(_client().search_all("department"))
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert set(rows[0]) == set(TABLES["department"].columns)
    models = [Department.model_validate(r) for r in rows]
    assert [m.fullname for m in models] == ["Ops", "Ops : Field", "Ops : Field : North"]
    assert models[2].subsidiary == (1, 3) and models[2].parent == 2 and models[2].isinactive is False

    first, second = (_sent(c) for c in responses.calls)
    record = first.find(f".//{{{rec.MESSAGES}}}searchRecord")
    assert record is not None
    assert rec.xsi_type_name(record) == "DepartmentSearchBasic"
    prefs = first.find(f".//{{{rec.MESSAGES}}}searchPreferences")
    assert prefs is not None
    assert rec.text_of(rec.child(prefs, "pageSize")) == "1000"
    assert rec.text_of(rec.child(prefs, "bodyFieldsOnly")) == "false"
    assert responses.calls[1].request.headers["SOAPAction"] == '"searchMoreWithId"'
    assert rec.text_of(second.find(f".//{{{rec.MESSAGES}}}searchId")) == "WEBSERVICES_SEARCH_1"
    assert rec.text_of(second.find(f".//{{{rec.MESSAGES}}}pageIndex")) == "2"


@responses.activate
def test_search_page_size_is_clamped_and_active_filter_is_sent() -> None:
    responses.post(URL, body=_search_page("searchResponse", [_record(1, "A", type_name="Classification")],
                                          total=1, pages=1, index=1), content_type="text/xml")
    page = _client().search("classification", page_size=1, active_only=True)
    assert (page.total_records, page.total_pages, page.page_index) == (1, 1, 1)
    assert Classification.model_validate(page.rows[0]).name == "A"
    sent = _sent(responses.calls[0])
    assert rec.text_of(sent.find(f".//{{{rec.MESSAGES}}}pageSize")) == "5"
    flag = sent.find(f".//{{{rec.COMMON}}}isInactive/{{{rec.CORE}}}searchValue")
    assert rec.text_of(flag) == "false"


@responses.activate
def test_failed_search_status_is_permission_denied() -> None:
    responses.post(URL, content_type="text/xml", body=_ok(
        f"<searchResponse {MSGS}><platformCore:searchResult {CORE}><platformCore:status isSuccess=\"false\">"
        '<platformCore:statusDetail type="ERROR"><platformCore:code>INSUFFICIENT_PERMISSION</platformCore:code>'
        "<platformCore:message>no classes for you</platformCore:message></platformCore:statusDetail>"
        "</platformCore:status></platformCore:searchResult></searchResponse>"
    ))
    with pytest.raises(PermissionDenied) as info:
        _client().search("classification")
    assert info.value.record == "classification" and info.value.code == "INSUFFICIENT_PERMISSION"


@responses.activate
def test_currency_is_read_with_get_all() -> None:
    responses.post(URL, content_type="text/xml", body=_ok(
        f"<getAllResponse {MSGS}><platformCore:getAllResult {CORE}><platformCore:status isSuccess=\"true\"/>"
        "<platformCore:totalRecords>1</platformCore:totalRecords><platformCore:recordList>"
        f'<platformCore:record internalId="1" xsi:type="a:Currency" xmlns:a="{rec.ACCOUNTING}">'
        "<a:name>US Dollar</a:name><a:symbol>USD</a:symbol><a:isBaseCurrency>true</a:isBaseCurrency>"
        "<a:isInactive>false</a:isInactive></platformCore:record></platformCore:recordList>"
        "</platformCore:getAllResult></getAllResponse>"
    ))
    rows = list(_client().search_all("currency"))
    assert rows == [{"id": 1, "name": "US Dollar", "symbol": "USD", "isbasecurrency": True, "isinactive": False}]
    assert responses.calls[0].request.headers["SOAPAction"] == '"getAll"'
    record = _sent(responses.calls[0]).find(f".//{{{rec.MESSAGES}}}record")
    assert record is not None and record.get("recordType") == "currency"


def _read(record_xml: str | None, *, code: str | None = None) -> str:
    status = '<platformCore:status isSuccess="true"/>'
    if code:
        status = (
            '<platformCore:status isSuccess="false"><platformCore:statusDetail type="ERROR">'
            f"<platformCore:code>{code}</platformCore:code><platformCore:message>m</platformCore:message>"
            "</platformCore:statusDetail></platformCore:status>"
        )
    return _ok(f"<getResponse {MSGS}><readResponse {CORE}>{status}{record_xml or ''}</readResponse></getResponse>")


@responses.activate
def test_get_resolves_the_fullname_path_and_missing_is_none() -> None:
    child = _record(2, "Field", 1).replace("platformCore:record", "record")
    parent = _record(1, "Ops").replace("platformCore:record", "record")
    responses.post(URL, body=_read(child), content_type="text/xml")
    responses.post(URL, body=_read(parent), content_type="text/xml")
    responses.post(URL, body=_read(None, code="RCRD_DSNT_EXIST"), content_type="text/xml")
    client = _client()
    row = client.get("department", 2)
    assert row is not None and row["fullname"] == "Ops : Field" and row["parent"] == 1
    ref = _sent(responses.calls[0]).find(f".//{{{rec.MESSAGES}}}baseRef")
    assert ref is not None and (ref.get("internalId"), ref.get("type")) == ("2", "department")
    assert client.get("department", 99) is None


def test_repr_shows_no_secret() -> None:
    client = _client()
    assert CS not in repr(client) and TS not in repr(client)
    assert "1234567_SB1" in repr(client)
    assert client.url == URL
