"""NS0885: two or more employee (or vendor) records share one email, so the integration may pick
a record that lacks the values the export needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
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
    # The employee and vendor halves are judged apart: columns one half did not get leave only that
    # half UNVERIFIABLE.
    partial_columns=(
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


COLUMNS = ("email", "isinactive", "subsidiary")


def _not_returned(ctx: Context, table: str) -> list[str]:
    return [f"{table}.{c}" for c in COLUMNS if not ctx.known(table, c)]


def _half_unknown(ctx: Context, kind: str, refs: list[str]) -> Finding:
    return ctx.unverifiable(
        f"Not checked for {kind} records: NetSuite did not return {', '.join(refs)}, so whether two {kind} records "
        "share a submitter's email is unknown.",
        missing=column_missing_text(ctx.snapshot, refs), manual=column_manual(ctx.snapshot, refs),
        subject=Subject(kind="record-type", id=kind), evidence={"columns_not_returned": refs},
    )


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_halves(ctx, judged), lambda: ctx.passed(
        f"Judged: no two {' or '.join(judged)} records share a submitter's email.") if judged else None)


def _halves(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    emails = lookups.members(ctx)
    wanted = {lookups.loose_email(e) for e in emails} if (ctx.workspace_given or emails) else None
    missing = _not_returned(ctx, "employee")
    if missing:
        yield _half_unknown(ctx, "employee", missing)
    else:
        found = list(_findings(ctx, "employee", "employee", wanted))
        judged.extend(() if found else ("employee",))
        yield from found
    bills = ExportType.VENDOR_BILL in (ctx.workspace.export.reimbursable, ctx.workspace.export.non_reimbursable)
    if ctx.readable("vendor"):
        missing = _not_returned(ctx, "vendor")
        if missing:
            if bills:
                yield _half_unknown(ctx, "vendor", missing)
            return
        found = list(_findings(ctx, "vendor", "vendor", wanted))
        judged.extend(() if found else ("vendor",))
        yield from found
    elif bills:
        yield lookups.unreadable(ctx, "vendor", "duplicate vendor emails")
