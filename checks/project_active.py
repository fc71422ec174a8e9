"""NS0770: every project the workspace or a pending report line uses exists and can take expenses."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.unknown import column_manual, column_missing_text
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
    # not returned: each project is still judged to exist and on the columns that were returned; only
    # the part that needs the missing column is UNVERIFIABLE, naming it and the projects
    partial_columns=("job.entitystatus", "job.isinactive", "job.allowexpenses"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "projects"),
    judges=("workspace", "reports"),
)

FIX_REACTIVATE = (
    f"In NetSuite go to {remedies.PROJECTS}, open the project, clear Inactive, "
    "set a status other than Closed and tick Allow Expenses; or pick another project.",
    remedies.SYNC_FROM_ACCOUNTING,
)


def _closed_statuses(ctx: Context) -> set[int] | None:
    """The ids of the Closed project statuses; ``None`` when the statuses were not read."""
    if not ctx.readable("jobstatus"):
        return None
    return {s.id for s in ctx.rows("jobstatus") if (s.name or "").strip().lower() == "closed"}


# (column, what it shows) for each part of the verdict
_PARTS = (("isinactive", "inactive"), ("entitystatus", "in a Closed status"),
          ("allowexpenses", "set to allow expenses"))


def _problems(ctx: Context, project: Project, closed: set[int] | None) -> tuple[list[str], list[str]]:
    """What stops the project taking expenses, and what its verdict needs that nsaudit does not know
    (``job.<column>`` not returned, or ``jobstatus`` not read)."""
    problems: list[str] = []
    unknown = [f"job.{column}" for column, _ in _PARTS if not ctx.known("job", column)]
    if "job.isinactive" not in unknown and project.isinactive:
        problems.append("marked inactive")
    if "job.entitystatus" not in unknown and project.entitystatus is not None:
        if closed is None:
            unknown.append("jobstatus")
        elif project.entitystatus in closed:
            problems.append("in a Closed status")
    if "job.allowexpenses" not in unknown and project.allowexpenses is False:
        problems.append("set not to allow expenses")
    return problems, unknown


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    """The PASS for the projects found with nothing wrong, naming the parts of their verdict judged."""
    if not judged:
        return None
    one = len(judged) == 1
    parts = ["exists in NetSuite" if one else "exist in NetSuite"]
    if ctx.known("job", "isinactive"):
        parts.append("is active" if one else "are active")
    if ctx.known("job", "entitystatus") and ctx.readable("jobstatus"):
        parts.append("is not in a Closed status" if one else "are not in a Closed status")
    if ctx.known("job", "allowexpenses"):
        parts.append("allows expenses" if one else "allow expenses")
    said = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    shown = ", ".join(judged[:10]) + (f" and {len(judged) - 10} more" if len(judged) > 10 else "")
    return ctx.passed(f"Judged: the {partial.counted({'project': len(judged)})} {shown} {said}.",
                      evidence={"judged": judged[:10], "count": len(judged)})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    closed = _closed_statuses(ctx)
    unknown: dict[str, list[str]] = {}  # what nsaudit does not know -> the projects whose verdict needs it
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
        problems, needed = _problems(ctx, project, closed)
        if not problems:
            judged.append(project.display_name)  # what was known of it; the rest is reported below
            for what in needed:
                unknown.setdefault(what, []).append(project.display_name)
            continue
        yield ctx.fail(
            f"Project [{project.display_name}] is not active and can't accept expenses "
            f"({', '.join(problems)}).",
            subject=Subject(kind="job", id=str(project.id), name=project.display_name),
            evidence={"internal_id": project.id,
                      **{column: getattr(project, column) for column, _ in _PARTS if f"job.{column}" not in needed},
                      "used_by": where(ref), REPORT_LINES: lines(ref)},
            fix=FIX_REACTIVATE,
        )
    for what, projects in unknown.items():
        yield _unknown_part(ctx, what, projects)


def _unknown_part(ctx: Context, what: str, projects: list[str]) -> Finding:
    """UNVERIFIABLE for the projects whose verdict needs ``what`` (``job.<column>`` or ``jobstatus``)."""
    shown = ", ".join(projects[:10]) + (f" and {len(projects) - 10} more" if len(projects) > 10 else "")
    named = f"the {partial.counted({'project': len(projects)})} {shown}"
    if what == "jobstatus":
        return lookups.unreadable(ctx, "jobstatus", f"whether the status of {named} is Closed (the rest of their "
                                  "verdict was judged)")
    column = what.partition(".")[2]
    shows = dict(_PARTS)[column]
    return ctx.unverifiable(
        f"Not checked: NetSuite did not return {what}, so whether {named} {'is' if len(projects) == 1 else 'are'} "
        f"{shows} is unknown (the rest of their verdict was judged).",
        missing=column_missing_text(ctx.snapshot, [what]), manual=column_manual(ctx.snapshot, [what]),
        subject=Subject(kind="column", id=what), evidence={"columns_not_returned": [what], "projects": projects[:10]},
    )
