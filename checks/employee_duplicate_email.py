"""NS0885: two or more employee (or vendor) records share one email, so the integration may pick
a record that lacks the values the export needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ExportType

META = CheckMeta(
    id="employee-duplicate-email",
    codes=("NS0885",),
    severity=Severity.MEDIUM,
    title="No two employee or vendor records share a submitter's email",
    description=(
        "Looks for employee records, and vendor records, that carry the same email (ignoring capital "
        "letters and spaces). With a workspace description only the members' and submitters' emails "
        "are checked; without one, every email in the account."
    ),
    reads=("employee",),
    optional_reads=("vendor", "subsidiary"),
    columns=(
        "employee.email", "employee.subsidiary", "employee.isinactive", "vendor.email", "vendor.isinactive",
        "vendor.subsidiary",
    ),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("export", "employees", "vendors", "hygiene"),
)


def _groups(rows: lookups.Rows) -> dict[str, tuple[Any, ...]]:
    return {key: found for key, found in lookups.loose_groups(rows).items() if len(found) > 1}


def _findings(ctx: Context, kind: str, table: str, wanted: set[str] | None) -> Iterator[Finding]:
    tree = lookups.subsidiary_tree(ctx)
    menu = remedies.EMPLOYEES if kind == "employee" else remedies.VENDORS
    for key, rows in sorted(_groups(lookups.email_index(ctx, table)).items()):
        if wanted is not None and key not in wanted:
            continue
        records = [{"internal_id": r.id, "name": lookups.entity_name(r), "email": r.email,
                    "subsidiary": tree.name(r.subsidiary), "inactive": r.isinactive} for r in rows]
        ids = ", ".join(str(r.id) for r in rows)
        yield ctx.fail(
            f"Missing value(s) for fields the export fills from the {kind} record are likely: "
            f"{len(rows)} {kind} records ({ids}) share the email '{rows[0].email}', and NetSuite may "
            "use one that lacks them.",
            subject=Subject(kind=f"{kind}-email", id=key),
            evidence={"email": rows[0].email, "table": table, "records": records},
            fix=(f"In NetSuite open {menu}, search for the email, and keep one record per person: "
                 "change the email on the extra records or make them inactive (or fill the same "
                 "fields on all of them).",
                 remedies.SYNC_STEP),
        )


def check(ctx: Context) -> Iterator[Finding]:
    emails = lookups.members(ctx)
    wanted = {lookups.loose_email(e) for e in emails} if (ctx.workspace_given or emails) else None
    yield from _findings(ctx, "employee", "employee", wanted)
    if ctx.readable("vendor"):
        yield from _findings(ctx, "vendor", "vendor", wanted)
    elif ExportType.VENDOR_BILL in (ctx.workspace.export.reimbursable, ctx.workspace.export.non_reimbursable):
        yield lookups.unreadable(ctx, "vendor", "duplicate vendor emails")
