"""Lookups the employee, vendor, category, account and subsidiary checks share.

The expense integration finds a submitter's NetSuite record by the *exact* email (capital letters
and spaces included) within the workspace's subsidiary: an employee for expense-report and
journal-entry exports, a vendor for vendor-bill exports. These helpers answer such questions over a
snapshot so that every check answers them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from netsuite_audit.audit import references
from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import COMMON_FIELDS, LineIndex
from netsuite_audit.audit.model import Finding
from netsuite_audit.audit.references import Reference, UnresolvedReference
from netsuite_audit.audit.state import PreparedInputs
from netsuite_audit.inputs.pending import Report
from netsuite_audit.inputs.workspace import Coding, ExportType, Ref, Workspace
from netsuite_audit.netsuite.permissions import Level, describe_permission
from netsuite_audit.netsuite.tables import TABLES

ACCOUNTANT_VENDOR_ID = -3  # NetSuite's built-in "-Accountant-" vendor
T = TypeVar("T")


# ---- small value helpers -----------------------------------------------------------------------
def loose_email(email: str | None) -> str:
    """An email with case and surrounding/inner spaces ignored: for hints only, never for matching."""
    return "".join(email.split()).lower() if email else ""


def ref_key(ref: Ref) -> str:
    return str(ref).strip()


def is_id_ref(ref: Ref) -> bool:
    return isinstance(ref, int) or (ref.isascii() and ref.strip().lstrip("-").isdigit())


_ENTITY_NAMES = ("companyname", "entityid", "altname", "name", "fullname")  # in the order looked at
_ENTITY_ATTRS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # per row type: a fact of the code


def _entity_attrs(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The name attributes a row type has, and its first/last name attributes: asking a pydantic row
    for one it does not have costs an exception, and checks name thousands of rows."""
    found = _ENTITY_ATTRS.get(cls)
    if found is None:
        fields = getattr(cls, "model_fields", None)

        def has(attr: str) -> bool:
            return fields is None or attr in fields or hasattr(cls, attr)

        found = _ENTITY_ATTRS[cls] = (tuple(a for a in _ENTITY_NAMES if has(a)),
                                      tuple(a for a in ("firstname", "lastname") if has(a)))
    return found


def entity_name(row: Any) -> str:
    """A readable name for an employee, vendor, customer or project row."""
    names, person = _entity_attrs(type(row))
    for attr in names:
        value = getattr(row, attr, None)
        if value:
            return str(value)
    joined = " ".join(p for p in (getattr(row, attr, None) for attr in person) if p)
    return joined or f"#{row.id}"


def has_name(row: Any) -> bool:
    return any(getattr(row, attr, None) for attr in ("entityid", "companyname", "altname"))


# ---- workspace facts ---------------------------------------------------------------------------
def workspace_subsidiary(ctx: Context) -> int | None:
    """Internal id of the workspace subsidiary; ``None`` when not set (or, by name, when the subsidiary
    list was not read). A subsidiary that matches no record, or a name that matches two, raises
    :class:`UnresolvedReference`: the engine reports the check UNVERIFIABLE naming it (the
    workspace-references check reports the reference itself), so no check judges the wrong records."""
    ref = ctx.workspace.subsidiary
    if ref is None:
        return None
    found = subsidiary_reference(ctx)
    if found is not None and found.state == "ok":
        return found.matches[0]
    if found is not None and found.state in ("unresolved", "ambiguous"):
        raise UnresolvedReference(found)
    return int(ref) if is_id_ref(ref) else None  # not read (e.g. no OneWorld): an id is taken as given


def subsidiary_reference(ctx: Context) -> Reference | None:
    """The workspace subsidiary, resolved once for the run (``None`` when the workspace names none)."""
    return ctx.state.once("subsidiary_reference", lambda: references.subsidiary(ctx.workspace, ctx.snapshot))


def uses_expense_report(ws: Workspace) -> bool:
    return ExportType.EXPENSE_REPORT in (ws.export.reimbursable, ws.export.non_reimbursable)


def reimbursable_to_vendor(ws: Workspace) -> bool:
    return ws.export.reimbursable == ExportType.VENDOR_BILL


def uses_employee_defaults(ws: Workspace) -> bool:
    """Employee default department/class/location end up on the export."""
    return ws.export.coding == Coding.EMPLOYEE_DEFAULT or ws.export.reimbursable in (
        ExportType.EXPENSE_REPORT, ExportType.JOURNAL_ENTRY)


