"""The simulated account's data: an in-memory SQLite database in NetSuite's SuiteQL names.

Every table in ``tables.TABLES`` is created with its SuiteQL columns and filled from the account
fixture. Values are stored the way SuiteQL shows them, so queries written for NetSuite behave the
same here: booleans are the text ``'T'``/``'F'`` (``WHERE isinactive = 'F'``), multi-selects are
text such as ``'1, 3'``, ids are integers. ``query`` answers like the SuiteQL endpoint: lower-case
keys, every value a string, null columns left out, and NetSuite's wording on errors.

The dialect is SQLite's ``SELECT`` plus ``NVL`` and a small ``TO_CHAR`` for dates. Only reads are
possible: an authorizer refuses anything but ``SELECT`` once the tables are loaded.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, get_args

from netsuite_audit.netsuite.permissions import PERMISSIONS
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.simulator.fixture import LEVEL_NUMBERS, AccountFixture

PREFIX = "Invalid search query. Detailed unprocessed description follows. "

#: Tables that only exist on OneWorld accounts (on others NetSuite answers "Unknown identifier").
ONEWORLD_TABLES = frozenset({"subsidiary", "customersubsidiaryrelationship"})
#: Columns that only exist on OneWorld accounts.
ONEWORLD_COLUMNS = frozenset({"subsidiary", "effectivesubsidiaries"})

#: Table names that are keywords in SQLite; queries name them bare, as SuiteQL allows.
_KEYWORD_TABLES = ("transaction",)

_CACHE_SIZE = 64
_HAS_LIMIT = re.compile(r"\blimit\b|\bfetch\s+first\b|\brownum\b", re.IGNORECASE)

_TOKENS = re.compile(
    r"('(?:[^']|'')*')"  # string literal
    r'|("(?:[^"]|"")*")'  # quoted identifier
    r"|(--[^\n]*|/\*.*?\*/)"  # comment
    r"|(\?)"  # parameter
    r"|\b(" + "|".join(_KEYWORD_TABLES) + r")\b",
    re.IGNORECASE | re.DOTALL,
)

_SOURCE = re.compile(
    r"\b(?:from|join)\s+\"?([a-z_][\w]*)\"?"
    r"(?:\s+(?:as\s+)?(?!(?:where|join|inner|left|right|full|cross|outer|natural|on|using|group|order"
    r"|having|union|intersect|except|limit|offset|fetch)\b)([a-z_]\w*))?",
    re.IGNORECASE,
)
_CTE = re.compile(r"(?:\bwith|,)\s*([a-z_]\w*)\s+as\s*\(", re.IGNORECASE)
_LEADING = re.compile(r"^(?:\s+|--[^\n]*\n?|/\*.*?\*/)*", re.DOTALL)
_SIMPLE_NAME = re.compile(r"^[A-Za-z_]\w*$")


class SuiteQLError(Exception):
    """A query NetSuite would refuse; ``detail`` is the ``o:errorDetails[].detail`` text."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class QueryResult:
    items: list[dict[str, str]]  # the requested page
    total: int  # rows in the whole result (totalResults)


# ---- column types --------------------------------------------------------------------------------


def _sql_type(annotation: Any) -> str:
    args = set(get_args(annotation)) or {annotation}
    args.discard(type(None))
    if args == {int}:
        return "INTEGER"
    if args == {Decimal}:
        return "REAL"
    return "TEXT"


# SuiteQL runs on Oracle, whose IN list takes at most 1000 expressions (ORA-01795). That SuiteQL keeps
# the limit, and the words of its error, are ASSUMED (`nsaudit doctor` asks a real account).
MAX_IN_LIST = 1000
_IN_LIST = re.compile(r"\bIN\s*\(([^()]*)\)", re.IGNORECASE)


