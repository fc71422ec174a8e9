"""The simulator's SuiteTalk (SOAP) endpoint: ``POST /services/NetSuitePort_<version>``.

It answers in the version the request names: the URL's version (2024_2 or 2025_2, the ones nsaudit
ships a WSDL for) decides the namespaces of every answer, and a body whose namespaces name another
version is refused.

Per request: parse the envelope; refuse writes (counted, never performed); check the
``tokenPassport`` (children accepted in the core namespace, as the schema has them, and in the
messages namespace, as Oracle's PHP sample sends them); check the role may use SOAP web services;
then answer getServerTime, search, searchMoreWithId, get, getList or getAll from the account's
database through the shared field mapping in ``netsuite/soap_records.py``.

Faults go out with HTTP 500 (the SOAP 1.1 convention) and the NetSuite fault element in
``<detail>``; normal answers with HTTP 200 and a ``documentInfo/nsId`` header, like the captures.
The server (``server.py``) counts each request as ``soap.<operation>`` before it gets here.
"""

from __future__ import annotations

import math
import secrets
import threading
import weakref
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from werkzeug.wrappers import Request, Response

from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.permissions import PERMISSIONS
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.simulator.account import Principal, SimAccount

CONTENT_TYPE = "text/xml; charset=utf-8"
AXIS = "http://xml.apache.org/axis/"
XSD = "http://www.w3.org/2001/XMLSchema"
DEFAULT_PAGE_SIZE = 1000
MIN_PAGE_SIZE = 5
MAX_PAGE_SIZE = 1000
HOSTNAME = "nsaudit-simulator"

# Everything in SuiteTalk that changes data. Each is counted as a write attempt and refused.
WRITE_OPERATIONS = frozenset({
    "add", "addList", "update", "updateList", "upsert", "upsertList", "delete", "deleteList",
    "attach", "detach", "initialize", "initializeList", "updateInviteeStatus", "updateInviteeStatusList",
    "asyncAddList", "asyncUpdateList", "asyncUpsertList", "asyncDeleteList", "asyncInitializeList",
    "changePassword", "changeEmail", "mapSso",
})

# NetSuite's own wire texts (facts of the protocol, quoted because clients match on them).
LOGIN_FAILED = "Invalid login attempt."
CONCURRENCY_TEXT = "SuiteTalk concurrent request limit exceeded. Request blocked."
UNEXPECTED_TEXT = "An unexpected error occurred. Error ID: nsauditsimulator0"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

SERVICE_PREFIX = "/services/NetSuitePort_"
# The SuiteTalk version the request being answered names (its URL): every answer is written in that
# version's namespaces. One request runs in one thread, so a context variable carries it.
_VERSION: ContextVar[str] = ContextVar("nsaudit_simulator_soap_version", default=rec.DEFAULT_VERSION)


def _ns() -> rec.Namespaces:
    return rec.Namespaces(_VERSION.get())


def version_of(request: Request) -> str | None:
    """``/services/NetSuitePort_2025_2`` -> ``2025_2`` when nsaudit ships that version, else None."""
    path = request.path
    version = path[len(SERVICE_PREFIX):] if path.startswith(SERVICE_PREFIX) else ""
    return version if version in rec.SUPPORTED_VERSIONS else None


def use_version(request: Request) -> None:
    """Answer this request in the version its URL names (the default one when it names no known one)."""
    _VERSION.set(version_of(request) or rec.DEFAULT_VERSION)


# -- envelopes ---------------------------------------------------------------------------------


def _envelope(body_child: etree._Element | None, *, header: bool, realm: str = "") -> etree._Element:
    env = etree.Element(
        f"{{{rec.SOAP_ENV}}}Envelope", nsmap={"soapenv": rec.SOAP_ENV, "xsd": XSD, "xsi": rec.XSI}
    )
    if header:
        head = etree.SubElement(env, f"{{{rec.SOAP_ENV}}}Header")
        info = etree.SubElement(
            head, f"{{{_ns().messages}}}documentInfo", nsmap={"platformMsgs": _ns().messages}
        )
        etree.SubElement(info, f"{{{_ns().messages}}}nsId").text = _ns_id(realm)
    body = etree.SubElement(env, f"{{{rec.SOAP_ENV}}}Body")
    if body_child is not None:
        body.append(body_child)
    return env


def _ns_id(realm: str) -> str:
    return f"WEBSERVICES_{realm or 'SIM'}_{secrets.randbelow(10**20):020d}_{secrets.token_hex(7)}"


