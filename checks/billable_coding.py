"""NS0046: every billable expense carries an active customer or project."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import Ref

META = CheckMeta(
    id="billable-coding",
    codes=("NS0046",),
    severity=Severity.HIGH,
    title="Billable expenses are coded to an active customer or project",
    description=(
        "Each billable line of a pending report needs a customer or project, and the one it names must "
        "exist in NetSuite and be active. (Inactive customer and project tags in the workspace itself are "
        "reported by customer-subsidiary and project-active.)"
    ),
    optional_reads=("customer", "job"),
    columns=("customer.isinactive", "job.customer", "job.isinactive"),
    detection=(Detection.REPORTS, Detection.NETSUITE_DATA),
    tags=("export", "customers", "projects", "reports"),
    needs_reports=True,
)


_UNREAD = object()  # a reference whose table was not read


def _record_problem(ctx: Context, table: str, ref: Ref, label: str) -> str | object | None:
    """What is wrong with one customer or project reference; _UNREAD when its table was not read."""
    if not ctx.readable(table):
        return _UNREAD
    row = ctx.resolve(table, ref)
    if row is None:
        return f"{label} [{ref}] not found in NetSuite"
    if row.isinactive:
        return f"{label} [{lookups.entity_name(row)}] is inactive"
    return None


def _problem(ctx: Context, customer: Ref | None, project: Ref | None,
             known: dict[tuple[str, Ref], str | object | None]) -> tuple[str | None, tuple[str, ...]]:
    """What is wrong with a billable line coded to this customer and project, and the tables it needed
    that were not read."""
    if customer is None and project is None:
        return "no customer or project", ()
    unread: list[str] = []
    for table, ref, label in (("customer", customer, "customer"), ("job", project, "project")):
        if ref is None:
            continue
        key = (table, ref)
        if key in known:  # the same customers and projects come back on many lines
            found = known[key]
        else:
            found = known[key] = _record_problem(ctx, table, ref, label)
        if found is _UNREAD:
            unread.append(table)
            continue
        if found is not None:
            return str(found), tuple(unread)
    return None, tuple(unread)


def check(ctx: Context) -> Iterator[Finding]:
    unread: set[str] = set()
    known: dict[tuple[str, Ref], str | object | None] = {}
    answers: dict[tuple[Ref | None, Ref | None], tuple[str | None, tuple[str, ...]]] = {}  # per coding
    for facts in lookups.report_facts(ctx):
        report = facts.report
        problems = {}
        for number in facts.billable:
            line = report.lines[number - 1]
            coded = (line.customer, line.project)
            answer = answers.get(coded)
            if answer is None:
                answer = answers[coded] = _problem(ctx, line.customer, line.project, known)
            problem, needed = answer
            if needed:
                unread.update(needed)
            if problem:
                problems[f"{report.id}/{number}"] = problem
        if problems:
            listed = "; ".join(f"line {key.rsplit('/', 1)[1]}: {text}" for key, text in problems.items())
            yield ctx.fail(
                f"Report {report.id} has billable expenses NetSuite can't bill to anyone ({listed}).",
                subject=Subject(kind="report", id=report.id, name=report.title),
                evidence={"lines": problems, "employee": report.employee},
                fix=("Code each billable expense to an active customer or project that came from NetSuite "
                     "(not a tag typed by hand), or clear Billable on it.",
                     "If the customer or project was just changed in NetSuite, choose Sync Now in the "
                     "workspace first, then export again."),
            )
    for table in sorted(unread):
        yield lookups.unreadable(ctx, table, f"whether the {table} records on billable lines are active")