def _check_in_lists(sql: str) -> None:
    for found in _IN_LIST.finditer(sql):
        if found.group(1).count(",") + 1 > MAX_IN_LIST:
            raise SuiteQLError(PREFIX + "Search error occurred: ORA-01795: maximum number of expressions in a "
                                        f"list is {MAX_IN_LIST}.")


# Columns NetSuite has (names.toml lists them) that nsaudit does not read: the stand-in has them too, so
# `nsaudit doctor` against it asks about the same table NetSuite has. Empty in every fixture.
UNREAD_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {"jobresources": (("role", "INTEGER"),)}


def _columns(table: str, oneworld: bool) -> list[tuple[str, str]]:
    model = TABLES[table].model
    out = []
    for name, field in model.model_fields.items():
        column = field.alias or name
        if not oneworld and column in ONEWORLD_COLUMNS:
            continue  # subsidiary fields do not exist without OneWorld
        out.append((column, _sql_type(field.annotation)))
    return out + list(UNREAD_COLUMNS.get(table, ()))


def _storage(value: Any) -> Any:
    """Typed value -> what SQLite stores: 'T'/'F', '1, 3', ISO dates, numbers as numbers."""
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _wire(value: Any) -> str:
    """A stored value as SuiteQL's JSON shows it: always a string."""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


# ---- rows from the fixture -----------------------------------------------------------------------


def _full_names(records: Iterable[Any]) -> dict[int, str]:
    """``Parent : Child`` names, as NetSuite's ``fullname`` column shows hierarchies."""
    by_id = {r.id: r for r in records}
    names: dict[int, str] = {}
    for record in by_id.values():
        parts = [record.name]
        seen = {record.id}
        parent = by_id.get(record.parent) if record.parent is not None else None
        while parent is not None and parent.id not in seen:
            parts.append(parent.name)
            seen.add(parent.id)
            parent = by_id.get(parent.parent) if parent.parent is not None else None
        names[record.id] = " : ".join(reversed(parts))
    return names


def _dedupe(values: Iterable[int | None]) -> list[int]:
    out: list[int] = []
    for value in values:
        if value is not None and value not in out:
            out.append(value)
    return out


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rows_subsidiary(fx: AccountFixture) -> list[dict[str, Any]]:
    full = _full_names(fx.subsidiaries)
    return [
        {"id": s.id, "name": s.name, "fullname": full[s.id], "parent": s.parent, "currency": s.currency,
         "country": s.country, "isinactive": s.inactive, "iselimination": s.elimination}
        for s in fx.subsidiaries
    ]


def _rows_currency(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "name": c.name, "symbol": c.symbol, "isbasecurrency": c.base, "isinactive": c.inactive}
        for c in fx.currencies
    ]


def _effective_subsidiaries(fx: AccountFixture, option: str, chosen: Sequence[int]) -> list[int]:
    """ASSUMED (docs/fidelity.md): 'all' gives every subsidiary, 'selected' the chosen ones, any
    other restriction none."""
    if option == "all":
        return [s.id for s in fx.subsidiaries]
    if option == "selected":
        return _dedupe(chosen)
    return []


def _rows_role(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "name": r.name, "isinactive": r.inactive,
         "subsidiaryoption": r.subsidiary_option.upper(),
         "subsidiaryviewingallowed": r.subsidiary_viewing_allowed,
         "effectivesubsidiaries": _effective_subsidiaries(fx, r.subsidiary_option, r.subsidiaries)}
        for r in fx.roles
    ]


def _rows_rolepermissions(fx: AccountFixture) -> list[dict[str, Any]]:
    rows = []
    for role in fx.roles:
        for key, level in role.permissions.items():
            if level == "None":
                continue  # NetSuite lists only the permissions a role has
            perm = PERMISSIONS.get(key)
            rows.append({"role": role.id, "permkey": key, "permlevel": LEVEL_NUMBERS[level],
                         "restriction": -1, "name": perm.name if perm else key})
    return rows


