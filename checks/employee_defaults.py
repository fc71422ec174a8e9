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
from netsuite_audit.audit.unknown import column_manual, column_missing_text
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
    columns=("employee.email", "employee.subsidiary", "employee.isinactive"),  # who the members are
    # not returned: the other two of department, class and location are still judged, and a default that
    # does not exist (or is known inactive or unavailable) still fails; the rest is UNVERIFIABLE naming it
    partial_columns=(
        "employee.department", "employee.class", "employee.location", "classification.isinactive",
        "classification.subsidiary", "department.isinactive", "department.subsidiary", "location.isinactive",
        "location.subsidiary",
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


def _unusable(ctx: Context, lists: _Lists, table: str, ref: int,
              subsidiary: int | None) -> tuple[str | None, tuple[str, ...]]:
    """Why a default value cannot be used by an employee of ``subsidiary`` (``None`` when nothing was
    found), and what else that needs which nsaudit does not know (the table, or ``table.column``)."""
    by_id = lists.rows[table]
    if by_id is None:
        return None, (table,)
    row = by_id.get(ref)
    if row is None:
        return f"#{ref} does not exist (or this role cannot see it)", ()
    unknown = []
    if not ctx.known(table, "isinactive"):
        unknown.append(f"{table}.isinactive")
    elif row.isinactive:
        return f"{_list_name(row, ref)} (#{ref}) is inactive", ()
    tree = lists.tree
    if subsidiary is not None and tree is not None:
        if not ctx.known(table, "subsidiary"):
            unknown.append(f"{table}.subsidiary")
        elif _available(lists, tree, row, subsidiary) is False:
            return f"{_list_name(row, ref)} (#{ref}) is not available to subsidiary {tree.name(subsidiary)}", ()
    return None, tuple(unknown)


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
              known: dict[tuple[str, int, int | None], tuple[str | None, tuple[str, ...]]],
              unknown: dict[tuple[str, str], list[str]], judged: list[str]) -> Iterator[Finding]:
    """The findings for one member; ``unknown`` gains (what nsaudit does not know, label) -> the member for
    each default that depends on it, and ``judged`` the labels judged usable (or not needed)."""
    blanks: list[str] = []  # blank and needed: the export fails
    unsure: list[str] = []  # blank, and whether NetSuite makes it mandatory is unknown
    for attr, table, label, preference in FIELDS:
        column = f"employee.{attr.rstrip('_')}"
        if not ctx.known("employee", column.partition(".")[2]):
            unknown.setdefault((column, label), []).append(email)
            continue
        ref = getattr(employee, attr)
        if ref is None:
            required = _required(ctx, preference)
            in_use = not ctx.readable(table) or bool(ctx.rows(table))  # a list the account never uses
            if required is not False and in_use:
                (blanks if required else unsure).append(label)
            else:
                judged.append(label)
            continue
        key = (table, ref, employee.subsidiary)  # the answer depends on nothing else
        if key in known:
            why, needed = known[key]
        else:
            why, needed = known[key] = _unusable(ctx, lists, table, ref, employee.subsidiary)
        if why is None:
            for what in needed:
                unknown.setdefault((what, label), []).append(email)
            if not needed:
                judged.append(label)
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
    judged: dict[str, tuple[str, ...]] = {}  # member -> the defaults judged usable (or not needed)
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: dict[str, tuple[str, ...]]) -> Finding | None:
    groups: dict[tuple[str, ...], list[str]] = {}  # the defaults judged -> the members
    for email, labels in judged.items():
        if labels:
            groups.setdefault(labels, []).append(email)
    if not groups:
        return None
    said = []
    for labels, emails in groups.items():
        what = ", ".join(lab.lower() for lab in labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1].lower()
        said.append(
            f"the {partial.counted({'workspace member': len(emails)})} {', '.join(emails[:5])}"
            + (f" and {len(emails) - 5} more" if len(emails) > 5 else "")
            + f" {'has' if len(emails) == 1 else 'have'} a usable default {what} wherever the export needs one")
    return ctx.passed(f"Judged: {'; '.join(said)}.",
                      evidence={"judged": {email: list(labels) for email, labels in judged.items() if labels}})


def _findings(ctx: Context, judged: dict[str, tuple[str, ...]]) -> Iterator[Finding]:
    if not lookups.uses_employee_defaults(ctx.workspace):
        return
    known: dict[tuple[str, int, int | None], tuple[str | None, tuple[str, ...]]] = {}  # (table, id, sub) ->
    unknown: dict[tuple[str, str], list[str]] = {}  # (what nsaudit does not know, label) -> the members
    lists = _Lists.of(ctx)
    for email, employee in lookups.member_employees(ctx):
        labels: list[str] = []
        found = list(_employee(ctx, email, employee, lists, known, unknown, labels))  # three findings at most
        if not found:
            judged[email] = tuple(labels)
        yield from found
    for (what, label), emails in unknown.items():
        yield _unknown_part(ctx, what, label, emails)


def _unknown_part(ctx: Context, what: str, label: str, emails: list[str]) -> Finding:
    """UNVERIFIABLE for the members whose default ``label`` needs ``what`` (a table or ``table.column``)."""
    members = (f"the {partial.counted({'workspace member': len(emails)})} {', '.join(emails[:5])}"
               + (f" and {len(emails) - 5} more" if len(emails) > 5 else ""))
    question = f"whether the default {label.lower()} of {members} is usable"
    if "." not in what:
        return lookups.unreadable(ctx, what, question, code="NS0655" if label == "Department" else "NS0005")
    return ctx.unverifiable(
        f"Not checked: NetSuite did not return {what}, so {question} is unknown (what does not depend on it "
        "was judged).",
        code="NS0655" if label == "Department" else "NS0005", subject=Subject(kind="column", id=what),
        missing=column_missing_text(ctx.snapshot, [what]), manual=column_manual(ctx.snapshot, [what]),
        evidence={"columns_not_returned": [what], "members": emails[:10], "default": label.lower()},
    )
