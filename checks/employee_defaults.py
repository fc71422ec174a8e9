"""NS0655 / NS0005: the submitter's default department, class and location are set, exist and are
active when the export takes them from the employee record."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netsuite_audit.audit import lookups, partial, remedies, settings
from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import Coding

META = CheckMeta(
    id="employee-defaults",
    codes=("NS0655", "NS0005"),
    severity=Severity.HIGH,
    title="Submitters' default department, class and location are usable",
    description=(
        "When the workspace codes expenses with the employee's defaults, or exports expense reports "
        "or journal entries (whose header lines come from the employee), each submitter's default "
        "department, class and location must be filled in, exist, be active and be available to the "
        "employee's subsidiary."
    ),
    reads=("employee",),
    optional_reads=("department", "classification", "location", "subsidiary"),
    columns=(
        "employee.email", "employee.subsidiary", "employee.isinactive", "employee.department",
        "employee.class", "employee.location", "classification.isinactive", "classification.subsidiary",
        "department.isinactive", "department.subsidiary", "location.isinactive", "location.subsidiary",
    ),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE),
    tags=("export", "employees", "classifications"),
    needs_workspace=True,
)

# (employee field, table, label, accounting preference that makes it mandatory)
FIELDS = (
    ("department", "department", "Department", "DEPTMANDATORY"),
    ("class_", "classification", "Class", "CLASSMANDATORY"),
    ("location", "location", "Location", "LOCMANDATORY"),
)

FIX_SET = (
    f"In NetSuite open {remedies.EMPLOYEES}, edit the submitter and, in the Classification "
    "section, choose an active {what} available to the employee's subsidiary.",
    remedies.SYNC_STEP,
)


def _required(ctx: Context, preference: str) -> bool | None:
    """True when the export needs the field: coding by employee default, or NetSuite makes it mandatory."""
    if ctx.workspace.export.coding == Coding.EMPLOYEE_DEFAULT:
        return True
    setting = settings.preference(ctx, preference)
    return None if not setting.known else setting.value is True or str(setting.value).upper() == "TRUE"


@dataclass(frozen=True)
class _Lists:
    """The department, class and location lists and the subsidiary tree, looked up once per run."""

    rows: dict[str, Mapping[int, Any] | None]  # table -> its rows by id; None when it was not read
    tree: SubsidiaryTree | None  # None when the subsidiaries were not read
    # (subsidiary list, Include Children, employee's subsidiary) -> available: thousands of records
    # share a dozen subsidiary lists
    available: dict[tuple[tuple[int, ...], bool, int], bool | None] = field(default_factory=dict)

    @classmethod
    def of(cls, ctx: Context) -> _Lists:
        rows = {table: ctx.by_id(table) if ctx.readable(table) else None for _, table, _, _ in FIELDS}
        return cls(rows, lookups.subsidiary_tree(ctx) if ctx.readable("subsidiary") else None)


def _unusable(lists: _Lists, table: str, ref: int, subsidiary: int | None) -> str | None:
    """Why a default value cannot be used by an employee of ``subsidiary``, or ``None`` when it can (or
    the table was not read)."""
    by_id = lists.rows[table]
    if by_id is None:
        return None
    row = by_id.get(ref)
    if row is None:
        return f"#{ref} does not exist (or this role cannot see it)"
    if row.isinactive:
        return f"{_list_name(row, ref)} (#{ref}) is inactive"
    tree = lists.tree
    if subsidiary is not None and tree is not None and _available(lists, tree, row, subsidiary) is False:
        return f"{_list_name(row, ref)} (#{ref}) is not available to subsidiary {tree.name(subsidiary)}"
    return None


def _available(lists: _Lists, tree: SubsidiaryTree, row: Any, subsidiary: int) -> bool | None:
    """``lookups.available_to(tree, row, subsidiary)``, decided once per subsidiary list."""
    key = (tuple(getattr(row, "subsidiary", ()) or ()), bool(getattr(row, "includechildren", False)), subsidiary)
    if key not in lists.available:
        lists.available[key] = lookups.available_to(tree, row, subsidiary)
    return lists.available[key]


def _list_name(row: Any, ref: int) -> str:
    """How a finding names a department, class or location (worded only for a finding)."""
    return str(row.fullname or row.name or f"#{ref}")


def _named(employee: Any) -> tuple[str, Subject]:
    """The employee's name and the subject of a finding about them (made only for a finding)."""
    name = lookups.entity_name(employee)
    return name, Subject(kind="employee", id=str(employee.id), name=name)


