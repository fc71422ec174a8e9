"""NS0994: company-card bills need a real, named vendor (not the 'Default' placeholder)."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.inputs.workspace import ExportType

META = CheckMeta(
    id="card-vendor",
    codes=("NS0994",),
    severity=Severity.HIGH,
    title="Company-card bills go to a named vendor",
    description=(
        "When company-card expenses export as vendor bills, the card's export vendor must be a specific "
        "vendor rather than 'Default', and the vendor used (card vendor, else default vendor) must have "
        "a name in NetSuite."
    ),
    optional_reads=("vendor",),
    detection=(Detection.WORKSPACE, Detection.NETSUITE_DATA),
    tags=("export", "vendors", "company-cards"),
    needs_workspace=True,
)

FIX_MAPPING = (
    "In the expense tool open Domain > Company Cards > Edit Export for each card and choose a specific "
    "vendor instead of Default.",
    remedies.SYNC_STEP,
)


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    if ws.export.non_reimbursable != ExportType.VENDOR_BILL:
        return
    card = ws.export.card_vendor
    if isinstance(card, str) and card.strip().lower() == "default":
        yield ctx.fail(
            "Enter value for 'entity': the company-card export vendor is left at 'Default', so the bill "
            "has no vendor.",
            subject=Subject(kind="setting", id="export.card_vendor"),
            evidence={"setting": "export.card_vendor", "value": card},
            fix=FIX_MAPPING,
        )
        return
    setting, ref = ("card_vendor", card) if card is not None else ("default_vendor", ws.export.default_vendor)
    if ref is None or (lookups.is_id_ref(ref) and int(ref) == lookups.ACCOUNTANT_VENDOR_ID):
        return  # nothing chosen, or -Accountant- (default-vendor reports NS0669)
    if not ctx.readable("vendor"):
        yield lookups.unreadable(ctx, "vendor", f"whether the {setting.replace('_', ' ')} has a name")
        return
    vendor = ctx.resolve("vendor", ref)
    if vendor is None:
        yield ctx.fail(
            f"Enter value for 'entity': the {setting.replace('_', ' ')} [{ref}] is not a vendor this role "
            "can see in NetSuite." + hint(ctx.snapshot, "vendor", ref),
            subject=Subject(kind="vendor", id=lookups.ref_key(ref)),
            evidence={"setting": f"export.{setting}", "value": ref},
            fix=("Choose an existing, active vendor in the workspace export settings (or the card's "
                 "export mapping).", remedies.SYNC_STEP),
        )
    elif not lookups.has_name(vendor):
        yield ctx.fail(
            f"Enter value for 'entity': vendor #{vendor.id}, used as the {setting.replace('_', ' ')}, has "
            "no name in NetSuite.",
            subject=Subject(kind="vendor", id=str(vendor.id)),
            evidence={"setting": f"export.{setting}", "internal_id": vendor.id},
            fix=(f"In NetSuite open vendor #{vendor.id} under {remedies.VENDORS} and fill in "
                 "its name (Vendor ID / Company Name).", remedies.SYNC_STEP),
        )
