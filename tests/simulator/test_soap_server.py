"""The simulator's SOAP endpoint: its answers, its refusals, and round trips through the real client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response
from zeep.transports import Transport
from zeep.wsdl import Document

from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite import soap as soap_client
from netsuite_audit.netsuite import soap_faults as sf
from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    InvalidQuery,
    PermissionDenied,
    ServerError,
)
from netsuite_audit.netsuite.passport import passport_signature
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.simulator import soap
from netsuite_audit.simulator.server import SimServer

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CK, CS, TK, TS = "ck-1", "cs-secret-1", "tk-1", "ts-secret-1"


# -- a minimal account: exactly the handler contract -----------------------------------------------


class FakeDB:
    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.tables.get(table, [])]


class FakeAccount:
    def __init__(self, *, soap_ok: bool = True, readable: frozenset[str] | None = None) -> None:
        classes = [
            {"id": n, "name": f"Class {n}", "fullname": f"Class {n}", "parent": None, "isinactive": n == 3,
             "includechildren": False, "subsidiary": [1]}
            for n in range(1, 13)
        ]
        self.db = FakeDB({
            "classification": classes,
            "currency": [{"id": 1, "name": "US Dollar", "symbol": "USD", "isbasecurrency": True, "isinactive": False}],
            "employee": [{"id": 5, "entityid": "Ada", "isinactive": False, "giveaccess": True,
                          "rolesforsearch": [3, 7], "subsidiary": 1, "class": 2}],
        })
        self.soap_ok = soap_ok
        self.readable = readable
        self.passports: list[dict[str, str]] = []
        self.writes: list[tuple[str, str]] = []
        self.counts: list[str] = []

    def verify_passport(self, **fields: str) -> object | None:
        self.passports.append(fields)
        expected = passport_signature(
            account=fields["account"], consumer_key=fields["consumer_key"], token=fields["token"],
            nonce=fields["nonce"], timestamp=fields["timestamp"], consumer_secret=CS, token_secret=TS,
        )
        ok = fields["account"] == "1234567" and fields["signature"] == expected and bool(fields["nonce"])
        return object() if ok else None

    def can_use_soap(self, principal: object) -> bool:
        return self.soap_ok

    def can_read_table(self, principal: object, table: str) -> bool:
        return self.readable is None or table in self.readable

    def record_write_attempt(self, protocol: str, operation: str) -> None:
        self.writes.append((protocol, operation))

    def count(self, kind: str) -> None:
        self.counts.append(kind)


def _passport_xml(children_ns: str = rec.CORE, *, nonce: str = "abcdefghij0123456789", ts: str = "1700000000",
                  signature: str | None = None) -> str:
    sig = signature if signature is not None else passport_signature(
        account="1234567", consumer_key=CK, token=TK, nonce=nonce, timestamp=ts, consumer_secret=CS, token_secret=TS)
    return (
        f'<m:tokenPassport xmlns:m="{rec.MESSAGES}" xmlns:c="{children_ns}">'
        f"<c:account>1234567</c:account><c:consumerKey>{CK}</c:consumerKey><c:token>{TK}</c:token>"
        f'<c:nonce>{nonce}</c:nonce><c:timestamp>{ts}</c:timestamp><c:signature algorithm="HMAC-SHA256">{sig}'
        "</c:signature></m:tokenPassport>"
    )


def _request(body: str, header: str | None = None, action: str = "") -> Request:
    header = _passport_xml() if header is None else header
    data = (
        f'<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<soapenv:Header>{header}</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )
    builder = EnvironBuilder(method="POST", path="/services/NetSuitePort_2025_2", data=data.encode(),
                             headers={"SOAPAction": f'"{action}"', "Content-Type": "text/xml; charset=utf-8"})
    return Request(builder.get_environ())


def _root(response: Response) -> etree._Element:
    assert response.content_type.startswith("text/xml")
    return etree.fromstring(response.get_data())


def _fault_of(response: Response) -> sf.FaultInfo:
    assert response.status_code == 500
    info = sf.find_fault(_root(response))
    assert info is not None
    return info


STRICT: Document | None = None


def _strict_reply(operation: str, response: Response) -> Any:
    """Parse an answer with zeep against the packaged WSDL in strict mode (unknown elements fail)."""
    global STRICT
    if STRICT is None:
        STRICT = Document(str(soap_client.WSDL_PATH), Transport(), settings=zeep.Settings(strict=True))
    binding = STRICT.bindings[rec.BINDING]
    return binding.get(operation).process_reply(_root(response))


M = f'xmlns="{rec.MESSAGES}"'


def test_get_server_time_answer_is_accepted_by_zeep_and_has_document_info() -> None:
    response = soap.handle(_request(f"<getServerTime {M}/>"), FakeAccount())  # type: ignore[arg-type]
    assert response.status_code == 200
    reply = _strict_reply("getServerTime", response)
    assert reply.body.getServerTimeResult.status.isSuccess is True
    assert reply.body.getServerTimeResult.serverTime is not None
    assert reply.header.documentInfo.nsId.startswith("WEBSERVICES_")


def test_search_pages_clamp_and_search_more_are_accepted_by_zeep() -> None:
    account = FakeAccount()
    prefs = f'<m:searchPreferences xmlns:m="{rec.MESSAGES}"><m:pageSize>2</m:pageSize></m:searchPreferences>'
    body = f'<search {M}><searchRecord xmlns:c="{rec.COMMON}" xsi:type="c:ClassificationSearchBasic"/></search>'
    first = soap.handle(_request(body, _passport_xml() + prefs), account)  # type: ignore[arg-type]
    result = _strict_reply("search", first).body.searchResult
    assert (result.totalRecords, result.pageSize, result.totalPages, result.pageIndex) == (12, 5, 3, 1)
    assert [r.internalId for r in result.recordList.record] == ["1", "2", "3", "4", "5"]
    assert type(result.recordList.record[0]).__name__ == "Classification"
    more = soap.handle(_request(  # type: ignore[arg-type]
        f"<searchMoreWithId {M}><searchId>{result.searchId}</searchId><pageIndex>3</pageIndex></searchMoreWithId>"
    ), account)
    last = _strict_reply("searchMoreWithId", more).body.searchResult
    assert last.pageIndex == 3 and [r.internalId for r in last.recordList.record] == ["11", "12"]
    beyond = soap.handle(_request(  # type: ignore[arg-type]
        f"<searchMoreWithId {M}><searchId>{result.searchId}</searchId><pageIndex>4</pageIndex></searchMoreWithId>"
    ), account)
    status = sf.status_in(_root(beyond))
    assert status is not None and not status.is_success and status.details[0].code == "INVALID_PAGE_INDEX"


def test_search_filters_on_is_inactive() -> None:
    body = (
        f'<search {M}><searchRecord xmlns:c="{rec.COMMON}" xmlns:p="{rec.CORE}" xsi:type="c:ClassificationSearchBasic">'
        "<c:isInactive><p:searchValue>true</p:searchValue></c:isInactive></searchRecord></search>"
    )
    response = soap.handle(_request(body), FakeAccount())  # type: ignore[arg-type]
    result = _strict_reply("search", response).body.searchResult
    assert [r.internalId for r in result.recordList.record] == ["3"]


def test_default_search_preferences_leave_out_the_roles_sublist() -> None:
    body = f'<search {M}><searchRecord xmlns:c="{rec.COMMON}" xsi:type="c:EmployeeSearchBasic"/></search>'
    root = _root(soap.handle(_request(body), FakeAccount()))  # type: ignore[arg-type]
    assert rec.descendant(root, "rolesList") is None
    prefs = (f'<m:searchPreferences xmlns:m="{rec.MESSAGES}">'
             "<m:bodyFieldsOnly>false</m:bodyFieldsOnly></m:searchPreferences>")
    root = _root(soap.handle(_request(body, _passport_xml() + prefs), FakeAccount()))  # type: ignore[arg-type]
    record = rec.descendant(root, "record")
    assert record is not None and rec.record_to_row(record, "employee")["rolesforsearch"] == [3, 7]


def test_get_get_list_and_get_all_are_accepted_by_zeep() -> None:
    account = FakeAccount()
    ref = f'<baseRef xmlns:p="{rec.CORE}" xsi:type="p:RecordRef" internalId="{{}}" type="classification"/>'
    got = _strict_reply("get", soap.handle(_request(f"<get {M}>{ref.format(2)}</get>"), account))  # type: ignore[arg-type]
    assert got.body.readResponse.status.isSuccess and got.body.readResponse.record.name == "Class 2"
    missing = soap.handle(_request(f"<get {M}>{ref.format(99)}</get>"), account)  # type: ignore[arg-type]
    status = sf.status_in(_root(missing))
    assert status is not None and status.details[0].code == "RCRD_DSNT_EXIST"
    listed = soap.handle(_request(f"<getList {M}>{ref.format(1)}{ref.format(99)}</getList>"), account)  # type: ignore[arg-type]
    responses_ = _strict_reply("getList", listed).body.readResponseList.readResponse
    assert [r.status.isSuccess for r in responses_] == [True, False]
    all_ = soap.handle(_request(f'<getAll {M}><record recordType="currency"/></getAll>'), account)  # type: ignore[arg-type]
    result = _strict_reply("getAll", all_).body.getAllResult
    assert result.totalRecords == 1 and result.recordList.record[0].symbol == "USD"


def test_passport_children_in_the_messages_namespace_are_accepted() -> None:
    account = FakeAccount()
    response = soap.handle(_request(f"<getServerTime {M}/>", _passport_xml(rec.MESSAGES)), account)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert account.passports[-1]["consumer_key"] == CK and account.passports[-1]["algorithm"] == "HMAC-SHA256"


@pytest.mark.parametrize("header", ["", "bad-signature"])
def test_missing_or_bad_passport_is_invalid_credentials(header: str) -> None:
    account = FakeAccount()
    passport = "" if header == "" else _passport_xml(signature="AAAA")
    info = _fault_of(soap.handle(_request(f"<getServerTime {M}/>", passport), account))  # type: ignore[arg-type]
    assert (info.fault, info.code) == ("invalidCredentialsFault", "USER_ERROR")
    assert info.faultstring == "Invalid login attempt."
    assert len(account.passports) == 1  # the account saw the attempt (and records its trail)
    if header == "":
        assert set(account.passports[0].values()) == {""}


def test_role_without_soap_web_services_gets_a_permission_fault() -> None:
    info = _fault_of(soap.handle(_request(f"<getServerTime {M}/>"), FakeAccount(soap_ok=False)))  # type: ignore[arg-type]
    assert (info.fault, info.code) == ("insufficientPermissionFault", "WS_PERMISSION_REQD")


def test_search_of_an_unreadable_table_gets_a_permission_fault() -> None:
    body = f'<search {M}><searchRecord xmlns:c="{rec.COMMON}" xsi:type="c:ClassificationSearchBasic"/></search>'
    account = FakeAccount(readable=frozenset({"employee"}))
    info = _fault_of(soap.handle(_request(body), account))  # type: ignore[arg-type]
    assert (info.fault, info.code) == ("insufficientPermissionFault", "INSUFFICIENT_PERMISSION")
    assert "LIST_CLASS" in (info.message or "")


@pytest.mark.parametrize("operation", ["add", "update", "upsert", "delete", "addList", "upsertList"])
def test_writes_are_counted_and_refused(operation: str) -> None:
    account = FakeAccount()
    info = _fault_of(soap.handle(_request(f"<{operation} {M}><record/></{operation}>"), account))  # type: ignore[arg-type]
    assert info.fault == "insufficientPermissionFault"
    assert account.writes == [("soap", operation)]


def test_not_an_envelope_is_a_client_fault() -> None:
    builder = EnvironBuilder(method="POST", path="/services/NetSuitePort_2025_2", data=b"not xml")
    info = _fault_of(soap.handle(Request(builder.get_environ()), FakeAccount()))  # type: ignore[arg-type]
    assert info.faultcode == "soapenv:Client" and info.fault is None


def test_canned_faults_map_to_the_right_client_errors() -> None:
    info = _fault_of(soap.concurrency_fault_response())
    assert (info.fault, info.code) == ("exceededConcurrentRequestLimitFault", "WS_REQUEST_BLOCKED")
    assert info.faultstring == "SuiteTalk concurrent request limit exceeded. Request blocked."
    assert isinstance(sf.error_for_fault(info), ConcurrencyLimited)
    info = _fault_of(soap.unexpected_error_response())
    assert info.code == "UNEXPECTED_ERROR" and isinstance(sf.error_for_fault(info), ServerError)


# -- over HTTP: the real simulator server and the real client ------------------------------------


def _creds(server: SimServer, token_id: int) -> Credentials:
    token = next(t for t in server.fixture.tokens if t.id == token_id)
    integration = next(i for i in server.fixture.integrations if i.id == token.integration)
    return Credentials(
        account=server.fixture.account, consumer_key=integration.consumer_key,
        consumer_secret=Secret(integration.consumer_secret), token_id=token.token_id,
        token_secret=Secret(token.token_secret), base_url=server.url, source="test",
    )


def _soap(server: SimServer, token_id: int) -> soap_client.SoapClient:
    return soap_client.SoapClient(_creds(server, token_id), retry=RetryPolicy(attempts=2, base_delay=0.01))


SimFactory = Callable[..., SimServer]


def test_soap_rows_equal_suiteql_rows_for_every_soap_table(sim_server: SimFactory, healthy_fixture: Path) -> None:
    server = sim_server(healthy_fixture)
    client = _soap(server, 2)
    rest = RestClient(_creds(server, 2))
    assert client.server_time().server_time is not None
    for name, spec in TABLES.items():
        if spec.soap_record is None:
            continue
        absent = set(rec.NOT_IN_SOAP.get(name, ()))  # no SOAP field: not returned over SOAP

        def comparable(rows: Any, absent: set[str] = absent, model: Any = spec.model) -> list[dict[str, Any]]:
            models = sorted((model.model_validate(r) for r in rows), key=lambda m: m.id)
            return [m.model_dump(exclude=absent) for m in models]

        via_soap = comparable(client.search_all(name))
        query = f"SELECT {', '.join(spec.columns)} FROM {name}"
        via_rest = comparable(rest.suiteql_all(query))
        assert via_soap, name
        assert via_soap == via_rest, name
        first = via_soap[0]
        got = client.get(name, first["id"]) if name != "currency" else None
        if got is not None:
            assert comparable([got]) == [first], name
    assert server.counters.write_attempts == 0


def test_paging_over_http(sim_server: SimFactory, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    client = _soap(server, 1)
    page = client.search("classification", page_size=5)
    assert (page.total_records, page.total_pages, len(page.rows)) == (7, 2, 5)
    assert page.search_id
    second = client.search_more(page.search_id, 2, "classification")
    assert [r["id"] for r in second.rows] == [106, 107]
    assert len(list(client.search_all("classification"))) == 7
    with pytest.raises(InvalidQuery):
        client.search_more("WEBSERVICES_NOPE", 1, "classification")


def test_refusals_over_http(sim_server: SimFactory, mini_account: dict[str, Any]) -> None:
    mini_account["roles"].append({"id": 8, "name": "REST Only", "permissions": {"ADMI_LOGIN_OAUTH": "Full",
                                  "ADMI_RESTWEBSERVICES": "Full", "LIST_CLASS": "View"}})
    mini_account["employees"][0]["roles"].append(8)
    mini_account["tokens"].append({"id": 9, "name": "REST only", "token_id": "tk-0009", "token_secret": "ts-0009",
                                   "user": 10, "role": 8, "integration": 1})
    server = sim_server(mini_account)
    with pytest.raises(AuthenticationError) as login:
        _soap(server, 2).server_time()  # revoked token
    assert login.value.code == "USER_ERROR" and login.value.date_header
    last = server.trail.last()
    assert last is not None and last.success is False and last.protocol == "soap"
    assert last.cause == "token_rejected"
    with pytest.raises(PermissionDenied) as no_soap:
        _soap(server, 9).server_time()
    assert no_soap.value.code == "WS_PERMISSION_REQD"
    no_classes = _soap(server, 5)
    assert list(no_classes.search_all("employee"))
    with pytest.raises(PermissionDenied) as denied:
        no_classes.search("classification")
    assert denied.value.code == "INSUFFICIENT_PERMISSION" and denied.value.record == "classification"
    assert server.counters.write_attempts == 0