def _employee(ctx: Context, email: str, employee: Any, lists: _Lists,
              known: dict[tuple[str, int, int | None], str | None]) -> Iterator[Finding]:
    blanks: list[str] = []  # blank and needed: the export fails
    unsure: list[str] = []  # blank, and whether NetSuite makes it mandatory is unknown
    for attr, table, label, preference in FIELDS:
        ref = getattr(employee, attr)
        if ref is None:
            required = _required(ctx, preference)
            in_use = not ctx.readable(table) or bool(ctx.rows(table))  # a list the account never uses
            if required is not False and in_use:
                (blanks if required else unsure).append(label)
            continue
        key = (table, ref, employee.subsidiary)  # the answer depends on nothing else
        if key in known:
            why = known[key]
        else:
            why = known[key] = _unusable(lists, table, ref, employee.subsidiary)
        if why is None:
            continue
        name, subject = _named(employee)
        if attr == "department":
            yield ctx.fail(
                f"NetSuite can't save the report because the employee's default department is not "
                f"usable: {name}'s default department {why}.",
                code="NS0655", subject=subject,
                evidence={"email": email, "internal_id": employee.id, "department": ref},
                fix=(FIX_SET[0].format(what="department"), FIX_SET[1]),
            )
        else:
            # UNCERTAIN: NetSuite may word an unusable default class/location as NS0831 instead.
            yield ctx.fail(
                f"Please enter value(s) for '{label.lower()}': {name}'s default {label.lower()} {why}.",
                code="NS0005", subject=subject,
                evidence={"email": email, "internal_id": employee.id, table: ref},
                fix=(FIX_SET[0].format(what=label.lower()), FIX_SET[1]),
            )
    if blanks or unsure:
        name, subject = _named(employee)
        fix = (FIX_SET[0].format(what=" / ".join(b.lower() for b in blanks + unsure)), FIX_SET[1])
        evidence = {"email": email, "internal_id": employee.id, "blank": blanks + unsure,
                    "coding": ctx.workspace.export.coding.value}
    if blanks:
        what = " or ".join(blanks) if len(blanks) < 3 else f"{blanks[0]}, {blanks[1]} or {blanks[2]}"
        quoted = ", ".join(f"'{b.lower()}'" for b in blanks)
        yield ctx.fail(f"Please enter value(s) for {quoted}: {name}'s employee record has no default "
                       f"{what.lower()}, and the export takes it from there.",
                       code="NS0005", subject=subject, evidence={**evidence, "blank": blanks}, fix=fix)
    if unsure:
        keys = [pref for _, _, label, pref in FIELDS if label in unsure]
        yield ctx.unverifiable(
            f"Not checked: {name}'s employee record has no default {' or '.join(u.lower() for u in unsure)}. "
            "That stops the export only if NetSuite makes the field mandatory, and nsaudit could not read "
            f"{' / '.join(keys)}.",
            code="NS0005", subject=subject,
            evidence={**evidence, "blank": unsure}, missing="; ".join(settings.missing_text(k) for k in keys),
            manual=tuple(dict.fromkeys(step for k in keys for step in settings.manual_step(k))),
        )


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []  # members whose defaults were judged usable (or not needed)
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(
        f"Judged: the {partial.counted({'workspace member': len(judged)})} {', '.join(judged[:5])}"
        + (f" and {len(judged) - 5} more" if len(judged) > 5 else "")
        + f" {'has' if len(judged) == 1 else 'have'} a usable default department, class and location wherever "
        "the export needs one.",
        evidence={"judged": judged},
    )


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    if not lookups.uses_employee_defaults(ctx.workspace):
        return
    known: dict[tuple[str, int, int | None], str | None] = {}  # (table, id, subsidiary) -> why unusable
    lists = _Lists.of(ctx)
    for email, employee in lookups.member_employees(ctx):
        found = list(_employee(ctx, email, employee, lists, known))  # three findings at most
        if not found:
            judged.append(email)
        yield from found
