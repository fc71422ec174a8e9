"""The account snapshot: everything the collector read, typed and immutable.

Checks are pure functions of a snapshot (plus the workspace description and pending reports), so a
live audit and the offline audit of its saved snapshot give the same findings. A table that could
not be read is ``None`` in ``tables`` and its ``reads`` entry says why and which permission is
missing: checks turn that into UNVERIFIABLE, never PASS or FAIL.

A table that was read can still lack columns: ``TableRead.unknown`` names the columns the read did
not return (a SOAP search that left a field or sublist out, a ``SELECT *`` fallback that did not
return a column). In every row their value is *unknown*: the row model's default (``False``, ``()``,
``None``) stands in and means nothing. ``AccountSnapshot.known(table, column)`` answers "was this
read?" with one set lookup; checks list the columns they need in ``CheckMeta.columns`` (the engine
then reports UNVERIFIABLE for them) or ask ``Context.known`` where only part of a verdict needs one.
A column never seen in any row of a table read with an explicit SuiteQL column list is known to be
empty (NetSuite leaves null columns out of each row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from netsuite_audit.expensify.models import ExpensifyRead
from netsuite_audit.netsuite import records as r
from netsuite_audit.support.errors import InputError
from netsuite_audit.support.fieldsets import share_fields_sets
from netsuite_audit.support.gcpause import cycle_collection_paused

SNAPSHOT_SCHEMA_VERSION = 1


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReadState(StrEnum):
    OK = "ok"
    DENIED = "denied"  # the role lacks the permission (or the feature is off)
    UNAVAILABLE = "unavailable"  # this path cannot read it (e.g. no SOAP search for the table)
    ERROR = "error"  # NetSuite or the network failed even after retries
    SKIPPED = "skipped"  # not needed for the checks selected


class TableRead(Model):
    state: ReadState
    permission: str | None = None  # permkey needed; named in UNVERIFIABLE findings
    via: Literal["rest", "soap", "audit-profile", "none"] = "none"
    detail: str | None = None  # NetSuite's own words when it refused
    rows: int = 0
    calls: int = 0
    # Columns this read did not return: unknown in every row, never empty (see the module docstring).
    unknown: tuple[str, ...] = ()
    # Set when an ERROR read failed in transit (network, timeout, concurrency limit, server error):
    # nothing was learnt about permissions, and the run cannot be a complete audit.
    failure: Literal["network", "concurrency", "server"] | None = None
    # Set when NetSuite did not know this table and the name is UNCERTAIN in names.toml: what the
    # table holds is unknown (the name may be wrong), which is not a missing permission.
    uncertain_name: str | None = None

    @property
    def failed_in_transit(self) -> bool:
        return self.state == ReadState.ERROR and self.failure is not None


class Probe(Model):
    """One login probe (REST serverTime or SOAP getServerTime)."""

    protocol: Literal["rest", "soap", "restlet"]
    ok: bool
    error: Literal["auth", "permission", "network", "concurrency", "server", "other"] | None = None
    code: str | None = None  # NetSuite error code, e.g. INVALID_LOGIN, WS_REQUEST_BLOCKED
    http_status: int | None = None
    detail: str | None = None
    # OAuth 2.0 only: the token endpoint's error_description, when it sent one (code holds the error).
    description: str | None = None
    server_time: datetime | None = None  # from the body when login worked
    date_header: datetime | None = None  # HTTP Date header, sent even on a 401
    local_time: datetime | None = None  # our clock when the answer arrived
    elapsed_ms: int | None = None

    @property
    def clock_skew_seconds(self) -> float | None:
        ref = self.server_time or self.date_header
        if ref is None or self.local_time is None:
            return None
        return (self.local_time - ref).total_seconds()


class TokenInfo(Model):
    """Who an OAuth 2.0 access token runs as, from its ``sub`` claim ("role;entity"). Never the token."""

    subject: str | None = None  # e.g. "1001;5"
    role_id: int | None = None
    entity_id: int | None = None
    scopes: tuple[str, ...] = ()
    expires_in: int | None = None  # seconds, as the token endpoint said
    algorithm: str | None = None  # how nsaudit signed its client assertion (PS256, ES256 ...)


class Login(Model):
    rest: Probe | None = None
    soap: Probe | None = None
    # How nsaudit logged in: REST with a TBA signature or an OAuth 2.0 Bearer token; SOAP only with TBA
    # ("none": no TBA credentials were given, so SOAP was not tried).
    rest_auth: Literal["tba", "oauth2"] = "tba"
    soap_auth: Literal["tba", "none"] = "tba"
    token: TokenInfo | None = None  # the OAuth 2.0 access token's subject, when REST used one
    # The SuiteTalk endpoint version nsaudit's own SOAP client called (e.g. "2025_2", from
    # --soap-version / config soap_version); None in snapshots written before it was recorded.
    soap_version: str | None = None

    @property
    def soap_ok(self) -> bool:
        return bool(self.soap and self.soap.ok)

    @property
    def rest_ok(self) -> bool:
        return bool(self.rest and self.rest.ok)

    @property
    def any_ok(self) -> bool:
        return self.soap_ok or self.rest_ok


class AccountInfo(Model):
    account_id: str  # realm form, e.g. 1234567_SB1
    typed_account_id: str | None = None  # as the user wrote it
    environment: str = "production"
    base_url: str | None = None
    # Who answers at base_url: NetSuite's own SuiteTalk domain, an override (NSAUDIT_BASE_URL or a
    # profile's base_url: a proxy, a recording server, `nsaudit sim serve`), or the demo's simulator.
    # None in snapshots collected before it was recorded (said "unknown").
    endpoint_kind: Literal["netsuite", "override", "simulator"] | None = None
    profile: str | None = None
    credential_source: str | None = None  # "env", "profile:<path>", "keyring" (never a secret)
    audit_profile: str | None = None


class SubsidiaryDefaults(Model):
    """Subsidiary preferences only SuiteScript exposes (RESTlet)."""

    payable_account: int | None = None  # Default Payable Account for Expense Reports
    corporate_card_account: int | None = None  # Default Account for Corporate Card Expenses
    tax_required: bool | None = None


class RestletData(Model):
    """What the optional nsaudit RESTlet returned: preferences, features, subsidiary defaults."""

    preferences: dict[str, str | bool | None] = Field(default_factory=dict)
    features: dict[str, bool] = Field(default_factory=dict)
    subsidiaries: dict[int, SubsidiaryDefaults] = Field(default_factory=dict)


# Columns a row can be named by in the workspace or a report (Context.resolve), in the order looked at.
NAME_COLUMNS = ("name", "fullname", "entityid", "companyname", "altname", "itemid", "acctnumber")


class Tables(Model):
    """One field per table in tables.TABLES; ``None`` when the table was not read."""

    subsidiary: tuple[r.Subsidiary, ...] | None = None
    currency: tuple[r.Currency, ...] | None = None
    role: tuple[r.Role, ...] | None = None
    rolepermissions: tuple[r.RolePermission, ...] | None = None
    employee: tuple[r.Employee, ...] | None = None
    classification: tuple[r.Classification, ...] | None = None
    department: tuple[r.Department, ...] | None = None
    location: tuple[r.Location, ...] | None = None
    job: tuple[r.Project, ...] | None = None
    jobstatus: tuple[r.ProjectStatus, ...] | None = None
    jobresources: tuple[r.ProjectResource, ...] | None = None
    customer: tuple[r.Customer, ...] | None = None
    customersubsidiaryrelationship: tuple[r.CustomerSubsidiary, ...] | None = None
    vendor: tuple[r.Vendor, ...] | None = None
    vendorcurrencybalance: tuple[r.VendorCurrency, ...] | None = None
    expensecategory: tuple[r.ExpenseCategory, ...] | None = None
    account: tuple[r.Account, ...] | None = None
    oauthtoken: tuple[r.AccessToken, ...] | None = None
    taxitemtaxgroup: tuple[r.TaxGroup, ...] | None = None
    accountingperiod: tuple[r.AccountingPeriod, ...] | None = None
    transaction: tuple[r.Transaction, ...] | None = None

    def get(self, name: str) -> tuple[Any, ...] | None:
        value: tuple[Any, ...] | None = getattr(self, name)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _share_fields_sets(cls, rows: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        """Rows of a table naming the same fields share one fields set (``fieldsets``): ~30 MB fewer for
        55,000 rows; done as each table is read, so the next table takes the memory freed."""
        if rows:
            share_fields_sets(rows)
        return rows

    @cached_property
    def _indexes(self) -> dict[str, dict[int, Any]]:
        return {}

    def by_id(self, name: str) -> dict[int, Any]:
        """``{internal id: row}`` for a table with an ``id`` column (empty if the table was not read)."""
        cache = self._indexes
        if name not in cache:
            cache[name] = {row.id: row for row in (self.get(name) or ())}
        return cache[name]

    @cached_property
    def _name_indexes(self) -> dict[str, dict[str, Any]]:
        return {}

    def by_name(self, name: str) -> dict[str, tuple[Any, ...]]:
        """``{name: rows}`` over the columns in NAME_COLUMNS: every row, in table order and once, that has
        the value in any of them (two rows mean the name is ambiguous); empty if the table was not read."""
        cache = self._name_indexes
        if name not in cache:
            index: dict[str, tuple[Any, ...]] = {}
            for row in self.by_id(name).values():  # table order
                for value in dict.fromkeys(getattr(row, attr, None) for attr in NAME_COLUMNS):
                    if isinstance(value, str):
                        index[value] = (*index.get(value, ()), row)
            cache[name] = index
        return cache[name]


class AccountSnapshot(Model):
    schema_version: int = SNAPSHOT_SCHEMA_VERSION
    tool_version: str
    account: AccountInfo
    collected_at: datetime
    transport: Literal["rest", "soap", "none"]
    login: Login
    reads: dict[str, TableRead] = Field(default_factory=dict)
    # The same tables read over the other protocol, keyed "soap:<table>" or "rest:<table>": the
    # classification checks query Class/Department/Location both ways, as the integration does.
    alt_reads: dict[str, TableRead] = Field(default_factory=dict)
    tables: Tables = Field(default_factory=Tables)
    restlet: RestletData | None = None
    restlet_detail: str | None = None  # why the RESTlet was not read, when it was not
    # Set when the configured RESTlet failed in transit (network, timeout, 429s, 5xx): the run is incomplete.
    restlet_failure: Literal["network", "concurrency", "server"] | None = None
    # What was read from Expensify's Integration Server in the same run (no secrets), when asked for.
    expensify: ExpensifyRead | None = None
    # The pending report ids whose transactions were looked up (the transaction table holds only what
    # that look-up found): () when none was given; None in snapshots written before it was recorded
    # (which ids were looked up is unknown). report-already-exported judges only the reports looked up.
    looked_up_reports: tuple[str, ...] | None = None
    _file_sha256: str | None = PrivateAttr(default=None)  # of the file it was loaded from, if any

    @field_validator("schema_version", mode="before")
    @classmethod
    def _known_version(cls, value: object) -> object:
        if type(value) is int and value == SNAPSHOT_SCHEMA_VERSION:
            return value
        raise ValueError(f"unsupported snapshot schema_version {str(value)[:20]!r}; this nsaudit reads "
                         f"version {SNAPSHOT_SCHEMA_VERSION} (take a new snapshot with this release)")

    def read(self, table: str) -> TableRead:
        return self.reads.get(table) or TableRead(state=ReadState.SKIPPED)

    def readable(self, table: str) -> bool:
        return self.read(table).state == ReadState.OK and self.tables.get(table) is not None

    @cached_property
    def _unknown(self) -> dict[str, frozenset[str]]:
        return {table: frozenset(read.unknown) for table, read in self.reads.items() if read.unknown}

    def unknown_columns(self, table: str) -> frozenset[str]:
        """Columns of a read table whose values were not returned (empty for a complete read)."""
        return self._unknown.get(table, frozenset())

    def known(self, table: str, column: str) -> bool:
        """True when ``table`` was read and its rows carry ``column`` as NetSuite holds it."""
        return self.readable(table) and column not in self._unknown.get(table, ())

    def not_looked_up(self, report_ids: Iterable[str]) -> tuple[str, ...]:
        """The report ids among ``report_ids`` whose transactions this snapshot did not look up (case and
        surrounding spaces ignored, as the look-up ignores them): every one when the snapshot does not
        record its look-up. A look-up that failed is the transaction read's own state, not said here."""
        ids = tuple(report_ids)
        if self.read("transaction").state == ReadState.SKIPPED:  # never asked: nothing was looked up
            return ids
        if self.looked_up_reports is None:
            return ids
        covered = {rid.strip().upper() for rid in self.looked_up_reports}
        return tuple(rid for rid in ids if rid.strip().upper() not in covered)

    # --- files -------------------------------------------------------------------------------
    def to_json(self) -> str:
        return self.model_dump_json(indent=1, by_alias=True, exclude_none=False)

    def sha256(self) -> str:
        """SHA-256 of the snapshot as a file: of the file it was loaded from (what ``sha256sum FILE``
        prints; hashing the bytes read costs far less than writing 15 MB of JSON again), else of what
        ``nsaudit snapshot`` writes for it."""
        if self._file_sha256 is not None:
            return self._file_sha256
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def __eq__(self, other: object) -> bool:
        """Equal content: the digest of the file a snapshot was loaded from is not part of it (a snapshot
        saved and loaded again equals the one saved)."""
        if type(other) is not type(self):
            return super().__eq__(other)
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> AccountSnapshot:
        copied = super().model_copy(update=update, deep=deep)
        if update:  # no longer the file it was loaded from
            copied._file_sha256 = None
        return copied

    @classmethod
    def load(cls, path: Path) -> AccountSnapshot:
        from netsuite_audit.inputs.files import parsing, read_bounded

        data = read_bounded(path, what="snapshot")  # a regular file of bounded size, never a FIFO or device
        try:  # validated from the bytes: no second, decoded copy of a large file is held meanwhile
            with cycle_collection_paused(keep=True), parsing(str(path)):  # the rows form no reference cycles
                snapshot = cls.model_validate_json(data)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                with parsing(str(path)):
                    data.decode("utf-8")  # not UTF-8: said as every other input file says it
            raise InputError(_first_error(exc), source=str(path), field=_first_loc(exc)) from exc
        snapshot._file_sha256 = hashlib.sha256(data).hexdigest()
        return snapshot


def _first_loc(exc: ValidationError) -> str:
    errors = exc.errors()
    return ".".join(str(p) for p in errors[0]["loc"]) if errors else ""


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    return errors[0]["msg"] if errors else "invalid"
