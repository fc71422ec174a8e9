"""NS0077: with auto-create on, the integration creates missing employees; its role must be able to."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.netsuite.permissions import Level, describe_permission, role_path

META = CheckMeta(
    id="employee-auto-create",
    codes=("NS0077",),
    severity=Severity.HIGH,
    title="The integration role can create the employees auto-create needs",
    description=(
        "When the workspace creates missing employees automatically (expense-report and journal-entry "
        "exports), each member with no employee record in the workspace subsidiary is created at "
        "export time. The integration role then needs Employees (or Employee Record) at Full."
    ),
    reads=("employee",),
    optional_reads=("rolepermissions", "role"),
    columns=("employee.email", "employee.subsidiary", "employee.isinactive"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("export", "employees", "permissions"),
    needs_workspace=True,
)

# UNCERTAIN: which of the two permissions NetSuite checks when a record is created through web
# services; we accept either at Full, as the help material names both.
PERMS = ("LIST_EMPLOYEE", "LIST_EMPLOYEE_RECORD")


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    if not ws.export.auto_create_employees or lookups.reimbursable_to_vendor(ws):
        return
    missing = [e for e in lookups.members(ctx) if not lookups.match_employee(ctx, e).in_subsidiary]
    if not missing:
        return
    if not ctx.readable("rolepermissions"):
        yield lookups.unreadable(ctx, "rolepermissions",
                                 "whether the integration role may create employees")
        return
    role = lookups.integration_role(ctx)
    if role is None:
        yield ctx.unverifiable(
            f"Not checked: nsaudit could not find the integration role '{ws.connection.role}', so it "
            "cannot tell whether that role may create employees.",
            missing="the integration role's internal id (connection.role_id in the workspace file)",
            manual=(f"Open {role_path(ws.connection.role, PERMS[0])} and confirm Employees is at Full.",),
            evidence={"members_without_employee": missing},
        )
        return
    levels = {key: lookups.permission_level(ctx, role, key) for key in PERMS}
    if max(levels.values()) >= Level.FULL:
        return
    shown = ", ".join(f"{describe_permission(k)} is {v.label}" for k, v in levels.items())
    for email in missing:
        yield ctx.fail(
            f"Could not create 'employee' for '{email}': the workspace will try to create the "
            f"missing employee, but the integration role may not ({shown}).",
            subject=Subject(kind="employee", id=email),
            evidence={"email": email, "role": role, "levels": {k: v.label for k, v in levels.items()}},
            fix=(f"In NetSuite open {role_path(ws.connection.role, PERMS[0])} and set Employees to Full; "
                 "or create the employee by hand with the member's exact email in the workspace "
                 "subsidiary; or turn off auto-create in the workspace.",
                 remedies.SYNC_STEP),
        )
