"""NS0430: when NetSuite has projects in use, the workspace must import projects (jobs)."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="projects-import",
    codes=("NS0430",),
    severity=Severity.CRITICAL,
    title="Projects are imported when NetSuite uses them",
    description=(
        "If the account has active projects, or the workspace or a pending report refers to projects, "
        "the workspace must import Projects (Jobs); otherwise the sync stops with a permission error on "
        "'Job' even though the role is fine."
    ),
    reads=("job",),
    columns=("job.isinactive",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("sync", "projects"),
    needs_workspace=True,
)


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.workspace.export.projects_enabled:
        return
    active = [p for p in ctx.rows("job") if not p.isinactive]
    used = [f"workspace tag {ref}" for ref in ctx.workspace.tags.projects]
    for report in ctx.reports.reports if ctx.reports else ():
        used += [f"report {report.id} line {n}" for n, line in enumerate(report.lines, start=1)
                 if line.project is not None]
    if not active and not used:
        return
    yield ctx.fail(
        f"The workspace does not import projects, but NetSuite has {len(active)} active project(s)"
        + (f" and {len(used)} use(s) of projects in the workspace or pending reports" if used else "")
        + "; the sync fails querying 'Job'.",
        subject=Subject(kind="setting", id="export.projects_enabled"),
        evidence={"active_projects": len(active), "examples": [p.display_name for p in active[:5]],
                  "used_by": used[:20]},
        fix=("In the workspace open Accounting > Coding (Configure) and import Projects (Jobs) as a tag or "
             "report field.",
             remedies.SYNC_THEN),
    )
