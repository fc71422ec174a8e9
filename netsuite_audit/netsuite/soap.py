"""Read-only client for NetSuite SOAP web services (SuiteTalk) with token-based auth.

The endpoint version is one setting (``--soap-version``, config key ``soap_version``), 2025_2 by
default (the last SOAP endpoint Oracle publishes); 2024_2 can still be chosen. The service
description is the trimmed WSDL shipped in ``wsdl/<version>`` (parsed once per process and version,
never downloaded); its address is replaced with ``{base_url}/services/NetSuitePort_<version>`` and
every request names that version's namespaces. The client offers getServerTime, search,
searchMoreWithId, get and getAll, and nothing that writes.

Every attempt runs through :func:`~netsuite_audit.netsuite.transport.call_with_retry` inside the
shared gate and carries a new ``tokenPassport``. zeep checks each answer against the schema; the rows
themselves are read from the raw envelope by ``soap_records`` (local names, any version), so a live
answer and a captured one go through the same code.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport
from zeep.wsdl import Document

from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.netsuite import soap_faults as faults
from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.errors import NetSuiteError, TransportError, UnexpectedAnswer
from netsuite_audit.netsuite.http import SafeSession
from netsuite_audit.netsuite.passport import build_passport
from netsuite_audit.netsuite.redact import register_credentials
from netsuite_audit.netsuite.server_time import ServerTime
from netsuite_audit.netsuite.soap_envelope import check_envelope
from netsuite_audit.netsuite.transport import (
    MAX_TOTAL_PAGES,
    MAX_TOTAL_RESULTS,
    TRANSPORT_FAILURES,
    CallStats,
    Gate,
    RetryPolicy,
    call_with_retry,
    parse_http_date,
)

log = logging.getLogger(__name__)


class _QuietConversionErrors(logging.Filter):
    """zeep logs a value it cannot convert (a malformed dateTime from a server) with a traceback
    (``logger.exception``); with no logging set up Python prints it on stderr. nsaudit reads the raw
    envelope itself, so the record is kept for ``-v`` debugging as one line without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return log.isEnabledFor(logging.DEBUG)


logging.getLogger("zeep.xsd.types.simple").addFilter(_QuietConversionErrors())

VERSION = rec.DEFAULT_VERSION
WSDL_ROOT = Path(__file__).resolve().parent / "wsdl"


def service_path(version: str = VERSION) -> str:
    """``/services/NetSuitePort_2025_2``."""
    return f"/services/NetSuitePort_{rec.check_version(version)}"


def wsdl_path(version: str = VERSION) -> Path:
    return WSDL_ROOT / rec.check_version(version) / "netsuite.wsdl"


SERVICE_PATH = service_path()
WSDL_PATH = wsdl_path()
MAX_PAGE_SIZE = 1000
MIN_PAGE_SIZE = 5
_MAX_PARENT_DEPTH = 20

T = TypeVar("T")



@dataclass(frozen=True)
class SearchPage:
    """One page of a search: rows keyed by SuiteQL column names, plus NetSuite's paging fields."""

    rows: list[dict[str, Any]]
    total_records: int
    total_pages: int
    page_index: int
    search_id: str | None


class _OfflineTransport(Transport):
    """Loads the packaged WSDL/XSDs; refuses any attempt to fetch a document over the network."""

    def _load_remote_data(self, url: str) -> bytes:
        raise NetSuiteError(f"the packaged WSDL tried to load {url!r}; it must be self-contained")


@functools.lru_cache(maxsize=len(rec.SUPPORTED_VERSIONS))
def wsdl_document(version: str = VERSION) -> Document:
    """The parsed service description of one version (once per process)."""
    settings = zeep.Settings(strict=False, xml_huge_tree=False)
    # zeep annotates this parameter as a class, but passes and uses an instance.
    return Document(str(wsdl_path(version)), _OfflineTransport(), settings=settings)  # type: ignore[arg-type]


