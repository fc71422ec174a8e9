"""NS0770: every project the workspace or a pending report line uses exists and can take expenses."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.verdicts import REPORT_LINES, report_line
from netsuite_audit.netsuite.records import Project

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
    columns=("job.entitystatus", "job.isinactive", "job.allowexpenses"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "projects"),
    judges=("workspace", "reports"),
)

FIX_REACTIVATE = (
    f"In NetSuite go to {remedies.PROJECTS}, open the project, clear Inactive, "
    "set a status other than Closed and tick Allow Expenses; or pick another project.",
    remedies.SYNC_FROM_ACCOUNTING,
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
    # reference -> its workspace tags (count) and its report lines (report id, line number), in order
    # of first use; the texts naming each use are written only for the projects a finding names.
    tags: dict[str, int] = {}
    order: dict[str, None] = {}
    for ref in ctx.workspace.tags.projects:
        key = str(ref)
        order[key] = None
        tags[key] = tags.get(key, 0) + 1
    index = ctx.line_index
    # references written differently with the same text (5 and "5") share their lines, in line order
    on_lines = lookups.lines_by_key(index, "project", str)
    order.update(dict.fromkeys(on_lines))

    def where(ref: str) -> list[str]:
        return ["workspace tag"] * tags.get(ref, 0) + [index.where(g) for g in on_lines.get(ref, ())]

    def lines(ref: str) -> list[str]:
        return [report_line(index.report(g).id, index.number_of[g]) for g in on_lines.get(ref, ())]

    for ref in order:
        project = ctx.resolve("job", ref)
        if project is None:
            yield ctx.fail(
                f"Project [{ref}] does not exist in NetSuite (or this role cannot see it); "
                "expenses tagged with it cannot be exported." + hint(ctx.snapshot, "job", ref),
                subject=Subject(kind="job", id=ref),
                evidence={"reference": ref, "used_by": where(ref), REPORT_LINES: lines(ref)},
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
                          "used_by": where(ref), REPORT_LINES: lines(ref)},
                fix=FIX_REACTIVATE,
            )