def _xml_response(env: etree._Element, status: int) -> Response:
    data = etree.tostring(env, xml_declaration=True, encoding="UTF-8")
    return Response(data, status=status, content_type=CONTENT_TYPE)


def fault_response(fault: str | None, code: str | None, message: str, *, faultcode: str | None = None) -> Response:
    """A SOAP fault with HTTP 500. ``fault`` is the NetSuite fault element (``invalidCredentialsFault``);
    without one the fault has no NetSuite detail."""
    env = _envelope(None, header=False)
    body = env[0]
    node = etree.SubElement(body, f"{{{rec.SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = faultcode or "soapenv:Server.userException"
    etree.SubElement(node, "faultstring").text = message
    detail = etree.SubElement(node, "detail")
    if fault is not None:
        el = etree.SubElement(detail, f"{{{_ns().faults}}}{fault}", nsmap={"platformFaults": _ns().faults})
        etree.SubElement(el, f"{{{_ns().faults}}}code").text = code or "UNEXPECTED_ERROR"
        etree.SubElement(el, f"{{{_ns().faults}}}message").text = message
    etree.SubElement(detail, f"{{{AXIS}}}hostname", nsmap={"ns1": AXIS}).text = HOSTNAME
    return _xml_response(env, 500)


def concurrency_fault_response(request: Request | None = None) -> Response:
    """What NetSuite answers a token-based request past the account's concurrency limit."""
    if request is not None:
        use_version(request)
    return fault_response("exceededConcurrentRequestLimitFault", "WS_REQUEST_BLOCKED", CONCURRENCY_TEXT)


def unexpected_error_response(request: Request | None = None) -> Response:
    if request is not None:
        use_version(request)
    return fault_response("unexpectedErrorFault", "UNEXPECTED_ERROR", UNEXPECTED_TEXT)


def login_failed_response() -> Response:
    # Code USER_ERROR as in the public invalid-login fixture; NetSuite never says why a login failed.
    return fault_response("invalidCredentialsFault", "USER_ERROR", LOGIN_FAILED)


def _ok(name: str, result: etree._Element, realm: str) -> Response:
    wrapper = etree.Element(f"{{{_ns().messages}}}{name}", nsmap={None: _ns().messages})
    wrapper.append(result)
    return _xml_response(_envelope(wrapper, header=True, realm=realm), 200)


def _status(parent: etree._Element, ok: bool, code: str | None = None, message: str | None = None) -> None:
    status = etree.SubElement(parent, f"{{{_ns().core}}}status", isSuccess="true" if ok else "false")
    if not ok:
        detail = etree.SubElement(status, f"{{{_ns().core}}}statusDetail", type="ERROR")
        etree.SubElement(detail, f"{{{_ns().core}}}code").text = code
        etree.SubElement(detail, f"{{{_ns().core}}}message").text = message


def _core(tag: str) -> etree._Element:
    return etree.Element(f"{{{_ns().core}}}{tag}", nsmap={"platformCore": _ns().core})


# -- search sessions ---------------------------------------------------------------------------


@dataclass
class _Search:
    table: str
    rows: list[dict[str, Any]]
    page_size: int
    body_fields_only: bool


class _Searches:
    """Search results kept per searchId, per account, for searchMoreWithId."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, _Search] = {}

    def put(self, realm: str, search: _Search) -> str:
        search_id = _ns_id(realm)
        with self._lock:
            self._by_id[search_id] = search
        return search_id

    def get(self, search_id: str) -> _Search | None:
        with self._lock:
            return self._by_id.get(search_id)


_SEARCHES: weakref.WeakKeyDictionary[SimAccount, _Searches] = weakref.WeakKeyDictionary()
_SEARCHES_LOCK = threading.Lock()


def _searches(account: SimAccount) -> _Searches:
    with _SEARCHES_LOCK:
        store = _SEARCHES.get(account)
        if store is None:
            store = _Searches()
            _SEARCHES[account] = store
        return store



# -- request parsing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Envelope:
    header: etree._Element | None
    operation: str
    body: etree._Element


def _parse(data: bytes) -> _Envelope | None:
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    if rec.local(root.tag) != "Envelope":
        return None
    body = rec.child(root, "Body")
    if body is None:
        return None
    op = next((el for el in body if rec.local(el.tag)), None)
    if op is None:
        return None
    return _Envelope(header=rec.child(root, "Header"), operation=rec.local(op.tag), body=op)


def _passport_fields(header: etree._Element | None) -> dict[str, str]:
    """tokenPassport values by local name, so children in either namespace are read."""
    fields = dict.fromkeys(("account", "consumer_key", "token", "nonce", "timestamp", "signature"), "")
    fields["algorithm"] = ""
    passport = rec.child(header, "tokenPassport") if header is not None else None
    if passport is None:
        return fields
    names = {"account": "account", "consumerKey": "consumer_key", "token": "token", "nonce": "nonce",
             "timestamp": "timestamp", "signature": "signature"}
    for node in passport:
        key = names.get(rec.local(node.tag))
        if key is not None:
            fields[key] = (node.text or "").strip()
            if key == "signature":
                fields["algorithm"] = (node.get("algorithm") or "").strip()
    return fields


def _search_preferences(header: etree._Element | None) -> tuple[int, bool]:
    """(pageSize clamped to 5..1000, bodyFieldsOnly) from the searchPreferences header."""
    prefs = rec.child(header, "searchPreferences") if header is not None else None
    size, body_only = DEFAULT_PAGE_SIZE, True
    if prefs is not None:
        raw = rec.text_of(rec.child(prefs, "pageSize"))
        if raw and raw.strip().lstrip("-").isdigit():
            size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, int(raw.strip())))
        flag = rec.text_of(rec.child(prefs, "bodyFieldsOnly"))
        if flag is not None:
            body_only = flag.strip().lower() in ("true", "1")
    return size, body_only


# -- handler -----------------------------------------------------------------------------------


def _realm(account: SimAccount) -> str:
    # realm, now_utc and refuse are SimAccount extras beyond the handler contract; a minimal account
    # (tests) may lack them.
    return str(getattr(account, "realm", "") or "")


def _now(account: SimAccount) -> datetime:
    now_utc = getattr(account, "now_utc", None)
    return now_utc() if callable(now_utc) else datetime.now(UTC)


def _refuse(account: SimAccount, reason: str) -> None:
    refuse = getattr(account, "refuse", None)
    if callable(refuse):
        refuse(reason)



def _bearer_refusal(account: SimAccount) -> bool:
    """SOAP accepts only TBA: a request that brings an OAuth 2.0 Bearer token is refused (and trailed)."""
    refuse = getattr(account, "refuse_bearer_on_soap", None)
    if callable(refuse):
        refuse()
    return True


def handle(request: Request, account: SimAccount) -> Response:
    """Answer one SOAP request for ``account``, in the SuiteTalk version its URL names."""
    use_version(request)
    if version_of(request) is None:
        _refuse(account, "request")
        # UNCERTAIN: NetSuite's answer for an endpoint version it does not serve.
        return fault_response("invalidVersionFault", "INVALID_VERSION",
                              f"The simulator serves {', '.join(rec.SUPPORTED_VERSIONS)} only, not {request.path}.")
    env = _parse(request.get_data())
    if env is None:
        return fault_response(None, None, "The request body is not a SOAP envelope.", faultcode="soapenv:Client")
    named = rec.version_of_namespace(etree.QName(env.body).namespace or "")
    if named != _VERSION.get():
        _refuse(account, "request")
        # UNCERTAIN: NetSuite's answer when the body's namespaces name another version than the URL.
        return fault_response(None, None, f"The request names version {named or 'none'} in its namespaces, "
                              f"but was sent to the {_VERSION.get()} endpoint.", faultcode="soapenv:Client")
    if env.operation in WRITE_OPERATIONS:
        account.record_write_attempt("soap", env.operation)
        return fault_response(
            "insufficientPermissionFault",
            "INSUFFICIENT_PERMISSION",
            "This is the nsaudit NetSuite simulator and it is read-only: it refuses every write.",
        )
    if request.headers.get("Authorization", "")[:7].lower() == "bearer " and _bearer_refusal(account):
        return login_failed_response()
    principal = account.verify_passport(**_passport_fields(env.header))
    if principal is None:
        return login_failed_response()
    if not account.can_use_soap(principal):
        # UNCERTAIN: the exact fault NetSuite sends when the role lacks SOAP Web Services (or the
        # feature is off); WS_PERMISSION_REQD inside insufficientPermissionFault is our best reading.
        return fault_response(
            "insufficientPermissionFault",
            "WS_PERMISSION_REQD",
            "The role this token runs as is not allowed to use SOAP web services.",
        )
    realm = _realm(account)
    op = env.operation
    if op == "getServerTime":
        return _server_time(account, realm)
    if op == "search":
        return _search(env, account, principal, realm)
    if op == "searchMoreWithId":
        return _search_more(env, account, principal, realm)
    if op == "get":
        return _get(env, account, principal, realm)
    if op == "getList":
        return _get_list(env, account, principal, realm)
    if op == "getAll":
        return _get_all(env, account, principal, realm)
    _refuse(account, "request")
    return fault_response(None, None, f"The nsaudit simulator does not implement the {op} operation.")


def _server_time(account: SimAccount, realm: str) -> Response:
    result = _core("getServerTimeResult")
    _status(result, True)
    now = _now(account)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    etree.SubElement(result, f"{{{_ns().core}}}serverTime").text = stamp
    return _ok("getServerTimeResponse", result, realm)


def _denied_text(table: str) -> str:
    key = TABLES[table].permission
    perm = PERMISSIONS.get(key)
    label = f"{perm.name} ({key})" if perm else key
    return f"The role may not read {table} records; it needs the {label} permission."


def _filtered_rows(account: SimAccount, table: str, search_record: etree._Element) -> list[dict[str, Any]]:
    rows = account.db.rows(table)
    inactive = rec.child(search_record, "isInactive")
    if inactive is not None:
        wanted = (rec.text_of(rec.child(inactive, "searchValue")) or "").strip().lower() in ("true", "1")
        rows = [r for r in rows if bool(r.get("isinactive")) == wanted]
    ids_field = rec.child(search_record, "internalId")
    if ids_field is not None:
        ids = {int(v.get("internalId", "0")) for v in rec.children(ids_field, "searchValue")
               if (v.get("internalId") or "").isdigit()}
        keep = (ids_field.get("operator") or "anyOf") != "noneOf"
        rows = [r for r in rows if (r.get("id") in ids) == keep]
    return sorted(rows, key=lambda r: r.get("id") or 0)


def _search(env: _Envelope, account: SimAccount, principal: Principal, realm: str) -> Response:
    search_record = rec.child(env.body, "searchRecord")
    type_name = rec.xsi_type_name(search_record) if search_record is not None else None
    rm = None
    if type_name and type_name.endswith("SearchBasic"):
        rm = rec.for_type_name(type_name.removesuffix("SearchBasic"))
    if search_record is None or rm is None or rm.get_all:
        _refuse(account, "request")
        # UNCERTAIN: NetSuite's answer to a search type it cannot run; a failed status is used.
        return _search_failed(realm, "INVALID_SEARCH", f"The simulator cannot run a {type_name or 'missing'} search.")
    if not account.can_read_table(principal, rm.table):
        _refuse(account, "permission")
        return fault_response("insufficientPermissionFault", "INSUFFICIENT_PERMISSION", _denied_text(rm.table))
    page_size, body_only = _search_preferences(env.header)
    search = _Search(rm.table, _filtered_rows(account, rm.table, search_record), page_size, body_only)
    search_id = _searches(account).put(realm, search)
    return _ok("searchResponse", _search_result(search, search_id, 1), realm)


def _search_more(env: _Envelope, account: SimAccount, principal: Principal, realm: str) -> Response:
    search_id = (rec.text_of(rec.child(env.body, "searchId")) or "").strip()
    raw_index = (rec.text_of(rec.child(env.body, "pageIndex")) or "").strip()
    search = _searches(account).get(search_id)
    if search is None:
        _refuse(account, "request")
        # UNCERTAIN: the code NetSuite gives for an unknown or expired search id.
        return _search_failed(realm, "INVALID_SEARCH", "That search id is unknown or has expired.",
                              name="searchMoreWithIdResponse")
    if not account.can_read_table(principal, search.table):
        _refuse(account, "permission")
        return fault_response("insufficientPermissionFault", "INSUFFICIENT_PERMISSION", _denied_text(search.table))
    pages = _total_pages(search)
    if not raw_index.isdigit() or not 1 <= int(raw_index) <= max(pages, 1):
        _refuse(account, "request")
        return _search_failed(realm, "INVALID_PAGE_INDEX", f"Page index {raw_index or '?'} is out of range 1..{pages}.",
                              name="searchMoreWithIdResponse")
    return _ok("searchMoreWithIdResponse", _search_result(search, search_id, int(raw_index)), realm)


def _total_pages(search: _Search) -> int:
    return math.ceil(len(search.rows) / search.page_size) if search.rows else 0


def _search_result(search: _Search, search_id: str, page_index: int) -> etree._Element:
    result = _core("searchResult")
    _status(result, True)
    total = len(search.rows)
    for tag, value in (
        ("totalRecords", total),
        ("pageSize", search.page_size),
        ("totalPages", _total_pages(search)),
        ("pageIndex", page_index),
        ("searchId", search_id),
    ):
        etree.SubElement(result, f"{{{_ns().core}}}{tag}").text = str(value)
    start = (page_index - 1) * search.page_size
    page = search.rows[start : start + search.page_size]
    if page:
        record_list = etree.SubElement(result, f"{{{_ns().core}}}recordList")
        for row in page:
            record_list.append(_record(row, search.table, f"{{{_ns().core}}}record", search.body_fields_only))
    return result


def _search_failed(realm: str, code: str, message: str, *, name: str = "searchResponse") -> Response:
    result = _core("searchResult")
    _status(result, False, code, message)
    return _ok(name, result, realm)


def _record(row: Mapping[str, Any], table: str, tag: str, body_fields_only: bool = False) -> etree._Element:
    el = rec.row_to_record(row, table, tag, version=_VERSION.get())
    if body_fields_only:
        # Sublists (the employee's roles list) are not body fields.
        for fm in rec.record_map(table).fields:
            if fm.kind == "roles":
                for node in list(rec.children(el, fm.element)):
                    el.remove(node)
    return el


def _read_response(account: SimAccount, principal: Principal, ref: etree._Element | None) -> etree._Element:
    read = etree.Element(f"{{{_ns().messages}}}readResponse", nsmap={"platformCore": _ns().core})
    record_type = (ref.get("type") or "").strip() if ref is not None else ""
    raw_id = (ref.get("internalId") or "").strip() if ref is not None else ""
    rm = next((m for m in rec.RECORDS.values() if m.record_type == record_type), None)
    if rm is None:
        # UNCERTAIN: code for a record type the endpoint cannot read.
        _status(read, False, "INVALID_RCRD_TYPE", f"The simulator cannot read records of type {record_type!r}.")
        return read
    if not account.can_read_table(principal, rm.table):
        _refuse(account, "permission")
        _status(read, False, "INSUFFICIENT_PERMISSION", _denied_text(rm.table))
        return read
    row = next((r for r in account.db.rows(rm.table) if str(r.get("id")) == raw_id), None)
    if row is None:
        _refuse(account, "not_found")
        _status(read, False, "RCRD_DSNT_EXIST", f"There is no {record_type} record with internal id {raw_id!r}.")
        return read
    _status(read, True)
    read.append(_record(row, rm.table, f"{{{_ns().messages}}}record"))
    return read


def _get(env: _Envelope, account: SimAccount, principal: Principal, realm: str) -> Response:
    read = _read_response(account, principal, rec.child(env.body, "baseRef"))
    return _ok("getResponse", read, realm)


def _get_list(env: _Envelope, account: SimAccount, principal: Principal, realm: str) -> Response:
    refs: Sequence[etree._Element] = list(rec.children(env.body, "baseRef"))
    result = etree.Element(f"{{{_ns().messages}}}readResponseList", nsmap={"platformCore": _ns().core})
    _status(result, True)
    for ref in refs:
        result.append(_read_response(account, principal, ref))
    return _ok("getListResponse", result, realm)


def _get_all(env: _Envelope, account: SimAccount, principal: Principal, realm: str) -> Response:
    record = rec.child(env.body, "record")
    record_type = (record.get("recordType") or "").strip() if record is not None else ""
    result = _core("getAllResult")
    if record_type != "currency":
        # UNCERTAIN: the simulator serves getAll for currency only.
        _status(result, False, "INVALID_RCRD_TYPE", f"The simulator cannot list {record_type or 'missing'} records.")
        return _ok("getAllResponse", result, realm)
    if not account.can_read_table(principal, "currency"):
        _refuse(account, "permission")
        return fault_response("insufficientPermissionFault", "INSUFFICIENT_PERMISSION", _denied_text("currency"))
    rows = sorted(account.db.rows("currency"), key=lambda r: r.get("id") or 0)
    _status(result, True)
    etree.SubElement(result, f"{{{_ns().core}}}totalRecords").text = str(len(rows))
    if rows:
        record_list = etree.SubElement(result, f"{{{_ns().core}}}recordList")
        for row in rows:
            record_list.append(_record(row, "currency", f"{{{_ns().core}}}record"))
    return _ok("getAllResponse", result, realm)


__all__ = [
    "concurrency_fault_response",
    "fault_response",
    "handle",
    "login_failed_response",
    "unexpected_error_response",
]
