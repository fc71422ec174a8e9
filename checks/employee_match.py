"""NS0023 / NS0295 / NS0995: each submitter has an active record with the exact email in the
workspace subsidiary (an employee for expense reports and journal entries, a vendor for vendor bills)."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.lookups import EntityMatch
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text

META = CheckMeta(
    id="employee-match",
    codes=("NS0023", "NS0295", "NS0995"),
    severity=Severity.HIGH,
    title="Every submitter matches one active NetSuite record by exact email",
    description=(
        "For each workspace member and each pending report's submitter, NetSuite must hold a record "
        "whose email is identical (same capitals, no extra spaces) in the workspace subsidiary: an "
        "employee for expense-report and journal-entry exports, a vendor for vendor-bill exports. "
        "An inactive employee is reported separately (NS0995)."
    ),
    reads=("employee",),
    optional_reads=("vendor", "subsidiary"),
    # Only the side the export uses needs its columns (employees, or vendors for reimbursable vendor
    # bills): a column of the other side not returned does not stop the check.
    partial_columns=("employee.email", "employee.subsidiary", "employee.isinactive", "vendor.email",
                     "vendor.subsidiary"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "employees", "vendors"),
    needs_workspace=True,
)


def _evidence(match: EntityMatch, used_by: list[str], ctx: Context) -> dict[str, object]:
    tree = lookups.subsidiary_tree(ctx)
    return {
        "email": match.email,
        "used_by": used_by,
        "workspace_subsidiary": tree.name(match.subsidiary) if match.subsidiary is not None else None,
        "same_email_other_subsidiary": [
            {"internal_id": r.id, "name": lookups.entity_name(r), "subsidiary": tree.name(r.subsidiary)}
            for r in match.elsewhere
        ],
        "similar_email": [{"internal_id": r.id, "email": r.email} for r in match.near],
    }


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _why_missing(match: EntityMatch, kind: str, ctx: Context) -> str:
    tree = lookups.subsidiary_tree(ctx)
    if match.elsewhere:
        subs = ", ".join(sorted({tree.name(r.subsidiary) for r in match.elsewhere}))
        return (f"{_article(kind)} {kind} with that email exists, but in {subs}, not in the workspace subsidiary "
                f"{tree.name(match.subsidiary)}")
    if match.near:
        shown = ", ".join(f"'{r.email}'" for r in match.near)
        return f"the closest {kind} email is {shown}, which differs in capital letters or spaces"
    return f"no {kind} record carries that email"


def _employee_side(ctx: Context, email: str, used_by: list[str]) -> Iterator[Finding]:
    match = lookups.match_employee(ctx, email)
    if match.active is not None:
        return
    if match.in_subsidiary:
        row = match.in_subsidiary[0]
        yield ctx.fail(
            f"The employee with email '{email}' is deactivated in NetSuite, so their reports cannot "
            "be exported until the record is active again.",
            code="NS0995",
            subject=Subject(kind="employee", id=str(row.id), name=lookups.entity_name(row)),
            evidence={**_evidence(match, used_by, ctx), "internal_id": row.id, "isinactive": True},
            fix=(f"In NetSuite open {remedies.EMPLOYEES} (tick Show Inactives), edit the "
                 "employee and clear Inactive. You may deactivate it again once the reports are out.",
                 remedies.SYNC_STEP),
        )
        return
    if not match.exact and not match.near and ctx.workspace.export.auto_create_employees:
        return  # the integration will try to create the employee: see employee-auto-create (NS0077)
    yield ctx.fail(
        f"Employee does not exist in NetSuite for '{email}': {_why_missing(match, 'employee', ctx)}.",
        code="NS0023",
        subject=Subject(kind="employee", id=email),
        evidence=_evidence(match, used_by, ctx),
        fix=("In NetSuite, give the member's employee record exactly the email used in the workspace "
             "and put it in the workspace subsidiary (or create the employee).",
             remedies.SYNC_STEP),
    )


def _vendor_side(ctx: Context, email: str, used_by: list[str]) -> Iterator[Finding]:
    match = lookups.match_vendor(ctx, email)
    if match.active is not None:
        return
    if not match.exact and not match.near and ctx.workspace.export.auto_create_employees:
        return  # the integration will create the vendor: see vendor-match (NS0042)
    why = _why_missing(match, "vendor", ctx)
    if match.in_subsidiary:
        why = "the only vendor with that email is marked inactive"
    yield ctx.fail(
        f"NetSuite couldn't find an employee or vendor record with the email [{email}]: {why}.",
        code="NS0295",
        subject=Subject(kind="vendor", id=email),
        evidence={**_evidence(match, used_by, ctx),
                  "inactive_in_subsidiary": [r.id for r in match.in_subsidiary]},
        fix=(f"In NetSuite open {remedies.VENDORS} and give the submitter's vendor record "
             "exactly the workspace email, the workspace subsidiary, and clear Inactive.",
             remedies.SYNC_STEP),
    )


def check(ctx: Context) -> Iterator[Finding]:
    submitters = lookups.members(ctx)
    if not submitters:
        return
    to_vendor = lookups.reimbursable_to_vendor(ctx.workspace)
    if to_vendor and not ctx.readable("vendor"):
        yield lookups.unreadable(ctx, "vendor", "the submitters' vendor records", code="NS0295")
        return
    table = "vendor" if to_vendor else "employee"
    needed = ("email", "subsidiary") + (() if to_vendor else ("isinactive",))
    not_returned = [f"{table}.{c}" for c in needed if not ctx.known(table, c)]
    if not_returned:
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return {', '.join(not_returned)}, so those values are unknown (not "
            f"empty) and whether each submitter matches one active {table} record depends on them.",
            missing=column_missing_text(ctx.snapshot, not_returned), manual=column_manual(ctx.snapshot, not_returned),
            evidence={"columns_not_returned": not_returned},
        )
        return
    side = _vendor_side if to_vendor else _employee_side
    index, sub = lookups.email_index(ctx, "vendor" if to_vendor else "employee"), lookups.workspace_subsidiary(ctx)
    active = lookups.active_matcher(index, sub)
    for email, used_by in submitters.items():
        if active(email) is None:  # else the integration finds the record
            yield from side(ctx, email, used_by)
