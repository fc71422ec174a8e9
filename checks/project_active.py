"""NS0770: every project the workspace or a pending report line uses exists and can take expenses."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.verdicts import REPORT_LINES, report_line
from netsuite_audit.records import Project

META = CheckMeta(
    id="project-active",
    codes=("NS0770",),
    severity=Severity.HIGH,
    title="Projects used for expenses are active",
    description=(
        "Each project enabled as a workspace tag, and each project on a pending report line, must "
        "exist in NetSuite, be active, not be in a closed status, and allow expenses."
    ),
    reads=("job",),
    optional_reads=("jobstatus",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "projects"),
)

FIX_REACTIVATE = (
    "In NetSuite go to Lists > Relationships > Projects, open the project, clear Inactive, "
    "set a status other than Closed and tick Allow Expenses; or pick another project.",
    "Then in the workspace open Accounting, choose Sync Now, and export the report again.",
)


def _closed_statuses(ctx: Context) -> set[int]:
    return {s.id for s in ctx.rows("jobstatus") if (s.name or "").strip().lower() == "closed"}


def _problems(project: Project, closed: set[int]) -> list[str]:
    problems = []
    if project.isinactive:
        problems.append("marked inactive")
    if project.entitystatus in closed:
        problems.append("in a Closed status")
    if project.allowexpenses is False:
        problems.append("set not to allow expenses")
    return problems


def check(ctx: Context) -> Iterator[Finding]:
    closed = _closed_statuses(ctx)
    uses: dict[str, list[str]] = {}
    lines: dict[str, list[str]] = {}
    for ref in ctx.workspace.tags.projects:
        uses.setdefault(str(ref), []).append("workspace tag")
    for report in ctx.reports.reports if ctx.reports else ():
        for number, line in enumerate(report.lines, start=1):
            if line.project is not None:
                uses.setdefault(str(line.project), []).append(f"report {report.id} line {number}")
                lines.setdefault(str(line.project), []).append(report_line(report.id, number))
    for ref, where in uses.items():
        project = ctx.resolve("job", ref)
        if project is None:
            yield ctx.fail(
                f"Project [{ref}] does not exist in NetSuite (or this role cannot see it); "
                "expenses tagged with it cannot be exported.",
                subject=Subject(kind="job", id=ref),
                evidence={"reference": ref, "used_by": where, REPORT_LINES: lines.get(ref, [])},
                fix=("Pick a project that exists in NetSuite, then Sync Now in the workspace.",),
            )
            continue
        problems = _problems(project, closed)
        if problems:
            yield ctx.fail(
                f"Project [{project.display_name}] is not active and can't accept expenses "
                f"({', '.join(problems)}).",
                subject=Subject(kind="job", id=str(project.id), name=project.display_name),
                evidence={"internal_id": project.id, "isinactive": project.isinactive,
                          "entitystatus": project.entitystatus, "allowexpenses": project.allowexpenses,
                          "used_by": where, REPORT_LINES: lines.get(ref, [])},
                fix=FIX_REACTIVATE,
            )
