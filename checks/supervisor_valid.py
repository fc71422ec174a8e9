"""NS0538: for expense-report exports, each submitter's supervisor is set, exists and is active."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="supervisor-valid",
    codes=("NS0538",),
    severity=Severity.HIGH,
    title="Submitters exporting expense reports have an active supervisor",
    description=(
        "When reports export as NetSuite expense reports, NetSuite routes them to the submitter's "
        "Supervisor. The check confirms that field is filled on each member's employee record and "
        "points to an employee that exists and is active."
    ),
    reads=("employee",),
    optional_reads=("subsidiary",),
    columns=("employee.email", "employee.subsidiary", "employee.isinactive", "employee.supervisor"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "employees", "approvals"),
    needs_workspace=True,
)

FIX = (
    f"In NetSuite open {remedies.EMPLOYEES}, edit the submitter and set Supervisor to an "
    "active employee (reactivate the current supervisor if that person should keep approving).",
    remedies.SYNC_STEP,
)


def check(ctx: Context) -> Iterator[Finding]:
    if not lookups.uses_expense_report(ctx.workspace):
        return
    employees = ctx.by_id("employee")
    for email, employee in lookups.member_employees(ctx):
        evidence: dict[str, object] = {"email": email, "internal_id": employee.id,
                                       "supervisor": employee.supervisor}
        if employee.supervisor is None:
            problem = "has no Supervisor"
        else:
            boss = employees.get(employee.supervisor)
            if boss is None:
                problem = f"has Supervisor #{employee.supervisor}, which is not an employee this role can see"
            elif boss.isinactive:
                problem = f"has Supervisor {lookups.entity_name(boss)} (#{boss.id}), who is inactive"
                evidence["supervisor_name"] = lookups.entity_name(boss)
            else:
                continue
        name = lookups.entity_name(employee)
        subject = Subject(kind="employee", id=str(employee.id), name=name)
        yield ctx.fail(
            f"The next approver is invalid for {name}'s expense reports: the employee record {problem}.",
            subject=subject, evidence=evidence, fix=FIX,
        )