# Facts derived from the workspace and the pending reports alone, which several checks ask for: kept
# on the run's prepared inputs (audit/state.py), built on first request.
def warm(inputs: PreparedInputs) -> PreparedInputs:
    """Build the facts of the workspace and reports alone before the account is read (a live run
    does this in the background while it waits for NetSuite): the line index of the fields the
    bundled checks look lines up by, and the facts below. Returns ``inputs``."""
    index = inputs.line_index
    for field in COMMON_FIELDS:
        index.values(field)
    _per_inputs("members", inputs, _members)
    _per_inputs("enabled_categories", inputs, _enabled_categories)
    _per_inputs("report_facts", inputs, _report_facts)
    return inputs


def _per_inputs(name: str, inputs: PreparedInputs, build: Callable[[PreparedInputs], T]) -> T:
    return inputs.once(name, lambda: build(inputs))


def _copy_uses(uses: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: list(where) for key, where in uses.items()}  # callers may change what they get


def members(ctx: Context) -> dict[str, list[str]]:
    """Submitter emails exactly as written -> where each comes from (workspace list, pending reports)."""
    return _copy_uses(_per_inputs("members", ctx.state.inputs, _members))


def _members(ctx: PreparedInputs) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for email in ctx.workspace.employees:
        found.setdefault(email, []).append("workspace member")
    for report in ctx.reports.reports if ctx.reports else ():
        found.setdefault(report.employee, []).append(f"report {report.id}")
    return found


class Uses(Mapping[str, list[str]]):
    """Reference -> where it is used: the workspace's entries (a label each), then ``report X line N``
    for each pending report line, in file order. A list is worded when asked for, and is the caller's
    own: a check that names no reference never words the 100,000 lines of a large reports file."""

    def __init__(self, labels: dict[str, list[str]], lines: dict[str, Sequence[int]], index: LineIndex) -> None:
        self._labels = labels
        self._lines = lines
        self._index = index
        self._keys = tuple(dict.fromkeys([*labels, *lines]))  # the workspace's first, then by first line

    def __getitem__(self, key: str) -> list[str]:
        labels, lines = self._labels.get(key), self._lines.get(key)
        if labels is None and lines is None:
            raise KeyError(key)
        where = self._index.where
        return [*(labels or ()), *(where(g) for g in lines or ())]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def enabled_categories(ctx: Context) -> Uses:
    """Expense categories the workspace enables or a pending report line uses -> where."""
    return _per_inputs("enabled_categories", ctx.state.inputs, _enabled_categories)


def _enabled_categories(ctx: PreparedInputs) -> Uses:
    labels: dict[str, list[str]] = {}
    for ref in ctx.workspace.tags.categories:
        labels.setdefault(ref_key(ref), []).append("workspace category")
    index = ctx.line_index
    return Uses(labels, lines_by_key(index, "category"), index)


def lines_by_key(index: LineIndex, field: str, key: Callable[[Ref], str] = ref_key) -> dict[str, Sequence[int]]:
    """``key`` of each value of a line field -> its lines (shared line numbers, ascending); keys in
    order of first use. Values written two ways with one key (5 and "5") share one list."""
    keyed: dict[str, list[Sequence[int]]] = {}
    for ref, numbers in index.values(field).items():
        keyed.setdefault(key(ref), []).append(numbers)
    merged = {k: parts[0] if len(parts) == 1 else sorted(g for part in parts for g in part)
              for k, parts in keyed.items()}
    return dict(sorted(merged.items(), key=lambda item: item[1][0]))


class ReportFacts(NamedTuple):
    """What several checks add up over one pending report's lines, gathered in one walk over them (a
    large file has 100,000 lines, and every walk over them costs tens of milliseconds)."""

    report: Report
    total: Decimal  # of every line's amount, added in line order
    reimbursable_total: Decimal  # of the reimbursable lines' amounts, in line order
    reimbursable_lines: int
    last_date: dt.date | None  # the latest line date (None: no line is dated)
    billable: tuple[int, ...]  # 1-based numbers of the billable lines


def report_facts(ctx: Context) -> tuple[ReportFacts, ...]:
    """One :class:`ReportFacts` per pending report, in file order (none without reports)."""
    return _per_inputs("report_facts", ctx.state.inputs, _report_facts)