def _rows_employee(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": e.id, "entityid": e.display_name, "firstname": e.firstname, "lastname": e.lastname,
         "email": e.email, "subsidiary": e.subsidiary, "supervisor": e.supervisor,
         "department": e.department, "class": e.class_, "location": e.location,
         "isinactive": e.inactive, "giveaccess": e.give_access, "rolesforsearch": _dedupe(e.roles),
         "expenselimit": _decimal(e.expense_limit), "approvallimit": _decimal(e.approval_limit),
         "currency": e.currency}
        for e in fx.employees
    ]


def _segment_rows(records: Sequence[Any]) -> list[dict[str, Any]]:
    full = _full_names(records)
    return [
        {"id": c.id, "name": c.name, "fullname": full[c.id], "parent": c.parent, "isinactive": c.inactive,
         "includechildren": c.include_children, "subsidiary": _dedupe(c.subsidiaries)}
        for c in records
    ]


def _rows_job(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": p.id, "entityid": p.entityid, "altname": p.name, "companyname": p.name,
         "customer": p.customer, "parent": p.parent if p.parent is not None else p.customer,
         "subsidiary": p.subsidiary, "entitystatus": p.status, "isinactive": p.inactive,
         "allowexpenses": p.allow_expenses, "limittimetoassignees": p.limit_to_resources}
        for p in fx.projects
    ]


def _rows_customer(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "entityid": c.entityid, "companyname": None if c.is_person else c.name,
         "altname": c.name, "isinactive": c.inactive, "isperson": c.is_person, "subsidiary": c.subsidiary}
        for c in fx.customers
    ]


def _rows_vendor(fx: AccountFixture) -> list[dict[str, Any]]:
    return [
        {"id": v.id, "entityid": v.entityid, "companyname": v.name, "altname": v.name, "email": v.email,
         "isinactive": v.inactive, "subsidiary": v.subsidiary, "currency": v.currency}
        for v in fx.vendors
    ]


def _rows_oauthtoken(fx: AccountFixture) -> list[dict[str, Any]]:
    rows = []
    for t in fx.tokens:
        integration, employee, role = fx.integration(t.integration), fx.employee(t.user), fx.role(t.role)
        rows.append({
            "id": t.id, "tba_token_name": t.name,
            "tba_app_name": integration.name if integration else None,
            "entity_name": employee.display_name if employee else None,
            "role_name": role.name if role else None,
            "binactive": t.inactive, "brevoked": t.revoked,
        })
    return rows


_BUILDERS: dict[str, Callable[[AccountFixture], list[dict[str, Any]]]] = {
    "subsidiary": _rows_subsidiary,
    "currency": _rows_currency,
    "role": _rows_role,
    "rolepermissions": _rows_rolepermissions,
    "employee": _rows_employee,
    "classification": lambda fx: _segment_rows(fx.classes),
    "department": lambda fx: _segment_rows(fx.departments),
    "location": lambda fx: _segment_rows(fx.locations),
    "job": _rows_job,
    "jobstatus": lambda fx: [
        {"id": s.id, "name": s.name, "isinactive": s.inactive} for s in fx.project_statuses
    ],
    "jobresources": lambda fx: [
        {"project": p.id, "jobresource": e} for p in fx.projects for e in _dedupe(p.resources)
    ],
    "customer": _rows_customer,
    "customersubsidiaryrelationship": lambda fx: [
        {"entity": c.id, "subsidiary": s}
        for c in fx.customers
        for s in _dedupe([c.subsidiary, *c.subsidiaries])
    ],
    "vendor": _rows_vendor,
    "vendorcurrencybalance": lambda fx: [
        {"vendor": v.id, "currency": c} for v in fx.vendors for c in _dedupe([v.currency, *v.currencies])
    ],
    "expensecategory": lambda fx: [
        {"id": c.id, "name": c.name, "expenseacct": c.account, "isinactive": c.inactive,
         "subsidiary": _dedupe(c.subsidiaries), "raterequired": c.rate_required}
        for c in fx.expense_categories
    ],
    "account": lambda fx: [
        {"id": a.id, "acctnumber": a.number, "fullname": a.name, "accttype": a.type, "isinactive": a.inactive,
         "issummary": a.summary, "includechildren": a.include_children, "subsidiary": _dedupe(a.subsidiaries)}
        for a in fx.accounts
    ],
    "oauthtoken": _rows_oauthtoken,
    "taxitemtaxgroup": lambda fx: [
        {"id": g.id, "itemid": g.name, "isinactive": g.inactive, "country": g.country} for g in fx.tax_groups
    ],
    "accountingperiod": lambda fx: [
        {"id": p.id, "periodname": p.name, "startdate": p.start.isoformat(), "enddate": p.end.isoformat(),
         "closed": p.closed, "aplocked": p.ap_locked, "alllocked": p.all_locked, "isyear": p.is_year,
         "isquarter": p.is_quarter, "isadjust": p.is_adjust}
        for p in fx.accounting_periods
    ],
    "transaction": lambda fx: [
        {"id": t.id, "tranid": t.tranid, "type": t.type, "externalid": t.external_id} for t in fx.transactions
    ],
}

