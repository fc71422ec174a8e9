"""NS0831: every class, department and location in use exists, is active and is available to the
subsidiary that uses it; and project lookups are not limited by "Show Projects Only For Time And
Expenses"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netsuite_audit.audit import partial
from netsuite_audit.audit.availability import SubsidiaryTree, available_from, inactive_ancestor
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.remedies import SYNC_NOW, TIME_EXPENSE_PREFERENCES
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.netsuite.values import parse_bool

META = CheckMeta(
    id="classification-available",
    codes=("NS0831",),
    severity=Severity.HIGH,
    title="Classes, departments and locations in use are active and available",
    description=(
        "Each class, department and location enabled as a workspace tag or set on a pending report line "
        "must exist, be active, have no inactive parent, and be available to the subsidiary that uses it "
        "(the workspace's for tags, the submitter's for report lines). Projects in use also need "
        "'Show Projects Only For Time And Expenses' turned off."
    ),
    optional_reads=("classification", "department", "location", "subsidiary", "employee"),
    # Partial: a column one list did not return leaves only that list's records UNVERIFIABLE
    # (VERDICT_COLUMNS), an unknown Include Children only the records whose verdict turns on it, and
    # unknown employee columns only the report lines whose submitter they would place.
    partial_columns=(
        "classification.isinactive", "classification.subsidiary", "classification.includechildren",
        "department.isinactive", "department.subsidiary", "department.includechildren", "location.isinactive",
        "location.subsidiary", "location.includechildren", "employee.email", "employee.subsidiary",
        "employee.isinactive",
    ),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS, Detection.RESTLET),
    tags=("export", "classifications", "subsidiary"),
    judges=("workspace", "reports"),
)

# table -> (label in messages, workspace tag list, report line field, NetSuite list page)
KINDS = {
    "classification": ("Class", "classes", "class_", "Classes"),
    "department": ("Department", "departments", "department", "Departments"),
    "location": ("Location", "locations", "location", "Locations"),
}
PREFERENCE = "TIMEEXPENSEJOBONLY"
PREFERENCE_NAME = "Show Projects Only For Time And Expenses"
NS_ERROR = "\"Invalid or missing classification\" (NS0831)"
VERDICT_COLUMNS = ("isinactive", "subsidiary")  # per list: without either, none of its records is judged
EMPLOYEE_COLUMNS = ("email", "subsidiary", "isinactive")  # where a report line's submitter works

CROSS_SUBSIDIARY_STEPS = (
    "If the record is meant to serve several subsidiaries, turn on Cross-Subsidiary Customers/Projects: "
    "on the web, Workspaces > the workspace > Accounting > Advanced, switch it on and Save; in the mobile "
    "app, Workspaces (bottom tabs) > the workspace > Accounting > Advanced, switch it on and tap Save.",
)


class Uses:
    """Where one record is used: ``tags`` workspace tag entries (for the workspace subsidiary), then
    report lines ``lines`` (line numbers of the shared index, ascending)."""

    __slots__ = ("lines", "tags")

    def __init__(self) -> None:
        self.tags = 0
        self.lines: Sequence[int] = ()


@dataclass(frozen=True)
class _Where:
    """The subsidiary each use needs the record in, and how a finding names the use."""

    index: LineIndex
    ws_sub: int | None
    report_target: list[int | None]  # per report (in index order): the submitter's subsidiary
    no_target: bool  # some use has no known subsidiary

    @property
    def one_target(self) -> bool:
        """Every report (so every line) needs the same subsidiary."""
        return len(set(self.report_target)) == 1

    def each(self, uses: Uses) -> Iterator[tuple[int | None, str]]:
        """(target subsidiary, "workspace tag" / "report X line N") per use, in order."""
        for _ in range(uses.tags):
            yield self.ws_sub, "workspace tag"
        report_of = self.index.report_of
        for g in uses.lines:
            yield self.report_target[report_of[g]], self.index.where(g)

    def targets(self, uses: Uses, one_target: bool) -> set[int | None]:
        """The subsidiaries the record is used from (``one_target``: see the property)."""
        if not uses.lines:
            found = set()
        elif one_target:  # no need to look at each line
            found = {self.report_target[0]}
        else:
            found = set(map(self.report_target.__getitem__, map(self.index.report_of.__getitem__, uses.lines)))
        if uses.tags:
            found.add(self.ws_sub)
        return found


def _uses(ctx: Context, index: LineIndex) -> dict[tuple[str, str], Uses]:
    """(table, reference) -> its uses, in the order first used: the workspace tags, then line by line
    (class, department, location on each line)."""
    uses: dict[tuple[str, str], Uses] = {}
    for table, (_, tag_list, _, _) in KINDS.items():
        for ref in getattr(ctx.workspace.tags, tag_list):
            uses.setdefault((table, str(ref).strip()), Uses()).tags += 1
    first: dict[tuple[str, str], tuple[int, int]] = {}  # only-on-lines reference -> (first line, column)
    for column, (table, (_, _, field, _)) in enumerate(KINDS.items()):
        for ref, numbers in index.values(field).items():
            key = (table, str(ref).strip())
            found = uses.get(key)
            if found is None:
                found = uses[key] = Uses()
                first[key] = (numbers[0], column)
            elif key in first:
                first[key] = min(first[key], (numbers[0], column))
            # the same record written two ways (5 and "5") merges into one ascending list
            found.lines = numbers if not found.lines else sorted((*found.lines, *numbers))
    on_lines = sorted(first, key=first.__getitem__)
    return {**{k: v for k, v in uses.items() if k not in first}, **{k: uses[k] for k in on_lines}}


def check(ctx: Context) -> Iterator[Finding]:
    judged: Counter[str] = Counter()  # table -> records judged with nothing to report
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: Counter[str]) -> Finding | None:
    """The PASS for the records judged, when the rest of the check stays unknown."""
    if not judged:
        return None
    what = partial.counted({KINDS[t][0].lower(): judged[t] for t in KINDS})
    return ctx.passed(
        f"Judged: the {what} in use exist, are active, have no inactive parent and are available to the "
        "subsidiary that uses them.",
        evidence={"judged": {t: judged[t] for t in KINDS if judged[t]}},
    )


def _findings(ctx: Context, judged: Counter[str]) -> Iterator[Finding]:
    tree = SubsidiaryTree(ctx.rows("subsidiary"))
    index = ctx.line_index
    ws_sub = tree.resolve(ctx.workspace.subsidiary)
    placed = all(ctx.known("employee", c) for c in EMPLOYEE_COLUMNS)  # else submitters' subsidiaries unknown
    employees = {e.email: e for e in ctx.rows("employee") if e.email} if placed else {}
    per_report = []
    for report in index.reports:
        emp = employees.get(report.employee)
        per_report.append(emp.subsidiary if emp is not None else ws_sub if placed else None)
    where = _Where(index, ws_sub, per_report, no_target=ws_sub is None or None in per_report)
    one_target = where.one_target
    lists = {table: (ctx.by_id(table), ctx.known(table, "includechildren")
                     and (table != "location" or ctx.snapshot.read(table).via == "soap"))
             for table in KINDS}  # rows by id, and whether Include Children is known
    not_returned = {table: [f"{table}.{c}" for c in VERDICT_COLUMNS if not ctx.known(table, c)] for table in KINDS}
    unknown_columns: dict[str, list[str]] = {}
    unreadable: dict[str, list[str]] = {}
    unknown_target: list[str] = []
    # What availability depends on: (subsidiary list, Include Children, whether it is known) and the
    # subsidiary asked from. Thousands of records share a dozen lists: each is decided once.
    verdicts: dict[tuple[tuple[Any, Any, bool], int], bool | None] = {}
    parents: dict[tuple[str, Any], Any] = {}  # (table, parent id) -> the nearest inactive parent
    for (table, ref), uses in _uses(ctx, index).items():
        if not ctx.readable(table):
            unreadable.setdefault(table, []).append(ref)
            continue
        if not_returned[table]:
            unknown_columns.setdefault(table, []).append(ref)
            continue
        if tree.by_id and where.no_target:
            unknown_target += [f"{KINDS[table][0]} {ref} ({w})" for t, w in where.each(uses) if t is None]
        found = list(_record(ctx, tree, table, ref, uses, where, (verdicts, parents), lists[table], one_target))
        if not found and None not in where.targets(uses, one_target):
            judged[table] += 1
        yield from found
    for table, refs in unreadable.items():
        perm = TABLES[table].permission
        yield ctx.unverifiable(
            f"Not checked: {KINDS[table][0].lower()} records could not be read, so {', '.join(refs)} "
            "could not be confirmed.",
            missing=describe_permission(perm), subject=Subject(kind="record-type", id=table),
            manual=(f"In NetSuite confirm each of {', '.join(refs)} exists, is active and is available to "
                    "the subsidiary that uses it.",),
        )
    for table, refs in unknown_columns.items():
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return {', '.join(not_returned[table])}, so whether "
            f"{', '.join(refs)} can be used is unknown (the other lists are judged).",
            missing=column_missing_text(ctx.snapshot, not_returned[table]),
            manual=column_manual(ctx.snapshot, not_returned[table]),
            subject=Subject(kind="record-type", id=table), evidence={"columns_not_returned": not_returned[table]},
        )
    if unknown_target:
        yield ctx.unverifiable(
            "Not checked for subsidiary availability: the subsidiary using these is unknown (no workspace "
            "subsidiary, submitter not found" + ("" if placed else ", or the employee read did not return "
            "email, subsidiary or isinactive") + f"): {'; '.join(unknown_target)}.",
            missing="the workspace subsidiary or the submitters' employee records",
            subject=Subject(kind="subsidiary", id="unknown"),
        )
    yield from _projects_preference(ctx, index)


def _record(ctx: Context, tree: SubsidiaryTree, table: str, ref: str, uses: Uses, where_used: _Where,
            known_answers: tuple[dict[tuple[tuple[Any, Any, bool], int], bool | None], dict[tuple[str, Any], Any]],
            rows: tuple[Mapping[int, Any], bool], one_target: bool) -> Iterator[Finding]:
    label, _, _, page = KINDS[table]
    verdicts, parents = known_answers
    by_id, known = rows
    row = by_id.get(int(ref)) if ref.isascii() and ref.isdigit() else ctx.resolve(table, ref)  # ref is stripped
    if row is None:
        where = [w for _, w in where_used.each(uses)]
        yield ctx.fail(
            f"{label} [{ref}] does not exist in NetSuite (or the role cannot see it); an export using it "
            f"fails with {NS_ERROR}." + hint(ctx.snapshot, table, ref),
            subject=Subject(kind=table, id=ref), evidence={"reference": ref, "used_by": where},
            fix=(f"Pick a {label.lower()} that exists in NetSuite (Setup > Company > Classifications > {page}) "
                 "or create it there.", SYNC_NOW),
        )
        return
    name = row.fullname or row.name or f"#{row.id}"
    inactive = bool(getattr(row, "isinactive", False))
    parent_key = (table, row.parent)
    if parent_key in parents:  # the nearest inactive parent depends on the parent alone
        inactive_parent = parents[parent_key]
    else:
        inactive_parent = parents[parent_key] = inactive_ancestor(row, by_id)
    lists_key = (tuple(row.subsidiary or ()), bool(row.includechildren), known)
    # The verdict depends on the subsidiary only: decide each one once, and list the uses (slow, per
    # line) only for a record that has something to report.
    outcome: set[bool | None] = set()
    for target in where_used.targets(uses, one_target):
        if target is None:
            continue
        key = (lists_key, target)
        if key not in verdicts:
            verdicts[key] = available_from(row, tree, target, include_children_known=known)
        outcome.add(verdicts[key])
    if not inactive and inactive_parent is None and outcome <= {True}:
        return
    blocked: dict[int, list[str]] = {}
    unsure: dict[int, list[str]] = {}
    for target, use in where_used.each(uses):
        if target is None:
            continue
        verdict = verdicts[(lists_key, target)]
        if verdict is False:
            blocked.setdefault(target, []).append(use)
        elif verdict is None:
            unsure.setdefault(target, []).append(use)
    problems = []
    if inactive:
        problems.append("it is inactive")
    if inactive_parent is not None:
        parent = inactive_parent
        problems.append(f"its parent [{parent.fullname or parent.name}] (id {parent.id}) is inactive")
    if blocked:
        problems.append(
            f"it is not available to subsidiary {tree.names(blocked)}: it is assigned to "
            f"{tree.names(row.subsidiary)}" + (" with" if row.includechildren else " without") + " Include Children"
        )
    if not problems and not unsure:
        return
    where = [w for _, w in where_used.each(uses)]
    subject = Subject(kind=table, id=str(row.id), name=name)
    evidence = {"internal_id": row.id, "name": name, "isinactive": row.isinactive, "parent": row.parent,
                "subsidiaries": list(row.subsidiary), "include_children": row.includechildren,
                "used_by": where, "blocked_for": {tree.name(s): w for s, w in blocked.items()}}
    if problems:
        cross = bool(blocked) and not ctx.workspace.cross_subsidiary
        yield ctx.fail(
            f"{label} [{name}] (internal id {row.id}) cannot be used: {'; '.join(problems)}. An export "
            f"using it fails with {NS_ERROR}."
            + (" The workspace's Cross-Subsidiary Customers/Projects switch is off, a likely cause when "
               "records span subsidiaries." if cross else ""),
            subject=subject, evidence=evidence,
            fix=(f"In NetSuite open Setup > Company > Classifications > {page} > {name}: clear Inactive (on "
                 "the record and its parents) and add the subsidiary to its Subsidiary list or tick Include "
                 f"Children; save. Or choose another {label.lower()} in the workspace.",
                 *(CROSS_SUBSIDIARY_STEPS if cross else ()), SYNC_NOW),
        )
    elif unsure:
        yield ctx.unverifiable(
            f"{label} [{name}] (internal id {row.id}) is assigned to {tree.names(row.subsidiary)}; whether it "
            f"reaches subsidiary {tree.names(unsure)} depends on Include Children, which the read did not return.",
            missing="the Include Children flag of the record", subject=subject, evidence=evidence,
            manual=(f"Open the {label.lower()} in NetSuite and confirm Include Children is ticked.",),
        )


def _projects_preference(ctx: Context, index: LineIndex) -> Iterator[Finding]:
    if not ctx.workspace.tags.projects and not index.values("project"):
        return
    value: bool | None = ctx.workspace.netsuite.show_projects_only_for_time_and_expenses
    source = "workspace netsuite.show_projects_only_for_time_and_expenses"
    restlet = ctx.snapshot.restlet
    if restlet is not None and PREFERENCE in restlet.preferences:
        try:
            value, source = parse_bool(restlet.preferences[PREFERENCE]), "NetSuite (RESTlet)"
        except ValueError:
            value = None
    subject = Subject(kind="setting", id=PREFERENCE, name=PREFERENCE_NAME)
    if value is True:
        yield ctx.fail(
            f"'{PREFERENCE_NAME}' ({PREFERENCE}) is on while the workspace uses projects: NetSuite limits "
            f"which projects an expense line may carry, and exports fail with {NS_ERROR}.",
            subject=subject, evidence={PREFERENCE: True, "source": source},
            fix=(f"Log in to NetSuite as an administrator, open {TIME_EXPENSE_PREFERENCES}, clear "
                 f"'{PREFERENCE_NAME}' and save.", SYNC_NOW),
        )
    elif value is None:
        yield ctx.unverifiable(
            f"Not checked: whether '{PREFERENCE_NAME}' ({PREFERENCE}) is on is unknown, and the workspace "
            "uses projects.",
            missing=f"the {PREFERENCE} accounting preference (deploy the nsaudit RESTlet or set it in the workspace)",
            subject=subject,
            manual=(f"In NetSuite open {TIME_EXPENSE_PREFERENCES} and confirm '{PREFERENCE_NAME}' is cleared.",),
        )
