"""NS0024: submitters must be resources on projects limited to their resources; customers alone are
refused while NetSuite shows only projects on expense entry."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.records import Project

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
    optional_reads=("jobresource", "employee"),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "projects"),
)

SYNC = "Then choose Sync Now in the workspace and export the report again."


def _fix(project: Project) -> tuple[str, ...]:
    return (
        f"In NetSuite open project [{project.display_name}] (Lists > Relationships > Projects), Resources "
        "subtab, and add each employee listed; or clear 'Limit time and expenses to resources' on it.",
        SYNC,
    )


def check(ctx: Context) -> Iterator[Finding]:
    yield from _limited_projects(ctx)
    yield from _projects_only(ctx)


def _employee_id(ctx: Context, email: str) -> int | None:
    employee = lookups.match_email(ctx.rows("employee"), email, None).active
    return employee.id if employee is not None else None


def _limited_projects(ctx: Context) -> Iterator[Finding]:
    resources: dict[int, set[int]] = {}
    for row in ctx.rows("jobresource"):
        resources.setdefault(row.project, set()).add(row.jobresource)
    on_reports: dict[int, list[str]] = {}  # project -> "report/line (email)" not on its resource list
    tagged: dict[int, list[str]] = {}  # project -> workspace members not on its resource list
    used: set[int] = set()
    for report in ctx.reports.reports if ctx.reports else ():
        employee = _employee_id(ctx, report.employee)
        for number, line in enumerate(report.lines, start=1):
            project = ctx.resolve("job", line.project) if line.project is not None else None
            if project is None or not project.limittimetoassignees or employee is None:
                continue
            used.add(project.id)
            if employee not in resources.get(project.id, set()):
                on_reports.setdefault(project.id, []).append(f"{report.id}/{number} ({report.employee})")
    for ref in ctx.workspace.tags.projects:
        project = ctx.resolve("job", ref)
        if project is None or not project.limittimetoassignees:
            continue
        used.add(project.id)
        for email in ctx.workspace.employees:
            employee = _employee_id(ctx, email)
            if employee is not None and employee not in resources.get(project.id, set()):
                tagged.setdefault(project.id, []).append(email)
    if used and not ctx.readable("jobresource"):
        yield lookups.unreadable(ctx, "jobresource", "who is a resource on projects limited to resources",
                                 code="NS0024")
        return
    jobs = ctx.by_id("job")
    for project_id in sorted(used):
        job: Project = jobs[project_id]
        subject = Subject(kind="job", id=str(job.id), name=job.display_name)
        evidence = {"internal_id": job.id, "limittimetoassignees": True,
                    "resources": sorted(resources.get(job.id, set()))}
        if project_id in on_reports:
            yield ctx.fail(
                f"Project [{job.display_name}] takes expenses only from its resources, and pending report "
                f"lines come from submitters who are not: {', '.join(on_reports[project_id])}.",
                subject=subject, evidence={**evidence, "lines": on_reports[project_id]}, fix=_fix(job),
            )
        elif project_id in tagged:
            yield ctx.warn(
                f"Project [{job.display_name}] is a workspace tag but takes expenses only from its "
                f"resources; these workspace members are not resources: {', '.join(tagged[project_id])}.",
                severity=Severity.MEDIUM, subject=subject,
                evidence={**evidence, "members": tagged[project_id]}, fix=_fix(job),
            )


def _customers_used(ctx: Context) -> list[str]:
    where = [f"workspace tag {ref}" for ref in ctx.workspace.tags.customers]
    for report in ctx.reports.reports if ctx.reports else ():
        where += [f"report {report.id} line {n}" for n, line in enumerate(report.lines, start=1)
                  if line.customer is not None and line.project is None]
    return where


def _projects_only(ctx: Context) -> Iterator[Finding]:
    where = _customers_used(ctx)
    if not where:
        return
    pref = settings.preference(ctx, "TIMEEXPENSEJOBONLY")
    subject = Subject(kind="setting", id="TIMEEXPENSEJOBONLY",
                      name="Show Projects Only For Time And Expense Entry")
    evidence = {**pref.evidence(), "customers_used_by": where}
    if pref.on:
        yield ctx.fail(
            "NetSuite shows only projects on time and expense entries, yet expenses are coded to customers "
            "without a project; NetSuite refuses those customer tags.",
            subject=subject, evidence=evidence,
            fix=("In NetSuite clear 'Show Projects Only For Time And Expense Entry' (Setup > Accounting > "
                 "Accounting Preferences > Time & Expenses), or code those expenses to a project.", SYNC),
        )
    elif not pref.known:
        yield ctx.unverifiable(
            "Not checked: expenses are coded to customers without a project, and nsaudit could not tell "
            "whether NetSuite shows only projects on time and expense entries.",
            missing=settings.missing_text("TIMEEXPENSEJOBONLY"), subject=subject, evidence=evidence,
            manual=settings.manual_step("TIMEEXPENSEJOBONLY"),
        )