def _report_facts(ctx: PreparedInputs) -> tuple[ReportFacts, ...]:
    found = []
    for report in ctx.reports.reports if ctx.reports else ():
        total = reimbursable = Decimal(0)
        count = 0
        last: dt.date | None = None
        billable = []
        for number, line in enumerate(report.lines, start=1):
            amount = line.amount
            total += amount
            if line.reimbursable:
                reimbursable += amount
                count += 1
            day = line.date
            if day is not None and (last is None or day > last):
                last = day
            if line.billable:
                billable.append(number)
        found.append(ReportFacts(report, total, reimbursable, count, last, tuple(billable)))
    return tuple(found)


def mapped_accounts(ws: Workspace) -> dict[str, Ref]:
    """Accounts chosen in the workspace's export settings, by setting name."""
    settings = {
        "payable_account": ws.export.payable_account,
        "card_account": ws.export.card_account,
        "reimbursed_ap_account": ws.export.reimbursed_ap_account,
    }
    return {name: ref for name, ref in settings.items() if ref is not None}


# ---- subsidiaries ------------------------------------------------------------------------------
def subsidiary_tree(ctx: Context) -> SubsidiaryTree:
    """The subsidiary tree of the snapshot (built once for the run; checks ask per row)."""
    rows = ctx.rows("subsidiary")
    return ctx.state.once("subsidiary_tree", lambda: SubsidiaryTree(rows))


def available_to(tree: SubsidiaryTree, row: Any, target: int) -> bool | None:
    """Whether a row with a subsidiary list (account, category, class...) is usable from ``target``.

    ``None`` when the row lists no subsidiary at all: the column was empty, so we cannot tell.
    """
    subs: Sequence[int] = getattr(row, "subsidiary", ()) or ()
    if not subs:
        return None
    return tree.covers(subs, bool(getattr(row, "includechildren", False)), target)


# ---- employees and vendors ---------------------------------------------------------------------
@dataclass(frozen=True)
class EntityMatch:
    """What NetSuite holds for one submitter email, as the integration would look it up."""

    email: str
    subsidiary: int | None  # the subsidiary searched in (None: any)
    exact: tuple[Any, ...]  # exact email, any subsidiary
    in_subsidiary: tuple[Any, ...]  # exact email, in the subsidiary
    near: tuple[Any, ...]  # same email once case and spaces are ignored, but not exact

    @property
    def active(self) -> Any | None:
        """The record the integration would use, if any."""
        return next((row for row in self.in_subsidiary if not row.isinactive), None)

    @property
    def elsewhere(self) -> tuple[Any, ...]:
        return tuple(row for row in self.exact if row not in self.in_subsidiary)


class EmailIndex:
    """Rows by exact email in table order (built once per table, O(n)); by loose email too, built the
    first time a near match is asked for."""

    def __init__(self, rows: tuple[Any, ...]) -> None:
        self.rows = rows
        self.exact = _grouped((row.email, row) for row in rows if row.email is not None)
        self.matches: dict[tuple[str, int | None], EntityMatch] = {}  # answers given
        self._loose: dict[str, tuple[Any, ...]] | None = None

    @property
    def loose(self) -> dict[str, tuple[Any, ...]]:
        if self._loose is None:
            self._loose = _grouped((loose_email(row.email), row) for row in self.rows if row.email)
        return self._loose


