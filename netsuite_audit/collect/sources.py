"""Where table rows come from: SuiteQL over REST, or SOAP searches. Both yield rows keyed by the
SuiteQL column names, so the snapshot is the same whichever path read it."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from netsuite_audit.netsuite import names
from netsuite_audit.netsuite.errors import InvalidQuery, NetSuiteError, PermissionDenied, UnexpectedAnswer
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.support.fieldsets import share_fields_sets

# NetSuite's words for a name it does not know (a missing permission or feature reads the same).
_UNKNOWN_NAME_WORDS = ("unknown identifier", "invalid search type", "was not found")


class UncertainNameUnknown(NetSuiteError):
    """NetSuite does not know a table or column that nsaudit's list marks UNCERTAIN (names.toml).

    The value is unknown: the name may be wrong, so this is never read as a missing permission."""

    def __init__(self, message: str, *, name: str, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.name = name


def _unknown_name(exc: NetSuiteError) -> bool:
    text = (exc.message or "").lower()
    return isinstance(exc, (PermissionDenied, InvalidQuery)) and any(w in text for w in _UNKNOWN_NAME_WORDS)


def _uncertain_refusal(table: str, exc: NetSuiteError) -> UncertainNameUnknown | None:
    """The error to raise instead of ``exc`` when the name NetSuite does not know is the table itself
    and the table is UNCERTAIN. (An unknown column is retried with ``SELECT *`` by the caller.)"""
    if not _unknown_name(exc):
        return None
    said = (getattr(exc, "record", None) or "").lower()
    if said not in ("", table) or not names.uncertain_table(table):
        return None
    return UncertainNameUnknown(
        f"NetSuite does not know the table {table!r}. nsaudit could not confirm that name against "
        "Oracle's lists (it is UNCERTAIN in nsaudit's names list), so what the table holds is unknown; "
        "this is not reported as a missing permission",
        name=table, code=exc.code, status=exc.status, protocol=exc.protocol, date_header=exc.date_header,
    )


PAGE_SIZE = 1000  # SuiteQL's maximum page, and the SOAP search page size we ask for
# SuiteQL over REST returns at most 100,000 rows for one query (Oracle help, "SuiteQL" in SuiteTalk
# REST, section_157909186990: at most 1000 pages of 1000): an offset past it is refused. A larger
# table is read as consecutive partitions of at most this many rows (keyset: WHERE key > the last key
# of the previous partition), each paged like any query.
MAX_QUERY_ROWS = 100_000
# Tables without an id column: the columns that order their rows uniquely (the keyset).
_KEYS: dict[str, tuple[str, ...]] = {
    "rolepermissions": ("role", "permkey"),
    "jobresources": ("project", "jobresource"),
    "customersubsidiaryrelationship": ("entity", "subsidiary"),
    "vendorcurrencybalance": ("vendor", "currency"),
}
# Report ids per transaction search. Each id is one ``UPPER(externalid) LIKE ?`` term of an OR chain
# (about 8 SQL tokens): 500 keeps a query well under the read-only guard's 10,000 tokens and under
# SQLite's expression depth in the simulator. How long a SuiteQL query NetSuite accepts is UNCERTAIN
# (``nsaudit doctor`` asks).
REPORT_ID_BATCH = 500
# Transactions one report id can match: one in practice (a few more with the token search); a server
# that keeps paging far past this is not answering the look-up (its pages would only fill memory).
MAX_ROWS_PER_REPORT_ID = 100


def report_search(columns: str, report_ids: Sequence[str]) -> tuple[str, list[object]]:
    """The transactions whose external id holds any of ``report_ids`` anywhere, case ignored.

    The check (NS0034) matches a report id as a separate token of the external id, case ignored;
    every such external id contains the id, so ``UPPER(externalid) LIKE '%ID%'`` returns all of them
    (and a few more, which the check drops). The ids travel only as bound parameters; ``%`` or ``_``
    inside an id only widen the search. SuiteQL's LIKE is Oracle's: case-sensitive, hence UPPER on
    both sides (the simulator's LIKE is made case-sensitive too)."""
    terms = " OR ".join("UPPER(externalid) LIKE ?" for _ in report_ids)
    return (f"SELECT {columns} FROM transaction WHERE {terms} ORDER BY id",
            [f"%{rid.strip().upper()}%" for rid in report_ids])


class TableSource(Protocol):
    via: str

    def can_read(self, table: str) -> bool: ...

    def first_page(self, table: str) -> tuple[list[dict[str, Any]], list[Any]]:
        """Rows of the first page and the keys of the pages still to fetch."""
        ...

    def page(self, table: str, key: Any) -> list[dict[str, Any]]: ...

    def unknown_columns(self, table: str, rows: Sequence[Any]) -> tuple[str, ...]:
        """Columns of ``table`` this read did not return (their values are unknown, not empty)."""
        ...


def _order_columns(table: str) -> tuple[str, ...]:
    columns = TABLES[table].columns
    return ("id",) if "id" in columns else _KEYS.get(table, (columns[0],))


def _after(keys: tuple[str, ...], last: dict[str, str]) -> tuple[str, list[object]] | None:
    """``WHERE`` text and parameters for the rows after ``last`` in ``keys`` order (keyset paging);
    None when ``last`` lacks a key value (the partition cannot be continued safely)."""
    values = [str(last.get(k) or "") for k in keys]
    if any(not v for v in values):
        return None
    typed: list[object] = [int(v) if v.isdigit() else v for v in values]
    terms, params = [], []
    for n in range(len(keys)):  # (a > ?) OR (a = ? AND b > ?) ...
        eq = [f"{keys[i]} = ?" for i in range(n)]
        terms.append("(" + " AND ".join([*eq, f"{keys[n]} > ?"]) + ")")
        params += [*typed[:n], typed[n]]
    return " OR ".join(terms), params


class PartitionUnsafe(NetSuiteError):
    """A table holds more rows than one SuiteQL query returns and cannot be split safely."""


class SuiteQLSource:
    """Reads a table with ``SELECT <columns> FROM <table> ORDER BY id``, 1000 rows a page.

    If NetSuite does not know one of our columns (an UNCERTAIN name, or a field hidden by a feature),
    the table is read again with ``SELECT *`` and the model keeps what it knows. NetSuite leaves null
    columns out of each row, so with an explicit column list a column never seen is known to be empty;
    after ``SELECT *`` a column of ours never seen in any row may simply not exist, so it is unknown.
    """

    def __init__(self, client: RestClient, *, via: str = "rest", report_ids: Sequence[str] = (),
                 later_report_ids: Callable[[], Sequence[str]] | None = None) -> None:
        self.client = client
        self.via = via
        self.report_ids = list(report_ids)
        self._later = later_report_ids  # the ids are still being read: asked for (and waited on) when needed
        self._queries: dict[str, tuple[str, list[object]]] = {}
        self._seen: dict[str, set[str]] = {}  # tables read with SELECT *: the columns NetSuite returned
        self._lock = threading.Lock()

    def can_read(self, table: str) -> bool:
        return True

    @property
    def looked_up(self) -> tuple[str, ...] | None:
        """The report ids the transaction read looks up (None while they are still being read)."""
        return None if self._later is not None else tuple(self.report_ids)

    def _query(self, table: str, star: bool = False, batch: int = 0) -> tuple[str, list[object]]:
        columns = "*" if star else ", ".join(TABLES[table].columns)
        if table == "transaction":
            ids = self.report_ids[batch * REPORT_ID_BATCH:(batch + 1) * REPORT_ID_BATCH]
            return report_search(columns, ids)
        return f"SELECT {columns} FROM {table} ORDER BY {', '.join(_order_columns(table))}", []

    def _partition_query(self, table: str, star: bool, last: dict[str, str]) -> tuple[str, list[object]]:
        keys = _order_columns(table)
        after = _after(keys, last)
        if after is None or (len(keys) == 1 and keys[0] != "id" and table not in _KEYS):
            raise PartitionUnsafe(
                f"{table} has more than {MAX_QUERY_ROWS:,} rows, the most one SuiteQL query returns, and nsaudit "
                "has no unique key to read it in parts", code="TOO_MANY_ROWS", protocol="rest")
        columns = "*" if star else ", ".join(TABLES[table].columns)
        where, params = after
        return f"SELECT {columns} FROM {table} WHERE {where} ORDER BY {', '.join(keys)}", params

    def _partitions(self, table: str, star: bool, first: Any, total: int,
                    ) -> tuple[list[dict[str, str]], list[Any]]:
        """Rows and page keys of a table larger than one query returns.

        Partition 0 is the plain query; partition k+1 starts after the last row of partition k, which
        is on partition k's last page (offset 99,000). Only those last pages and each partition's first
        page are fetched here, in sequence; every other page is returned as a key for the reader to
        fetch in parallel. Pages already fetched come back as ("have", rows) keys, in order, so the rows
        keep their order and every page is fetched exactly once: the calls stay at the lower bound."""
        query, params = self._queries[table]
        keys: list[Any] = []
        last_offset = MAX_QUERY_ROWS - PAGE_SIZE
        part_first, part_total = first, total
        keycols = _order_columns(table)
        previous: tuple[str, ...] | None = None
        while True:
            pages = math.ceil(min(part_total, MAX_QUERY_ROWS) / PAGE_SIZE)
            middle = [("part", query, tuple(params), n * PAGE_SIZE) for n in range(1, pages)]
            if part_total <= MAX_QUERY_ROWS:
                keys += middle
                break
            tail = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=last_offset)
            self._note_columns(table, tail.items)
            if not tail.items:
                raise PartitionUnsafe(f"{table}: NetSuite returned no rows at offset {last_offset:,} of a "
                                      f"query it said holds {part_total:,}", code="TOO_MANY_ROWS", protocol="rest")
            keys += [*middle[:-1], ("have", _typed(table, tail.items))]
            boundary = tuple(str(tail.items[-1].get(k) or "") for k in keycols)
            if boundary == previous:  # a partition that does not move on: not the protocol's answer, never looped on
                raise UnexpectedAnswer(f"{table}: the next partition starts where the last one did; not what the "
                                       "protocol answers", code="TOO_MANY_ROWS", protocol="rest")
            previous = boundary
            query, params = self._partition_query(table, star, tail.items[-1])
            part_first = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=0)
            self._note_columns(table, part_first.items)
            keys.append(("have", _typed(table, part_first.items)))
            part_total = (part_first.total_results if part_first.total_results is not None
                          else len(part_first.items))
            if not part_first.items:
                keys.pop()
                break
        return list(first.items), keys

    def first_page(self, table: str) -> tuple[list[dict[str, Any]], list[Any]]:
        if table == "transaction" and self._later is not None:
            with self._lock:
                if self._later is not None:
                    self.report_ids, self._later = list(self._later()), None
        if table == "transaction" and not self.report_ids:
            return [], []  # no pending report to look up
        query, params = self._query(table)
        try:
            page = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=0)
        except (PermissionDenied, InvalidQuery) as exc:
            unknown = _uncertain_refusal(table, exc)
            if unknown is not None:
                raise unknown from None
            record = getattr(exc, "record", None)
            if not isinstance(exc, PermissionDenied) or not record or record.lower() == table:
                raise
            query, params = self._query(table, star=True)
            try:
                page = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=0)
            except (PermissionDenied, InvalidQuery) as again:
                unknown = _uncertain_refusal(table, again)
                if unknown is not None:
                    raise unknown from None
                raise
            with self._lock:
                self._seen[table] = set()
        self._queries[table] = (query, params)
        self._note_columns(table, page.items)
        total = page.total_results if page.total_results is not None else len(page.items)
        if table == "transaction":  # batch 0 of the look-up, paged and bounded like every other batch
            if total > MAX_ROWS_PER_REPORT_ID * len(params):
                raise UnexpectedAnswer(f"the transaction look-up of {len(params)} report ids promised {total} rows; "
                                       "not what the protocol answers", protocol="rest")
            items = self._rest_of_batch(query, params, page)
            self._note_columns(table, items)
            batches = [("batch", n) for n in range(1, math.ceil(len(self.report_ids) / REPORT_ID_BATCH))]
            return _typed(table, items), batches
        if total > MAX_QUERY_ROWS:
            items, keys = self._partitions(table, table in self._seen, page, total)
            return _typed(table, items), keys
        pages = math.ceil(total / PAGE_SIZE)
        rest: list[Any] = [n * PAGE_SIZE for n in range(1, pages)] if page.has_more or pages > 1 else []
        return _typed(table, page.items), rest

    def page(self, table: str, key: Any) -> list[Any]:
        if isinstance(key, tuple) and key[0] == "have":  # fetched while finding a partition's start
            rows: list[Any] = key[1]
            return rows
        if isinstance(key, tuple) and key[0] == "part":
            _, query, params, offset = key
            items = self.client.suiteql_page(query, list(params), limit=PAGE_SIZE, offset=offset).items
            self._note_columns(table, items)
            return _typed(table, items)
        if isinstance(key, tuple):
            return self._batch(table, key[1])
        query, params = self._queries[table]
        items = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=int(key)).items
        self._note_columns(table, items)
        return _typed(table, items)

    def _batch(self, table: str, batch: int) -> list[Any]:
        """Every page of one further batch of report ids (rarely more than one page)."""
        query, params = self._query(table, star=table in self._seen, batch=batch)
        page = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=0)
        items = self._rest_of_batch(query, params, page)
        self._note_columns(table, items)
        return _typed(table, items)

    def _rest_of_batch(self, query: str, params: list[object], page: Any) -> list[dict[str, str]]:
        """The rows of one batch of report ids from its first ``page`` on: the next pages are read while
        NetSuite says more rows follow (with or without a ``totalResults``), and a batch that keeps
        saying so past :data:`MAX_ROWS_PER_REPORT_ID` rows per id is not answering the look-up."""
        items: list[dict[str, str]] = list(page.items)
        offset = 0
        while page.has_more and page.items:
            if len(items) >= MAX_ROWS_PER_REPORT_ID * len(params):  # a look-up of report ids, a few rows each
                raise UnexpectedAnswer(
                    f"the transaction look-up of {len(params)} report ids kept saying more rows follow past "
                    f"{len(items)} rows; not what the protocol answers", protocol="rest")
            offset += PAGE_SIZE
            page = self.client.suiteql_page(query, params, limit=PAGE_SIZE, offset=offset)
            items += page.items
        return items

    def _note_columns(self, table: str, items: list[dict[str, str]]) -> None:
        if table not in self._seen:
            return
        keys = {key.lower() for item in items for key in item}
        with self._lock:
            self._seen[table] |= keys

    def unknown_columns(self, table: str, rows: Sequence[Any]) -> tuple[str, ...]:
        seen = self._seen.get(table)
        if seen is None or not rows:
            return ()
        return tuple(c for c in TABLES[table].columns if c not in seen)


