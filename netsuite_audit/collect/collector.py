"""Fills one AccountSnapshot: login probes, then every table in bulk with bounded concurrency.

Reads never go one call per record: each table is read 1000 rows a page, the first page of every
table is asked for at once, and the remaining pages are queued as soon as the first page says how
many there are. A shared gate keeps the requests in flight at or below the configured concurrency
(default 4, never above the account's limit). REST (SuiteQL) is the main path; when REST is refused
but SOAP logs in, the same tables are read with SOAP searches and the snapshot says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from netsuite_audit import __version__
from netsuite_audit.collect.network_use import NetworkUse
from netsuite_audit.collect.probes import TransitKind, probe, transit_failure
from netsuite_audit.collect.sources import (
    PAGE_SIZE,
    SoapSource,
    SuiteQLSource,
    TableSource,
    UncertainNameUnknown,
)
from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.netsuite.adaptive import AdaptiveGate
from netsuite_audit.netsuite.errors import NetSuiteError, PermissionDenied
from netsuite_audit.netsuite.m2m import SCOPE_REST, SCOPE_RESTLETS
from netsuite_audit.netsuite.records import Row
from netsuite_audit.netsuite.redact import redact
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.soap_records import DEFAULT_VERSION as DEFAULT_SOAP_VERSION
from netsuite_audit.netsuite.soap_records import check_version
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.netsuite.transport import CallStats, RetryPolicy
from netsuite_audit.snapshot import (
    AccountInfo,
    AccountSnapshot,
    Login,
    ReadState,
    RestletData,
    TableRead,
    Tables,
    TokenInfo,
)
from netsuite_audit.support.errors import NsauditError

# Tables only an administrator-level role can read: read with the audit profile when one is given.
ADMIN_TABLES = ("role", "rolepermissions")
# Class, Department and Location are also searched over SOAP, the way the integration queries them.
CLASSIFICATION_TABLES = ("classification", "department", "location")
# Large tables first, so their remaining pages are queued early.
_ORDER = ("employee", "job", "customer", "vendor", "classification", "department", "location", "account",
          "jobresources", "expensecategory")

Progress = Callable[[str, dict[str, Any]], None]

SOAP_NEEDS_TBA = ("not read over SOAP: SOAP web services accept only token-based authentication (TBA) and "
                  "nsaudit was given OAuth 2.0 credentials only")


class CollectError(NsauditError):
    """The collector could not run at all (bad options)."""


@dataclass(frozen=True)
class CollectOptions:
    concurrency: int = 4
    account_limit: int | None = None  # the account's concurrency limit, when known
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    report_ids: tuple[str, ...] = ()
    # The report ids, when they are still being read: asked for by the transaction read, which waits
    # (in its worker) until they are known. Either this or ``report_ids``.
    later_report_ids: Callable[[], tuple[str, ...]] | None = None
    restlet: tuple[int, int] | None = None  # (script, deploy)
    tables: tuple[str, ...] | None = None  # None: every table that is not optional
    probe_soap_classifications: bool = True
    # The access token list read with the audit profile (an OAuth 2.0/REST connection's role has no Access
    # Token Management; the list then shows whether TBA tokens of the integration are left).
    tokens_via_audit_profile: bool = False
    soap_version: str = DEFAULT_SOAP_VERSION  # SuiteTalk endpoint version (wsdl/<version>)

    @property
    def effective_concurrency(self) -> int:
        limit = self.concurrency if self.account_limit is None else min(self.concurrency, self.account_limit)
        if limit < 1:
            raise CollectError("concurrency must be at least 1")
        return limit


class _TableReader:
    """Reads a plan of tables on a pool: first pages at once, further pages queued from the worker
    that receives a first page (so they go out as soon as a request slot frees up)."""

    def __init__(self, pool: ThreadPoolExecutor, progress: Progress) -> None:
        self.pool = pool
        self.progress = progress
        self.outcomes: dict[str, tuple[TableSource, _Outcome]] = {}
        self._lock = threading.Lock()
        self._pending = 0
        self._done = threading.Event()
        self._done.set()

    def start(self, plan: list[tuple[str, TableSource]]) -> None:
        for table, source in plan:
            self.outcomes[table] = (source, _Outcome())
        for table, source in plan:
            self._submit(table, source, 0, None)

    def wait(self) -> dict[str, tuple[TableSource, _Outcome]]:
        self._done.wait()
        return self.outcomes

    def _submit(self, table: str, source: TableSource, index: int, key: Any) -> None:
        with self._lock:
            self._pending += 1
            self._done.clear()
        future: Future[Any] = (self.pool.submit(source.first_page, table) if index == 0
                               else self.pool.submit(source.page, table, key))
        future.add_done_callback(lambda f: self._landed(table, source, index, f))

    def _landed(self, table: str, source: TableSource, index: int, future: Future[Any]) -> None:
        try:
            outcome = self.outcomes[table][1]
            try:
                result = future.result()
            except Exception as exc:  # recorded as ERROR (or DENIED) for this table, never a crash
                with self._lock:
                    outcome.calls += 1
                    outcome.error = outcome.error or exc
                return
            if index == 0:
                page_rows, more = result
                with self._lock:
                    outcome.calls += 1
                    outcome.pages[0] = page_rows
                    outcome.expected = 1 + len(more)
                for number, key in enumerate(more, start=1):
                    self._submit(table, source, number, key)
            else:
                with self._lock:
                    outcome.calls += 1
                    outcome.pages[index] = result
            with self._lock:
                complete = len(outcome.pages) == outcome.expected
            if complete:
                self.progress("table", {"table": table, "rows": sum(map(len, outcome.pages.values()))})
        finally:
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._done.set()


@dataclass
class _Outcome:
    pages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    expected: int = 1
    error: Exception | None = None
    calls: int = 0


def _looked_up(entry: tuple[TableSource, _Outcome] | None) -> tuple[str, ...] | None:
    """The report ids the transaction read looked up: none when it was not planned (no pending report, or
    a path with no transaction search); None when the ids were never known (the read never started)."""
    if entry is None:
        return ()
    source = entry[0]
    return source.looked_up if isinstance(source, SuiteQLSource) else ()


def _no_progress(event: str, data: dict[str, Any]) -> None:
    return None


def _soap_client(creds: Credentials, **kwargs: Any) -> Any:
    from netsuite_audit.netsuite.soap import SoapClient  # zeep loads only when SOAP is used

    return SoapClient(creds, **kwargs)


class Collector:
    def __init__(
        self,
        creds: Credentials,
        *,
        audit_creds: Credentials | None = None,
        options: CollectOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.creds = creds
        self.audit_creds = audit_creds
        self.options = options or CollectOptions()
        self.progress = progress or _no_progress
        limit = self.options.effective_concurrency
        try:
            check_version(self.options.soap_version)
        except ValueError as exc:
            raise CollectError(str(exc)) from None
        self.gate = AdaptiveGate(limit)  # halves on refusals, grows back (netsuite/adaptive.py)
        self.stats = CallStats()
        shared = {"gate": self.gate, "retry": self.options.retry, "stats": self.stats}
        # An OAuth 2.0 token asks only for the scopes this run needs (an integration record may not
        # grant RESTlets).
        scopes = (SCOPE_REST, SCOPE_RESTLETS) if self.options.restlet else (SCOPE_REST,)
        self.rest = RestClient(creds, scopes=scopes, **shared)  # type: ignore[arg-type]
        self._shared = shared
        self._soap: Any = None
        self._soap_lock = threading.Lock()
        self.audit_rest = (RestClient(audit_creds, scopes=(SCOPE_REST,), **shared)  # type: ignore[arg-type]
                           if audit_creds else None)
        # SOAP accepts only token-based auth: without TBA credentials it is not tried at all.
        self.soap_possible = creds.has_tba
        # Threads may wait on the gate or sleep between retries; the gate, not the pool, bounds requests.
        self.pool_size = limit * 2

    @property
    def soap(self) -> Any:
        """The SOAP client, built on first use (zeep loads in a worker while REST reads already run)."""
        with self._soap_lock:
            if self._soap is None:
                self._soap = _soap_client(self.creds, version=self.options.soap_version, **self._shared)
            return self._soap

    def _soap_server_time(self) -> Any:
        return self.soap.server_time()

    def _token_info(self) -> TokenInfo | None:
        """Who the OAuth 2.0 access token runs as (its ``sub``), when REST used one and got one."""
        tokens = self.rest.tokens
        current = tokens.current if tokens is not None else None
        if tokens is None or current is None:
            return None
        return TokenInfo(subject=current.subject, role_id=current.role_id, entity_id=current.entity_id,
                         scopes=current.scopes, expires_in=current.expires_in, algorithm=tokens.key.algorithm)

    # ---- public ---------------------------------------------------------------------------------
    def collect(self) -> AccountSnapshot:
        """Probe both logins and, in the same round, start reading: the first pages of every table
        go out with the probes (SuiteQL, the main path), so no request slot sits idle while the
        probes travel. If REST turns out to be refused, those speculative reads are dropped (the
        audit-profile ones are kept) and the tables are read again over SOAP."""
        started = datetime.now(UTC)
        reads: dict[str, TableRead] = {}
        alt_reads: dict[str, TableRead] = {}
        rows: dict[str, list[dict[str, Any]]] = {}
        restlet: RestletData | None = None
        restlet_detail: str | None = None
        restlet_failure: TransitKind | None = None
        with ThreadPoolExecutor(max_workers=self.pool_size, thread_name_prefix="nsaudit") as pool:
            rest_probe = pool.submit(probe, "rest", self.rest.server_time)
            soap_probe = pool.submit(probe, "soap", self._soap_server_time) if self.soap_possible else None
            speculative = _TableReader(pool, self.progress)
            speculative.start(self._plan("rest"))
            alt_futures = self._alt_reads(pool) if self.soap_possible else {}
            restlet_future = pool.submit(self._restlet) if self.options.restlet else None
            login = Login(rest=rest_probe.result(), soap=soap_probe.result() if soap_probe else None,
                          soap_version=self.options.soap_version,
                          rest_auth="oauth2" if self.rest.tokens is not None else "tba",
                          soap_auth="tba" if self.soap_possible else "none",
                          token=self._token_info())
            self.progress("login", {"rest": login.rest_ok, "soap": login.soap_ok})
            transport = "rest" if login.rest_ok else "soap" if login.soap_ok else "none"
            outcomes = speculative.wait()
            if transport == "soap":
                kept = {t: o for t, o in outcomes.items() if o[0].via == "audit-profile"}
                fallback = _TableReader(pool, self.progress)
                fallback.start([(t, src) for t, src in self._plan("soap") if t not in kept])
                outcomes = {**kept, **fallback.wait()}
            alt_results = {key: future.result() for key, future in alt_futures.items()}
            restlet_answer = restlet_future.result() if restlet_future is not None else None
        if transport == "none":
            restlet_detail = "not read: nsaudit could not log in"
            for table in TABLES:
                reads[table] = TableRead(state=ReadState.UNAVAILABLE, permission=TABLES[table].permission,
                                         detail="not read: nsaudit could not log in")

        else:
            for table, (source, outcome) in outcomes.items():
                reads[table], table_rows = self._finish(table, source, outcome)
                if table_rows is not None:
                    rows[table] = table_rows
            if transport == "rest" and login.soap_ok:
                alt_reads = alt_results
            if not self.soap_possible:
                alt_reads = {key: TableRead(state=ReadState.UNAVAILABLE, via="soap", detail=SOAP_NEEDS_TBA,
                                            permission=TABLES[key.split(":", 1)[1]].permission)
                             for key in self._alt_keys()}
            if restlet_answer is not None:
                restlet, restlet_detail, restlet_failure = restlet_answer
            for table in TABLES:
                if table not in reads:
                    reads[table] = self._not_planned(table, transport)
        if self.options.restlet is None and restlet_detail is None:
            restlet_detail = "the nsaudit RESTlet is not configured (see docs/restlet.md)"
        tables = self._build_tables(rows, reads)
        looked_up = _looked_up(outcomes.get("transaction"))
        self.progress("done", {"calls": self.stats.calls})
        return AccountSnapshot(
            tool_version=__version__,
            account=self._account_info(),
            collected_at=started,
            transport=transport,
            login=login,
            reads=reads,
            alt_reads=alt_reads,
            tables=tables,
            restlet=restlet,
            restlet_detail=restlet_detail,
            restlet_failure=restlet_failure,
            looked_up_reports=looked_up,
        )

    def network_use(self) -> NetworkUse:
        """Calls, retries and the concurrency this collector actually used (for the result)."""
        use = self.gate.use()
        return NetworkUse(calls=self.stats.calls, retries=self.stats.retries, refusals=use.refusals,
                          concurrency_configured=use.configured, concurrency_final=use.final,
                          concurrency_lowest=use.lowest, max_in_flight=use.max_in_flight,
                          max_in_flight_after_refusal=use.max_in_flight_after_refusal)

    # ---- planning -------------------------------------------------------------------------------
    def _wanted(self) -> list[str]:
        if self.options.tables is not None:
            wanted = list(self.options.tables)
        else:
            wanted = [t for t, spec in TABLES.items() if not spec.optional]
        reports = bool(self.options.report_ids) or self.options.later_report_ids is not None
        if reports and "transaction" not in wanted:
            wanted.append("transaction")
        if not reports and "transaction" in wanted:
            wanted.remove("transaction")
        order = {name: i for i, name in enumerate(_ORDER)}
        return sorted(wanted, key=lambda t: order.get(t, len(order)))

    def _plan(self, transport: str) -> list[tuple[str, TableSource]]:
        ids, later = self.options.report_ids, self.options.later_report_ids
        audit = (SuiteQLSource(self.audit_rest, via="audit-profile", report_ids=ids, later_report_ids=later)
                 if self.audit_rest is not None else None)
        primary: TableSource = (SuiteQLSource(self.rest, report_ids=ids, later_report_ids=later) if transport == "rest"
                                else SoapSource(self.soap))
        plan: list[tuple[str, TableSource]] = []
        for table in self._wanted():
            via_audit = table in ADMIN_TABLES or (table == "oauthtoken" and self.options.tokens_via_audit_profile)
            if via_audit and audit is not None:
                plan.append((table, audit))
            elif primary.can_read(table):
                plan.append((table, primary))
        return plan

    def _not_planned(self, table: str, transport: str) -> TableRead:
        spec = TABLES[table]
        if spec.optional and table not in self._wanted():
            return TableRead(state=ReadState.SKIPPED, permission=spec.permission, detail="not needed")
        if transport == "soap":
            return TableRead(
                state=ReadState.UNAVAILABLE, permission="ADMI_RESTWEBSERVICES", via="soap",
                detail=(f"SOAP has no search for {table} and REST is refused; REST Web Services (Full) and "
                        "SuiteAnalytics Workbook on the role would let nsaudit read it with SuiteQL"),
            )
        return TableRead(state=ReadState.SKIPPED, permission=spec.permission, detail="not selected")

    # ---- reading --------------------------------------------------------------------------------
    def _finish(self, table: str, source: TableSource, outcome: _Outcome,
                ) -> tuple[TableRead, list[dict[str, Any]] | None]:
        spec = TABLES[table]
        via = source.via
        if outcome.error is not None:
            exc = outcome.error
            # An UNCERTAIN name NetSuite does not know leaves the value unknown (never a permission).
            state = (ReadState.UNAVAILABLE if isinstance(exc, UncertainNameUnknown)
                     else ReadState.DENIED if isinstance(exc, PermissionDenied) else ReadState.ERROR)
            detail = (exc.message if isinstance(exc, NetSuiteError)
                      else _validation_detail(exc) if isinstance(exc, ValidationError)
                      else f"{type(exc).__name__}: {exc}")
            return TableRead(state=state, permission=spec.permission, via=via, detail=detail,
                             calls=outcome.calls, failure=transit_failure(exc),
                             uncertain_name=exc.name if isinstance(exc, UncertainNameUnknown) else None), None
        table_rows = [row for index in sorted(outcome.pages) for row in outcome.pages[index]]
        if via == "soap":  # fullname paths and project customers need every page (soap_records)
            from netsuite_audit.netsuite.soap_records import derive_rows

            derive_rows(table_rows, table)
        return TableRead(state=ReadState.OK, permission=spec.permission, via=via,
                         rows=len(table_rows), calls=outcome.calls,
                         unknown=source.unknown_columns(table, table_rows)), table_rows

    def _alt_reads(self, pool: ThreadPoolExecutor) -> dict[str, Future[TableRead]]:
        """One small SOAP search each of Class/Department/Location, the way the integration queries
        them; kept when REST is the main path and SOAP logs in."""
        return {key: pool.submit(self._soap_probe_read, key.split(":", 1)[1]) for key in self._alt_keys()}

    def _alt_keys(self) -> list[str]:
        if not self.options.probe_soap_classifications:
            return []
        wanted = set(self._wanted())
        return [f"soap:{t}" for t in CLASSIFICATION_TABLES if t in wanted]

    def _soap_probe_read(self, table: str) -> TableRead:
        spec = TABLES[table]
        try:
            page = self.soap.search(table, page_size=5)
        except PermissionDenied as exc:
            return TableRead(state=ReadState.DENIED, permission=spec.permission, via="soap",
                             detail=exc.message, calls=1)
        except NetSuiteError as exc:
            return TableRead(state=ReadState.ERROR, permission=spec.permission, via="soap",
                             detail=exc.message, calls=1, failure=transit_failure(exc))
        return TableRead(state=ReadState.OK, permission=spec.permission, via="soap",
                         rows=page.total_records or len(page.rows), calls=1)

    def _restlet(self) -> tuple[RestletData | None, str | None, TransitKind | None]:
        """(data, why it was not read, the kind of transit failure when it failed in transit)."""
        assert self.options.restlet is not None
        script, deploy = self.options.restlet
        try:
            answer = _redacted(self.rest.restlet(script, deploy))
            return RestletData.model_validate(answer), None, None
        except NetSuiteError as exc:
            return (None, f"the nsaudit RESTlet (script {script}, deploy {deploy}) failed: {exc.message}",
                    transit_failure(exc))
        except ValidationError as exc:
            # Not the RESTlet's answer: a failure in transit (could not audit), never a setting read.
            return (None, f"the nsaudit RESTlet answered in an unexpected shape: {exc.errors()[0]['msg']}; not "
                    "what the protocol answers", "network")

    # ---- assembling -----------------------------------------------------------------------------
    def _build_tables(self, rows: dict[str, list[dict[str, Any]]], reads: dict[str, TableRead]) -> Tables:
        built: dict[str, tuple[Any, ...]] = {}
        for table, table_rows in rows.items():
            model = TABLES[table].model
            try:
                built[table] = tuple(row if isinstance(row, Row) else model.model_validate(row) for row in table_rows)
            except ValidationError as exc:
                reads[table] = reads[table].model_copy(update={"state": ReadState.ERROR,
                                                               "detail": _validation_detail(exc)})
        return Tables(**built)

    def _account_info(self) -> AccountInfo:
        creds = self.creds
        return AccountInfo(
            account_id=creds.account.realm,
            typed_account_id=creds.account.raw or creds.account.realm,
            environment=str(creds.account.environment),
            base_url=creds.base_url,
            endpoint_kind=("simulator" if creds.simulated
                           else "override" if creds.base_url_overridden else "netsuite"),
            profile=creds.profile,
            credential_source=creds.source,
            audit_profile=(self.audit_creds.profile or self.audit_creds.source) if self.audit_creds else None,
        )


def _redacted(value: Any) -> Any:
    """The RESTlet's answer with every string redacted (a broken script may echo the request)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


def _validation_detail(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"unexpected value in {'.'.join(map(str, first['loc']))}: {first['msg']}"


def lower_bound_calls(row_counts: dict[str, int], fixed_probes: int) -> int:
    """Fewest calls that can read these tables: one per started 1000 rows, at least one per table."""
    return fixed_probes + sum(max(1, -(-rows // PAGE_SIZE)) for rows in row_counts.values())


def collect(creds: Credentials, *, audit_creds: Credentials | None = None,
            options: CollectOptions | None = None, progress: Progress | None = None) -> AccountSnapshot:
    return Collector(creds, audit_creds=audit_creds, options=options, progress=progress).collect()


__all__: Sequence[str] = ("CollectOptions", "Collector", "collect", "lower_bound_calls")