def _grouped(pairs: Iterable[tuple[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """key -> its rows, in the order given (most emails belong to one row: no list is made for those)."""
    found: dict[str, Any] = {}
    shared: list[str] = []
    for key, row in pairs:
        rows = found.get(key)
        if rows is None:
            found[key] = (row,)
        elif type(rows) is tuple:
            found[key] = [*rows, row]
            shared.append(key)
        else:
            rows.append(row)
    for key in shared:
        found[key] = tuple(found[key])
    return found


def email_index(ctx: Context, table: str) -> EmailIndex:
    """The email index of a table's rows (employee, vendor), built once for the run."""
    rows = ctx.rows(table)
    return ctx.state.once(("email_index", table), lambda: EmailIndex(rows))


Rows = Iterable[Any] | EmailIndex  # a table's rows, or the run's index of them (``email_index``)


def _email_index(rows: Rows) -> EmailIndex:
    if isinstance(rows, EmailIndex):
        return rows
    return EmailIndex(rows if isinstance(rows, tuple) else tuple(rows))  # for this call only


def match_email(rows: Rows, email: str, subsidiary: int | None) -> EntityMatch:
    index = _email_index(rows)
    found = index.matches.get((email, subsidiary))
    if found is not None:
        return found
    exact = index.exact.get(email, ())
    in_sub = tuple(row for row in exact if subsidiary is None or row.subsidiary == subsidiary)
    near = tuple(row for row in index.loose.get(loose_email(email), ()) if row.email != email)
    found = EntityMatch(email=email, subsidiary=subsidiary, exact=exact, in_subsidiary=in_sub, near=near)
    index.matches[(email, subsidiary)] = found
    return found


def loose_groups(rows: Rows) -> dict[str, tuple[Any, ...]]:
    """``loose_email`` -> the rows with an email that reads so, in table order (rows without an email
    are left out). Shared: callers must not change it."""
    return _email_index(rows).loose


def active_match(rows: Rows, email: str, subsidiary: int | None) -> Any | None:
    """``match_email(rows, email, subsidiary).active``, without working out the rest of the match (checks
    ask it for every submitter)."""
    return active_matcher(rows, subsidiary)(email)


def active_matcher(rows: Rows, subsidiary: int | None) -> Callable[[str], Any | None]:
    """``active_match(rows, email, subsidiary)`` as a function of the email, for asking it of thousands
    of submitters: the rows' email index is found once."""
    exact = _email_index(rows).exact

    def active(email: str) -> Any | None:
        for row in exact.get(email, ()):
            if (subsidiary is None or row.subsidiary == subsidiary) and not row.isinactive:
                return row
        return None

    return active


def match_employee(ctx: Context, email: str) -> EntityMatch:
    return match_email(email_index(ctx, "employee"), email, workspace_subsidiary(ctx))


def match_vendor(ctx: Context, email: str) -> EntityMatch:
    return match_email(email_index(ctx, "vendor"), email, workspace_subsidiary(ctx))


def member_employees(ctx: Context) -> list[tuple[str, Any]]:
    """(email, employee row) for every submitter whose employee record the integration would use."""
    return list(ctx.state.once("member_employees", lambda: _member_employees(ctx)))  # callers may change it


def _member_employees(ctx: Context) -> list[tuple[str, Any]]:
    active = active_matcher(email_index(ctx, "employee"), workspace_subsidiary(ctx))
    out = []
    for email in _per_inputs("members", ctx.state.inputs, _members):
        employee = active(email)
        if employee is not None:
            out.append((email, employee))
    return out


def integration_role(ctx: Context) -> int | None:
    """Internal id of the integration role: the workspace's role_id, else the role named there."""
    conn = ctx.workspace.connection
    if conn.role_id is not None:
        return conn.role_id
    for role in ctx.rows("role"):
        if role.name == conn.role:
            return int(role.id)
    return None


def permission_level(ctx: Context, role: int, key: str) -> Level:
    """The role's level for a permission in ``rolepermissions`` (absent row: None level)."""
    level = Level.NONE
    for row in ctx.rows("rolepermissions"):
        if row.role == role and row.permkey == key:
            level = max(level, Level(min(max(row.permlevel, 0), 4)))
    return level


def currency_id(ctx: Context, code: str | None) -> int | None:
    """Currency internal id for an ISO code (the ``symbol`` column); ``None`` if unknown."""
    if not code:
        return None
    wanted = code.strip().upper()
    for row in ctx.rows("currency"):
        if (row.symbol or "").strip().upper() == wanted:
            return int(row.id)
    return None


def unreadable(ctx: Context, table: str, what: str, *, code: str | None = None) -> Finding:
    """UNVERIFIABLE for a part of a check that needs an optional table nsaudit could not read."""
    read = ctx.snapshot.read(table)
    perm = read.permission or TABLES[table].permission
    if read.uncertain_name:
        # NetSuite did not know a name nsaudit could not confirm: unknown, not a missing permission.
        return ctx.unverifiable(
            f"Not checked: {what}, because NetSuite did not know the table {read.uncertain_name}, a name "
            "nsaudit could not confirm against Oracle's lists (UNCERTAIN, see docs/fidelity.md).",
            missing=f"the SuiteQL table {read.uncertain_name} (UNCERTAIN name)",
            manual=(f"Check {what} by hand in NetSuite.",),
            evidence={"table": table, "state": read.state.value, "uncertain_name": read.uncertain_name},
            code=code,
        )
    detail = f" NetSuite said: {read.detail}" if read.detail else ""
    return ctx.unverifiable(
        f"Not checked: {what}, because nsaudit could not read {table}.{detail}",
        missing=describe_permission(perm),
        manual=(f"Give the integration role {describe_permission(perm)} and run nsaudit again, "
                f"or check {what} by hand in NetSuite.",),
        evidence={"table": table, "state": read.state.value},
        code=code,
    )
