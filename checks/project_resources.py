"""NS0024: submitters must be resources on projects limited to their resources; customers alone are
refused while NetSuite shows only projects on expense entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from netsuite_audit.audit import lookups, partial, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.verdicts import REPORT_LINES, report_line
from netsuite_audit.netsuite.records import Project

META = CheckMeta(
    id="project-resources",
    codes=("NS0024",),
    severity=Severity.HIGH,
    title="Submitters are resources on projects limited to their resources",
    description=(
        "A project with 'Limit time and expenses to resources' accepts expenses only from employees on "
        "its Resources list: each pending-report submitter who uses such a project (FAIL) and each "
        "workspace member who could pick a tagged one (WARN) is compared with that list. When the "
        "preference 'Show Projects Only For Time And Expense Entry' is on, a customer without a project "
        "is refused too."
    ),
    reads=("job",),
    optional_reads=("jobresources", "employee"),
    columns=("job.limittimetoassignees",),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "projects"),
    judges=("workspace", "reports"),
)

MEMBERS_SHOWN = 5  # workspace members named in a WARN; the rest are counted

def _fix(project: Project) -> tuple[str, ...]:
    return (
        f"In NetSuite open project [{project.display_name}] ({remedies.PROJECTS}), Resources "
        "subtab, and add each employee listed; or clear 'Limit time and expenses to resources' on it.",
        remedies.SYNC_AND_EXPORT_REPORT,
    )


def check(ctx: Context) -> Iterator[Finding]:
    limited = list(_limited_projects(ctx))  # a handful at most: one per project
    yield from limited
    yield from partial.with_judged_part(_projects_only(ctx), lambda: None if limited else _judged(ctx))


def _judged(ctx: Context) -> Finding | None:
    """The PASS for the projects judged (resources), when the preference part stays unknown."""
    refs = [*ctx.workspace.tags.projects, *ctx.line_index.values("project")]
    found = {project.id for project in (ctx.resolve("job", ref) for ref in refs) if project is not None}
    if not found:
        return None
    return ctx.passed(
        f"Judged: the {partial.counted({'project': len(found)})} in use take expenses from the people who "
        "use them (not limited to resources, or they are on its Resources list).",
        evidence={"projects": sorted(found)},
    )


def _employee_ids(ctx: Context) -> Callable[[str], int | None]:
    """Email -> internal id of the active employee the integration would use (looked up once per email)."""
    active = lookups.active_matcher(lookups.email_index(ctx, "employee"), None)
    found: dict[str, int | None] = {}

    def employee_id(email: str) -> int | None:
        if email not in found:
            employee = active(email)
            found[email] = employee.id if employee is not None else None
        return found[email]

    return employee_id


@dataclass(frozen=True)
class _Members:
    """Workspace members with an employee record, to count those off a project's resource list without
    comparing every member with every project."""

    pairs: tuple[tuple[str, int], ...]  # (email, employee id), in workspace order
    per_employee: Counter[int]

    @classmethod
    def of(cls, ctx: Context, employee_id: Callable[[str], int | None]) -> _Members:
        pairs = tuple((email, eid) for email in ctx.workspace.employees
                      if (eid := employee_id(email)) is not None)
        return cls(pairs, Counter(eid for _, eid in pairs))

    def outside(self, resources: set[int]) -> tuple[int, list[str]]:
        """How many members are not among ``resources``, and the first MEMBERS_SHOWN of them.

        O(resources + MEMBERS_SHOWN + members who are resources), not O(members)."""
        count = len(self.pairs) - sum(self.per_employee[r] for r in resources)
        first: list[str] = []
        if count:
            for email, eid in self.pairs:
                if eid not in resources:
                    first.append(email)
                    if len(first) == MEMBERS_SHOWN:
                        break
        return count, first


def _limited_projects(ctx: Context) -> Iterator[Finding]:
    resources: dict[int, set[int]] = {}
    for row in ctx.rows("jobresources"):
        resources.setdefault(row.project, set()).add(row.jobresource)
    employee_id = _employee_ids(ctx)
    on_reports: dict[int, list[str]] = {}  # project -> "report/line (email)" not on its resource list
    report_lines: dict[int, list[str]] = {}  # project -> "report/line", for the per-report verdicts
    tagged: set[int] = set()  # limited projects that are workspace tags
    used: set[int] = set()
    index = ctx.line_index
    submitter = [employee_id(report.employee) for report in index.reports]
    limited: dict[int, list[int]] = {}  # limited project -> its lines (shared line numbers)
    refs: Counter[int] = Counter()
    for ref, numbers in index.values("project").items():  # each reference looked up once
        project = ctx.resolve("job", ref)
        if project is not None and project.limittimetoassignees:
            limited.setdefault(project.id, []).extend(numbers)
            refs[project.id] += 1
    for project_id, on_lines in limited.items():
        if refs[project_id] > 1:  # named two ways (id and name): back to file order
            on_lines.sort()
        listed = resources.get(project_id, set())
        for g in on_lines:
            employee = submitter[index.report_of[g]]
            if employee is None:
                continue
            used.add(project_id)
            if employee not in listed:
                report = index.report(g)
                number = index.number_of[g]
                on_reports.setdefault(project_id, []).append(f"{report.id}/{number} ({report.employee})")
                report_lines.setdefault(project_id, []).append(report_line(report.id, number))
    for ref in ctx.workspace.tags.projects:
        project = ctx.resolve("job", ref)
        if project is None or not project.limittimetoassignees:
            continue
        used.add(project.id)
        tagged.add(project.id)
    if used and not ctx.readable("jobresources"):
        yield lookups.unreadable(ctx, "jobresources", "who is a resource on projects limited to resources",
                                 code="NS0024")
        return
    jobs = ctx.by_id("job")
    members: _Members | None = None
    for project_id in sorted(used):
        job: Project = jobs[project_id]
        subject = Subject(kind="job", id=str(job.id), name=job.display_name)
        evidence = {"internal_id": job.id, "limittimetoassignees": True,
                    "resources": sorted(resources.get(job.id, set()))}
        if project_id in on_reports:
            yield ctx.fail(
                f"Project [{job.display_name}] takes expenses only from its resources, and pending report "
                f"lines come from submitters who are not: {', '.join(on_reports[project_id])}.",
                subject=subject, evidence={**evidence, "lines": on_reports[project_id],
                                           REPORT_LINES: report_lines[project_id]}, fix=_fix(job),
            )
        elif project_id in tagged:
            members = members or _Members.of(ctx, employee_id)
            count, first = members.outside(resources.get(project_id, set()))
            if not count:
                continue
            more = f" and {count - len(first):,} more" if count > len(first) else ""
            yield ctx.warn(
                f"Project [{job.display_name}] is a workspace tag but takes expenses only from its "
                f"resources; these workspace members are not resources: {', '.join(first)}{more}.",
                severity=Severity.MEDIUM, subject=subject,
                evidence={**evidence, "members": first, "members_not_resources": count}, fix=_fix(job),
            )


def _customer_lines(index: LineIndex) -> list[int]:
    """The lines coded to a customer without a project (shared line numbers, ascending)."""
    with_customer: set[int] = set()
    for numbers in index.values("customer").values():
        with_customer.update(numbers)
    with_project: set[int] = set()
    for numbers in index.values("project").values():
        with_project.update(numbers)
    return sorted(with_customer - with_project)


def _projects_only(ctx: Context) -> Iterator[Finding]:
    index = ctx.line_index
    lines = _customer_lines(index)
    if not lines and not ctx.workspace.tags.customers:
        return
    pref = settings.preference(ctx, "TIMEEXPENSEJOBONLY")
    if pref.known and not pref.on:
        return
    where = [f"workspace tag {ref}" for ref in ctx.workspace.tags.customers] + [index.where(g) for g in lines]
    subject = Subject(kind="setting", id="TIMEEXPENSEJOBONLY",
                      name="Show Projects Only For Time And Expense Entry")
    evidence = {**pref.evidence(), "customers_used_by": where}
    if pref.on:
        yield ctx.fail(
            "NetSuite shows only projects on time and expense entries, yet expenses are coded to customers "
            "without a project; NetSuite refuses those customer tags.",
            subject=subject, evidence=evidence,
            fix=("In NetSuite clear 'Show Projects Only For Time And Expense Entry' "
                 f"({remedies.TIME_EXPENSE_PREFERENCES}), or code those expenses to a project.",
                 remedies.SYNC_AND_EXPORT_REPORT),
        )
    elif not pref.known:
        yield ctx.unverifiable(
            "Not checked: expenses are coded to customers without a project, and nsaudit could not tell "
            "whether NetSuite shows only projects on time and expense entries.",
            missing=settings.missing_text("TIMEEXPENSEJOBONLY"), subject=subject, evidence=evidence,
            manual=settings.manual_step("TIMEEXPENSEJOBONLY"),
        )
