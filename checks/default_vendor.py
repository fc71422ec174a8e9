"""NS0669: the workspace default vendor must not be NetSuite's built-in '-Accountant-' vendor."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ExportType

META = CheckMeta(
    id="default-vendor",
    codes=("NS0669",),
    severity=Severity.HIGH,
    title="The default vendor is not NetSuite's '-Accountant-' vendor",
    description=(
        "Company-card expenses exported as vendor bills go to the workspace default vendor. NetSuite's "
        "built-in '-Accountant-' vendor (internal id -3) cannot take them."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("export", "vendors", "company-cards"),
    needs_login=False,
    needs_workspace=True,
)

ACCOUNTANT_NAME = "-accountant-"


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    ref = ws.export.default_vendor
    if ref is None or ws.export.non_reimbursable != ExportType.VENDOR_BILL:
        return
    is_accountant = (
        int(ref) == lookups.ACCOUNTANT_VENDOR_ID if lookups.is_id_ref(ref)
        else str(ref).strip().lower() == ACCOUNTANT_NAME
    )
    if not is_accountant:
        return
    yield ctx.fail(
        "NetSuite's default vendor '-Accountant-' (ID -3) cannot be used for exports, and the workspace "
        "sends company-card bills to it.",
        subject=Subject(kind="vendor", id=str(lookups.ACCOUNTANT_VENDOR_ID), name="-Accountant-"),
        evidence={"setting": "export.default_vendor", "value": ref},
        fix=(f"In NetSuite pick (or create under {remedies.VENDORS}) a real vendor for "
             "company-card bills, such as the card issuer.",
             "Then, in the workspace's export settings, choose that vendor as the default vendor, choose "
             "Sync Now, and export again."),
    )
