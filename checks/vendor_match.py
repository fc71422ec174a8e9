"""NS0042: with auto-create on and vendor-bill exports, a vendor already named like the submitter
but not matching them (email, subsidiary or inactive) makes the vendor creation fail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="vendor-match",
    codes=("NS0042",),
    severity=Severity.HIGH,
    title="Auto-created vendors do not collide with existing vendors",
    description=(
        "With vendor-bill exports and auto-create on, a submitter with no matching vendor gets a new "
        "vendor named after them. If a vendor of that name already exists but has another or no "
        "email, another subsidiary, or is inactive, NetSuite refuses the new one."
    ),
    reads=("vendor",),
    optional_reads=("employee", "subsidiary"),
    columns=("vendor.email", "vendor.subsidiary", "vendor.isinactive"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "vendors"),
    needs_workspace=True,
)


def _names(ctx: Context, email: str) -> set[str]:
    """Names the new vendor could get. UNCERTAIN: the workspace file has no member display names, so
    we take the names on employee records with that email, and the email itself."""
    names = {email}
    wanted = lookups.loose_email(email)
    for row in ctx.rows("employee"):
        if row.email and lookups.loose_email(row.email) == wanted:
            names.add(lookups.entity_name(row))
            if row.firstname or row.lastname:
                names.add(" ".join(p for p in (row.firstname, row.lastname) if p))
    return {n.strip().casefold() for n in names if n and n.strip()}


def _named(vendor: Any) -> set[str]:
    return {str(v).strip().casefold() for v in (vendor.entityid, vendor.companyname, vendor.altname) if v}


def _reasons(vendor: Any, email: str, subsidiary: int | None, ctx: Context) -> list[str]:
    reasons = []
    if not vendor.email:
        reasons.append("has no email")
    elif vendor.email != email:
        reasons.append(f"has the email '{vendor.email}'")
    if subsidiary is not None and vendor.subsidiary != subsidiary:
        reasons.append(f"belongs to {lookups.subsidiary_tree(ctx).name(vendor.subsidiary)}")
    if vendor.isinactive:
        reasons.append("is inactive")
    return reasons


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    if not (ws.export.auto_create_employees and lookups.reimbursable_to_vendor(ws)):
        return
    subsidiary = lookups.workspace_subsidiary(ctx)
    for email, used_by in lookups.members(ctx).items():
        if lookups.match_vendor(ctx, email).active is not None:
            continue
        names = _names(ctx, email)
        for vendor in ctx.rows("vendor"):
            if not _named(vendor) & names:
                continue
            reasons = _reasons(vendor, email, subsidiary, ctx)
            if not reasons:
                continue
            name = lookups.entity_name(vendor)
            yield ctx.fail(
                f"Vendor already exists in NetSuite: creating a vendor for '{email}' will clash with "
                f"vendor {name} (#{vendor.id}), which {' and '.join(reasons)}.",
                subject=Subject(kind="vendor", id=str(vendor.id), name=name),
                evidence={"email": email, "used_by": used_by, "internal_id": vendor.id,
                          "vendor_email": vendor.email, "vendor_subsidiary": vendor.subsidiary,
                          "isinactive": vendor.isinactive},
                fix=(f"In NetSuite open {remedies.VENDORS}, edit this vendor: set the "
                     "submitter's exact email, the workspace subsidiary and clear Inactive; or rename "
                     "or remove it if it is not the submitter.",
                     remedies.SYNC_STEP),
            )