def _typed(table: str, items: list[dict[str, str]]) -> list[Any]:
    """Rows become typed models as each page lands, while other requests are still in flight."""
    model = TABLES[table].model
    rows = [model.model_validate(item) for item in items]
    share_fields_sets(rows)  # one fields set per page, not per row (the snapshot then shares across pages)
    return rows


class SoapSource:
    """Reads a table with a SOAP basic search (and searchMoreWithId for further pages)."""

    via = "soap"

    def __init__(self, client: Any, *, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    def can_read(self, table: str) -> bool:
        return TABLES[table].soap_record is not None

    def first_page(self, table: str) -> tuple[list[dict[str, Any]], list[Any]]:
        if table == "currency":
            return list(self.client.get_all_currencies()), []
        page = self.client.search(table, page_size=self.page_size)
        keys = [(page.search_id, index) for index in range(2, (page.total_pages or 1) + 1)]
        return list(page.rows), keys

    def page(self, table: str, key: Any) -> list[dict[str, Any]]:
        search_id, index = key
        return list(self.client.search_more(search_id, index, table).rows)

    def unknown_columns(self, table: str, rows: Sequence[Any]) -> tuple[str, ...]:
        """SOAP leaves out null fields and sublists, and a field the role cannot see or the endpoint
        does not have looks the same: a column present in no row at all is unknown. (Present in some
        rows, it is returned, and its absence elsewhere means empty.)"""
        if not rows:
            return ()
        return tuple(c for c in TABLES[table].columns
                     if all(row.get(c) is None for row in rows))