_INDEXES = {"rolepermissions": "role", "jobresources": "project",
            "customersubsidiaryrelationship": "entity", "vendorcurrencybalance": "vendor"}


# ---- SQL functions SuiteQL has and SQLite lacks --------------------------------------------------

_DATE_TOKENS = (("YYYY", "%Y"), ("HH24", "%H"), ("MM", "%m"), ("DD", "%d"), ("MI", "%M"), ("SS", "%S"),
                ("YY", "%y"))


def _to_char(value: Any, fmt: Any = None) -> Any:
    if value is None:
        return None
    if fmt is None or not isinstance(value, str):
        return _wire(value)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    pattern = str(fmt)
    for token, code in _DATE_TOKENS:
        pattern = pattern.replace(token, code)
    return when.strftime(pattern)


def _nvl(value: Any, default: Any) -> Any:
    return default if value is None else value


# ---- the database --------------------------------------------------------------------------------


class AccountDB:
    """The simulated account's tables. Thread-safe; read-only once built."""

    def __init__(self, fixture: AccountFixture) -> None:
        self.fixture = fixture
        self._lock = threading.RLock()
        self._sealed = False
        self._reads: set[str] | None = None
        # Row counts of recent queries: each page is fetched with LIMIT/OFFSET, so a page costs about the
        # same whatever its offset, and the count is taken once per query.
        self._cache: OrderedDict[tuple[str, tuple[Any, ...]], int] = OrderedDict()
        self.hidden: frozenset[str] = frozenset() if fixture.oneworld else ONEWORLD_TABLES
        self._typed: dict[str, list[dict[str, Any]]] = {}
        # No statement cache: tables_in relies on the authorizer, which only runs when SQLite
        # compiles a statement. Results are cached in ``_cache`` instead.
        self._conn = sqlite3.connect(
            ":memory:", check_same_thread=False, isolation_level=None, cached_statements=0
        )
        self._conn.create_function("NVL", 2, _nvl, deterministic=True)
        self._conn.create_function("TO_CHAR", 1, _to_char, deterministic=True)
        self._conn.create_function("TO_CHAR", 2, _to_char, deterministic=True)
        self._conn.set_authorizer(self._authorize)
        # Oracle's LIKE (SuiteQL's) is case-sensitive; SQLite's is not unless told.
        self._conn.execute("PRAGMA case_sensitive_like = ON")
        self._load()
        self._sealed = True

    # ---- building ----------------------------------------------------------------------------
    def _load(self) -> None:
        cur = self._conn.cursor()
        cur.execute("BEGIN")
        for table in TABLES:
            columns = _columns(table, self.fixture.oneworld)
            names = [name for name, _ in columns]
            typed = [{name: row.get(name) for name in names} for row in _BUILDERS[table](self.fixture)]
            self._typed[table] = typed
            if table in self.hidden:
                continue
            defs = ", ".join(
                f'"{name}" {kind}{" PRIMARY KEY" if name == "id" else ""}' for name, kind in columns
            )
            cur.execute(f'CREATE TABLE "{table}" ({defs})')
            marks = ", ".join("?" for _ in names)
            cur.executemany(
                f'INSERT INTO "{table}" VALUES ({marks})',
                [tuple(_storage(row[name]) for name in names) for row in typed],
            )
            if table in _INDEXES:
                cur.execute(f'CREATE INDEX "ix_{table}" ON "{table}" ("{_INDEXES[table]}")')
        cur.execute("COMMIT")
        self._conn.execute("PRAGMA query_only = ON")

    def _authorize(self, action: int, arg1: str | None, arg2: str | None, db: str | None,
                   source: str | None) -> int:
        if action == sqlite3.SQLITE_READ:
            if self._sealed and arg1 and arg1.lower().startswith("sqlite_"):
                return sqlite3.SQLITE_DENY
            if self._reads is not None and arg1:
                self._reads.add(arg1.lower())
            return sqlite3.SQLITE_OK
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY if self._sealed else sqlite3.SQLITE_OK

    # ---- reading -----------------------------------------------------------------------------
    def rows(self, table: str) -> list[dict[str, Any]]:
        """Typed rows for the SOAP side: bool, int, list[int] (multi-selects), str, or None.

        Keys are the SuiteQL column names (``class`` for an employee's class). A OneWorld-only table
        on a non-OneWorld account has no rows. Raises ``KeyError`` for a table not in TABLES.
        """
        name = table.lower()
        if name not in self._typed:
            raise KeyError(f"no table {table!r} in the simulated account")
        if name in self.hidden:
            return []
        return [
            {k: list(v) if isinstance(v, list) else v for k, v in row.items()} for row in self._typed[name]
        ]

    def tables_in(self, sql: str) -> set[str]:
        """Lower-case names of the tables a query reads (for the caller's permission checks)."""
        text, params = _rewrite(sql)
        with self._lock:
            self._reads = set()
            try:
                self._conn.execute("EXPLAIN " + text, (None,) * params)
                found = set(self._reads)
            except sqlite3.Error:
                found = _named_tables(sql)
            finally:
                self._reads = None
        return found

    def query(self, sql: str, params: Sequence[Any] = (), *, limit: int = 1000,
              offset: int = 0) -> QueryResult:
        """Run one SuiteQL SELECT; ``items`` is the ``limit``/``offset`` page, ``total`` the row count."""
        if not isinstance(sql, str) or not sql.strip():
            raise SuiteQLError(PREFIX + "The query is empty.")
        head = _LEADING.sub("", sql, count=1)
        if not re.match(r"(?:select|with)\b", head, re.IGNORECASE):
            raise SuiteQLError(PREFIX + "Only SELECT queries can be run.")
        _check_in_lists(sql)
        text, _ = _rewrite(sql)
        bound = tuple(_param(p) for p in params)
        key = (text, bound)
        start, size = max(offset, 0), max(limit, 0)
        paged = not _HAS_LIMIT.search(text)
        with self._lock:
            total = self._cache.get(key)
            if total is None or not paged:
                if paged:
                    total = self._count(sql, text, bound)
                else:  # the query pages itself: run it whole and slice, as before
                    every = self._run(sql, text, bound)
                    total = len(every)
                    return QueryResult(items=every[start:start + size], total=total)
                self._cache[key] = total
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            page = self._run(sql, f"{text.rstrip().rstrip(';')} LIMIT ? OFFSET ?", (*bound, size, start))
        return QueryResult(items=page, total=total)

    def _count(self, original: str, text: str, params: tuple[Any, ...]) -> int:
        try:
            # Prepare the query as written first, so errors read exactly as for the query itself.
            self._conn.execute(text, params).close()
            row = self._conn.execute(f"SELECT count(*) FROM ({text.rstrip().rstrip(';')})", params).fetchone()
        except sqlite3.Warning as exc:
            raise SuiteQLError(PREFIX + "Only one SELECT statement can be run at a time.") from exc
        except sqlite3.Error as exc:
            raise SuiteQLError(self._explain(original, str(exc))) from exc
        return int(row[0])

    def _run(self, original: str, text: str, params: tuple[Any, ...]) -> list[dict[str, str]]:
        try:
            cursor = self._conn.execute(text, params)
            rows = cursor.fetchall()
        except sqlite3.Warning as exc:  # more than one statement
            raise SuiteQLError(PREFIX + "Only one SELECT statement can be run at a time.") from exc
        except sqlite3.Error as exc:
            raise SuiteQLError(self._explain(original, str(exc))) from exc
        keys = _keys(cursor.description or ())
        return [
            {key: _wire(value) for key, value in zip(keys, row, strict=True) if value is not None}
            for row in rows
        ]

    def _explain(self, sql: str, message: str) -> str:
        """SQLite's complaint in NetSuite's words."""
        lowered = message.lower()
        if lowered.startswith("no such table:"):
            table = message.split(":", 1)[1].strip().strip('"').lower()
            if "." in table:
                table = table.rsplit(".", 1)[1]
            if table in self.hidden:
                return _unknown_identifier(table, sql, exclude=table)
            return PREFIX + f"Search error occurred: Record '{table}' was not found."
        if lowered.startswith("no such column:"):
            column = message.split(":", 1)[1].strip().lower()
            return _unknown_identifier(column, sql)
        if lowered.startswith("access to sqlite_"):
            table = message.split()[2].split(".")[0]
            return PREFIX + f"Search error occurred: Record '{table}' was not found."
        if "not authorized" in lowered or "readonly" in lowered or "read-only" in lowered:
            return PREFIX + "Only SELECT queries can be run."
        if "one statement at a time" in lowered:
            return PREFIX + "Only one SELECT statement can be run at a time."
        return PREFIX + message