class _CapturingTransport(Transport):
    """zeep transport over the caller's session that keeps the last HTTP response (for its body and
    ``Date`` header) and lets zeep see only answers that are SOAP envelopes (``soap_envelope.py``).

    Redirects, size and time limits are the session's (:class:`~netsuite_audit.netsuite.http.SafeSession`)."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session=session, timeout=timeout, operation_timeout=timeout)
        self.response: requests.Response | None = None

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        response: requests.Response = super().post(address, message, headers)
        self.response = response
        check_envelope(response)
        return response


@dataclass(frozen=True)
class _Reply:
    root: etree._Element
    date_header: str | None
    http_status: int
    local_time: datetime
    elapsed_ms: int


class SoapClient:
    """SuiteTalk client for one account. Thread-safe: each attempt builds its own zeep transport."""

    def __init__(
        self,
        creds: Credentials,
        *,
        gate: Gate | None = None,
        retry: RetryPolicy | None = None,
        stats: CallStats | None = None,
        session: requests.Session | None = None,
        version: str = VERSION,
    ) -> None:
        self._creds = creds
        self.version = rec.check_version(version)
        self.ns = rec.namespaces(self.version)
        self.gate = gate
        self.retry = retry or RetryPolicy()
        self.stats = stats
        self.session = session or SafeSession()
        register_credentials(creds)
        self.url = f"{creds.base_url.rstrip('/')}{service_path(self.version)}"
        self._settings = zeep.Settings(strict=False, xml_huge_tree=False)
        self._doc = wsdl_document(self.version)

    def __repr__(self) -> str:
        return f"SoapClient(account={self._creds.account.realm!r}, url={self.url!r})"

    # ------------------------------------------------------------------------------ plumbing
    def _client(self, transport: Transport) -> zeep.Client:
        return zeep.Client(self._doc, transport=transport, settings=self._settings)

    def _type(self, ns: str, name: str) -> Any:
        return self._doc.types.get_type(f"{{{ns}}}{name}")

    def _send(
        self, operation: str, headers: dict[str, Any] | None, table: str | None = None, **body: Any
    ) -> _Reply:
        """One attempt: new passport, POST, fault/transport errors mapped; returns the raw envelope."""
        timeout = self.retry.request_timeout()
        transport = _CapturingTransport(self.session, timeout)
        client = self._client(transport)
        service = client.create_service(self.ns.binding, self.url)
        soap_headers: dict[str, Any] = {
            "tokenPassport": self._type(self.ns.core, "TokenPassport")(
                **build_passport(self._creds).as_header()
            )
        }
        if headers:
            soap_headers.update(headers)
        started = time.monotonic()
        try:
            getattr(service, operation)(**body, _soapheaders=soap_headers)
        except TransportError as exc:  # the session's limits, or an answer that is not SOAP
            exc.protocol = exc.protocol or faults.PROTOCOL
            raise
        except zeep.exceptions.Fault as exc:
            response = transport.response
            status = response.status_code if response is not None else None
            date = response.headers.get("Date") if response is not None else None
            if response is not None and not _has_soap_fault(response.content):
                # zeep calls any non-200 answer a fault; without a SOAP Fault it is an HTTP failure
                # (a proxy or maintenance page), not NetSuite refusing the request.
                raise faults.transport_error(
                    f"NetSuite answered HTTP {status} without a SOAP fault", status=status, date_header=date
                ) from None
            raise faults.error_for_fault(
                faults.fault_info_from_zeep(exc), status=status, date_header=date, record=table
            ) from None
        except zeep.exceptions.TransportError as exc:
            response = transport.response
            raise faults.transport_error(
                f"NetSuite answered HTTP {exc.status_code} without a SOAP envelope",
                status=exc.status_code,
                date_header=response.headers.get("Date") if response is not None else None,
            ) from None
        except TRANSPORT_FAILURES as exc:
            raise faults.transport_error(
                f"no answer from {self.url} ({type(exc).__name__})"
            ) from None
        except (zeep.exceptions.Error, LookupError, etree.XMLSyntaxError) as exc:
            # zeep could not map the answer onto the trimmed schema (for example a record type it
            # does not know). The raw envelope is still read below, by local names.
            if transport.response is None:
                raise faults.transport_error(f"unusable SOAP answer ({type(exc).__name__})") from None
            log.debug("zeep could not parse the %s answer (%s); reading the raw envelope", operation, exc)
        elapsed = time.monotonic() - started
        response = transport.response
        if response is None:  # pragma: no cover - zeep always posts through the transport
            raise faults.transport_error("no HTTP response was recorded")
        try:
            root = etree.fromstring(response.content, parser=etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            raise faults.transport_error(
                "NetSuite's answer was not XML", status=response.status_code,
                date_header=response.headers.get("Date"),
            ) from None
        fault = faults.find_fault(root)
        if fault is not None:  # zeep normally raises first; kept for answers it let through
            raise faults.error_for_fault(
                fault, status=response.status_code, date_header=response.headers.get("Date"), record=table
            )
        return _Reply(
            root=root,
            date_header=response.headers.get("Date"),
            http_status=response.status_code,
            local_time=datetime.now(UTC),
            elapsed_ms=int(elapsed * 1000),
        )

    def _call(self, kind: str, fn: Callable[[], T]) -> T:
        return call_with_retry(fn, self.retry, stats=self.stats, kind=kind, gate=self.gate)

    def _check_status(self, reply: _Reply, result: etree._Element | None, table: str | None) -> None:
        status = faults.parse_status(rec.child(result, "status") if result is not None else None)
        if status is None:
            status = faults.status_in(reply.root)
        if status is None:
            return
        error = faults.error_for_status(
            status, http_status=reply.http_status, date_header=reply.date_header, record=table
        )
        if error is not None:
            raise error

    # ------------------------------------------------------------------------------- reading
    def server_time(self) -> ServerTime:
        """getServerTime: a cheap login probe. Also returns the HTTP ``Date`` and our clock."""

        def once() -> ServerTime:
            started = datetime.now(UTC)
            reply = self._send("getServerTime", None)
            finished = datetime.now(UTC)
            result = rec.descendant(reply.root, "getServerTimeResult")
            self._check_status(reply, result, None)
            return ServerTime(
                server_time=_parse_iso(rec.text_of(rec.child(result, "serverTime") if result is not None else None)),
                date_header=parse_http_date(reply.date_header),
                local_time=started + (finished - started) / 2,
                elapsed_ms=reply.elapsed_ms,
            )

        return self._call("soap.getServerTime", once)

    def search(self, table: str, *, page_size: int = 1000, active_only: bool = False) -> SearchPage:
        """First page of a basic search over ``table`` (a ``tables.TABLES`` name); all records, inactive
        ones included, unless ``active_only``. ``currency`` is read with getAll (one page)."""
        rm = _searchable(table)
        if rm.get_all:
            rows = self.get_all_currencies()
            return SearchPage(rows=rows, total_records=len(rows), total_pages=1, page_index=1, search_id=None)
        size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, int(page_size)))

        def once() -> SearchPage:
            basic = self._type(self.ns.common, rm.search_basic)
            filters: dict[str, Any] = {}
            if active_only:
                filters["isInactive"] = self._type(self.ns.core, "SearchBooleanField")(searchValue=False)
            # bodyFieldsOnly defaults to true in NetSuite, which would leave out the employee roles list.
            prefs = self._doc.types.get_element(f"{{{self.ns.messages}}}searchPreferences")(
                bodyFieldsOnly=False, returnSearchColumns=False, pageSize=size
            )
            reply = self._send("search", {"searchPreferences": prefs}, table, searchRecord=basic(**filters))
            return self._search_page(reply, table)

        return self._call("soap.search", once)

    def search_more(self, search_id: str, page_index: int, table: str) -> SearchPage:
        """Page ``page_index`` (1-based) of an earlier search."""
        _searchable(table)

        def once() -> SearchPage:
            reply = self._send("searchMoreWithId", None, table, searchId=search_id, pageIndex=int(page_index))
            return self._search_page(reply, table)

        return self._call("soap.searchMoreWithId", once)

    def search_all(self, table: str) -> Iterator[dict[str, Any]]:
        """Every row of ``table``, all pages, with ``fullname`` paths and project customers derived
        the way SuiteQL shows them. Reads everything before yielding (derivation needs all rows)."""
        first = self.search(table)
        rows = list(first.rows)
        page = first
        while page.search_id and page.page_index < page.total_pages:
            page = self.search_more(page.search_id, page.page_index + 1, table)
            rows.extend(page.rows)
        rec.derive_rows(rows, table)
        yield from rows

    def get_all_currencies(self) -> list[dict[str, Any]]:
        """getAll(currency): every currency as a row of the SuiteQL ``currency`` table."""

        def once() -> list[dict[str, Any]]:
            record = self._type(self.ns.core, "GetAllRecord")(recordType="currency")
            reply = self._send("getAll", None, "currency", record=record)
            result = rec.descendant(reply.root, "getAllResult")
            self._check_status(reply, result, "currency")
            rows = _rows(result, "currency")
            self.retry.rows.take(len(rows), protocol=faults.PROTOCOL)
            return rows

        return self._call("soap.getAll", once)

    def get(self, table: str, internal_id: int) -> dict[str, Any] | None:
        """One record by internal id, as a row; None when NetSuite says it does not exist.

        ``fullname`` paths and a project's ``customer`` are resolved with further gets up the parent
        chain, so the row matches what SuiteQL returns.
        """
        rm = rec.record_map(table)
        row = self._get_one(rm, int(internal_id))
        if row is None:
            return None
        if rm.name_column and "fullname" in rm.columns:
            self._resolve_fullname(rm, row)
        if table == "job":
            self._resolve_customer(rm, row)
        return row

    # ------------------------------------------------------------------------------ internals
    def _get_one(self, rm: rec.RecordMap, internal_id: int) -> dict[str, Any] | None:
        def once() -> dict[str, Any] | None:
            ref = self._type(self.ns.core, "RecordRef")(internalId=str(internal_id), type=rm.record_type)
            reply = self._send("get", None, rm.table, baseRef=ref)
            read = rec.descendant(reply.root, "readResponse")
            status = faults.parse_status(rec.child(read, "status") if read is not None else None)
            if (status is not None and not status.is_success
                    and any(d.code == "RCRD_DSNT_EXIST" for d in status.details)):
                return None
            self._check_status(reply, read, rm.table)
            record = rec.child(read, "record") if read is not None else None
            return rec.record_to_row(record, rm.table) if record is not None else None

        return self._call("soap.get", once)

    def _resolve_fullname(self, rm: rec.RecordMap, row: dict[str, Any]) -> None:
        names = [row.get("fullname")]
        parent = row.get("parent")
        seen = {row["id"]}
        while parent is not None and parent not in seen and len(seen) < _MAX_PARENT_DEPTH:
            seen.add(parent)
            above = self._get_one(rm, parent)
            if above is None:
                break
            names.append(above.get("fullname"))
            parent = above.get("parent")
        row["fullname"] = " : ".join(n for n in reversed(names) if n) or None

    def _resolve_customer(self, rm: rec.RecordMap, row: dict[str, Any]) -> None:
        current = row.get("parent")
        seen = {row["id"]}
        while current is not None and current not in seen and len(seen) < _MAX_PARENT_DEPTH:
            seen.add(current)
            above = self._get_one(rm, current)
            if above is None:
                break  # not a project: this is the customer
            current = above.get("parent")
        row["customer"] = current

    def _search_page(self, reply: _Reply, table: str) -> SearchPage:
        result = rec.descendant(reply.root, "searchResult")
        self._check_status(reply, result, table)
        if result is None:
            raise faults.transport_error("the search answer has no searchResult", status=reply.http_status)
        total_records = _int(rec.child(result, "totalRecords"))
        total_pages = _int(rec.child(result, "totalPages"))
        page_index = _int(rec.child(result, "pageIndex"), default=1)
        if not (0 <= total_records <= MAX_TOTAL_RESULTS and 0 <= total_pages <= MAX_TOTAL_PAGES
                and 0 <= page_index <= max(total_pages, 1)):
            raise UnexpectedAnswer(
                f"a search answer promising {total_records} records in {total_pages} pages (page {page_index}); "
                "not what the protocol answers", status=reply.http_status, protocol=faults.PROTOCOL)
        rows = _rows(result, table)
        self.retry.rows.take(len(rows), protocol=faults.PROTOCOL)  # the run's row budget, every table together
        return SearchPage(
            rows=rows,
            total_records=total_records,
            total_pages=total_pages,
            page_index=page_index,
            search_id=rec.text_of(rec.child(result, "searchId")),
        )


# -- helpers -------------------------------------------------------------------------------------


def _searchable(table: str) -> rec.RecordMap:
    rm = rec.record_map(table)
    if rm.table not in rec.RECORDS:
        raise KeyError(table)
    return rm


def _rows(result: etree._Element | None, table: str) -> list[dict[str, Any]]:
    if result is None:
        return []
    record_list = rec.child(result, "recordList")
    if record_list is None:
        return []
    return [rec.record_to_row(el, table) for el in rec.children(record_list, "record")]


def _int(el: etree._Element | None, default: int = 0) -> int:
    text = (rec.text_of(el) or "").strip()
    if not text:
        return default
    if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or len(text) > 18:
        return -1  # not a count any server sends: the caller refuses the answer
    return int(text)



def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _has_soap_fault(content: bytes) -> bool:
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return False
    return faults.find_fault(root) is not None
