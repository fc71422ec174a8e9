"""NS0919: the supervisor who approves an expense report must have a blank Expense Limit."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="supervisor-expense-limit",
    codes=("NS0919",),
    severity=Severity.HIGH,
    title="Supervisors approving expense reports have no expense limit",
    description=(
        "For expense-report exports, the submitter's supervisor approves the report in NetSuite. Any "
        "Expense Limit on the supervisor's employee record (0.00 included) can leave NetSuite without "
        "an approver; only a blank limit means no limit. A limit of zero always blocks; a positive "
        "limit blocks reports above it (checked against pending reports when given)."
    ),
    reads=("employee",),
    optional_reads=("subsidiary",),
    columns=(
        "employee.email", "employee.subsidiary", "employee.isinactive", "employee.supervisor",
        "employee.expenselimit",
    ),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "employees", "approvals"),
    needs_workspace=True,
)


def _report_totals(ctx: Context) -> dict[str, Decimal]:
    """Largest pending report total per submitter email."""
    totals: dict[str, Decimal] = {}
    for facts in lookups.report_facts(ctx):
        employee = facts.report.employee
        totals[employee] = max(facts.total, totals.get(employee, Decimal(0)))
    return totals


def check(ctx: Context) -> Iterator[Finding]:
    if not lookups.uses_expense_report(ctx.workspace):
        return
    employees = ctx.by_id("employee")
    totals = _report_totals(ctx)
    approvers: dict[int, list[str]] = {}
    largest: dict[int, Decimal] = {}
    for email, employee in lookups.member_employees(ctx):
        if employee.supervisor in employees:
            approvers.setdefault(employee.supervisor, []).append(email)
            if email in totals:
                largest[employee.supervisor] = max(totals[email], largest.get(employee.supervisor, Decimal(0)))
    for boss_id, emails in approvers.items():
        boss = employees[boss_id]
        limit = boss.expenselimit
        if limit is None:
            continue
        name = lookups.entity_name(boss)
        over = boss_id in largest and largest[boss_id] > limit
        blocking = limit <= 0 or over
        detail = ("a limit of zero blocks every report" if limit <= 0 else
                  f"a pending report of {largest[boss_id]} is above it" if over else
                  "reports above that amount will fail")
        yield ctx.fail(
            f"NetSuite couldn't find an approver with a sufficient expense limit: supervisor {name} "
            f"(#{boss.id}) has Expense Limit {limit}; {detail}.",
            severity=Severity.HIGH if blocking else Severity.MEDIUM,
            subject=Subject(kind="employee", id=str(boss.id), name=name),
            evidence={"internal_id": boss.id, "expenselimit": str(limit), "approves_for": emails,
                      "largest_pending_report": str(largest[boss_id]) if boss_id in largest else None},
            fix=(f"In NetSuite open {remedies.EMPLOYEES}, edit the supervisor, and on the Human "
                 "Resources tab empty the Expense Limit field (blank, not 0.00).",
                 remedies.SYNC_STEP),
        )