# ---- helpers -------------------------------------------------------------------------------------


def _rewrite(sql: str) -> tuple[str, int]:
    """Quote bare keyword table names and count ``?`` parameters (outside strings and comments)."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(4):
            count += 1
        if match.group(5):
            return f'"{match.group(5).lower()}"'
        return match.group(0)

    text = _TOKENS.sub(swap, sql)
    return text, count


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "T" if value else "F"
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _keys(description: Sequence[Sequence[Any]]) -> list[str]:
    """Result keys: column names lower-cased; unnamed expressions become expr1, expr2, ..."""
    keys, n = [], 0
    for column in description:
        name = str(column[0])
        if _SIMPLE_NAME.match(name):
            keys.append(name.lower())
        else:
            n += 1
            keys.append(f"expr{n}")
    return keys


def _sources(sql: str) -> list[tuple[str, str]]:
    """``(alias, table)`` for each FROM/JOIN source, lower-case; CTE names excluded."""
    ctes = {m.group(1).lower() for m in _CTE.finditer(sql)}
    out = []
    for match in _SOURCE.finditer(sql):
        table = match.group(1).lower()
        if table in ctes:
            continue
        alias = (match.group(2) or table).lower()
        if (alias, table) not in out:
            out.append((alias, table))
    return out


def _named_tables(sql: str) -> set[str]:
    return {table for _, table in _sources(sql)}


def _unknown_identifier(name: str, sql: str, exclude: str | None = None) -> str:
    available = ", ".join(f"{alias}={table}" for alias, table in _sources(sql) if table != exclude)
    return (
        PREFIX + f"Search error occurred: Unknown identifier '{name}'. "
        f"Available identifiers are: {{{available}}}."
    )
