"""NS0864 / NS0898: the workspace approval level must be the final one for each export type, and
NetSuite must not hold journal entries for approval."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ApprovalLevel, ExportType

META = CheckMeta(
    id="approval-levels",
    codes=("NS0864", "NS0898"),
    severity=Severity.HIGH,
    title="Approval levels match each export type",
    description=(
        "Expense reports must export as 'Supervisor and Accounting approved' and vendor bills or journal "
        "entries as 'Approved for Posting'. A level that belongs to another export type is an incorrect "
        "setting; a lower level of the right type leaves the report not fully approved. Journal entries "
        "also fail while NetSuite requires approvals on journal entries (JOURNALAPPROVALS)."
    ),
    detection=(Detection.WORKSPACE, Detection.RESTLET),
    tags=("export", "approvals"),
    needs_workspace=True,
    needs_login=False,
)

WANTED = {
    ExportType.EXPENSE_REPORT: ApprovalLevel.SUPERVISOR_AND_ACCOUNTING,
    ExportType.VENDOR_BILL: ApprovalLevel.APPROVED_FOR_POSTING,
    ExportType.JOURNAL_ENTRY: ApprovalLevel.APPROVED_FOR_POSTING,
}
FAMILY = {
    ExportType.EXPENSE_REPORT: {ApprovalLevel.SUPERVISOR_ONLY, ApprovalLevel.ACCOUNTING_ONLY,
                                ApprovalLevel.SUPERVISOR_AND_ACCOUNTING},
    ExportType.VENDOR_BILL: {ApprovalLevel.PENDING_APPROVAL, ApprovalLevel.APPROVED_FOR_POSTING},
    ExportType.JOURNAL_ENTRY: {ApprovalLevel.PENDING_APPROVAL, ApprovalLevel.APPROVED_FOR_POSTING},
}
LABEL = {
    ApprovalLevel.SUPERVISOR_ONLY: "Supervisor approved only",
    ApprovalLevel.ACCOUNTING_ONLY: "Accounting approved only",
    ApprovalLevel.SUPERVISOR_AND_ACCOUNTING: "Supervisor and Accounting approved",
    ApprovalLevel.PENDING_APPROVAL: "Pending Approval",
    ApprovalLevel.APPROVED_FOR_POSTING: "Approved for Posting",
}
WHERE = "In the workspace open Accounting > Advanced (Configure) and set the approval level for {side} exports"


def check(ctx: Context) -> Iterator[Finding]:
    export = ctx.workspace.export
    sides = [("reimbursable", export.reimbursable, export.reimbursable_approval)]
    if export.non_reimbursable is not None:
        sides.append(("non_reimbursable", export.non_reimbursable, export.non_reimbursable_approval))
    for side, kind, level in sides:
        yield from _level(ctx, side, kind, level)
    if ExportType.JOURNAL_ENTRY in settings.export_types(ctx.workspace):
        yield from _journal_approvals(ctx)


def _level(ctx: Context, side: str, kind: ExportType, level: ApprovalLevel | None) -> Iterator[Finding]:
    wanted = WANTED[kind]
    label = settings.EXPORT_LABEL[kind]
    subject = Subject(kind="setting", id=f"export.{side}_approval")
    evidence = {"export_type": kind.value, "approval_level": level.value if level else None,
                "required": wanted.value}
    fix = (WHERE.format(side=side.replace("_", "-")) + f" to '{LABEL[wanted]}'.",
           "Make sure the reports are fully approved in the workspace, then export again.")
    if level is None:
        yield ctx.unverifiable(
            f"Not checked: the workspace description does not give the approval level for {side.replace('_', '-')} "
            f"{label} exports.",
            code="NS0864", missing=f"workspace export.{side}_approval", subject=subject, evidence=evidence,
            manual=(WHERE.format(side=side.replace("_", "-")) + f": it must read '{LABEL[wanted]}'.",
                    f"Record it in the workspace description as export.{side}_approval = \"{wanted.value}\"."),
        )
    elif level not in FAMILY[kind]:
        yield ctx.fail(
            f"The {side.replace('_', '-')} approval level '{LABEL[level]}' does not exist for {label} exports; "
            "NetSuite rejects the approval settings.",
            code="NS0898", subject=subject, evidence=evidence, fix=fix,
        )
    elif level != wanted:
        yield ctx.fail(
            f"{label.capitalize()}s export as '{LABEL[level]}', so NetSuite sees them as not fully "
            f"approved; the level must be '{LABEL[wanted]}'.",
            code="NS0864", subject=subject, evidence=evidence, fix=fix,
        )


def _journal_approvals(ctx: Context) -> Iterator[Finding]:
    pref = settings.preference(ctx, "JOURNALAPPROVALS")
    subject = Subject(kind="setting", id="JOURNALAPPROVALS", name="Require Approvals on Journal Entries")
    if pref.on:
        yield ctx.fail(
            "NetSuite requires approval on journal entries, so exported journal entries are held as pending "
            "approval and the approval settings clash.",
            code="NS0898", subject=subject, evidence=pref.evidence(),
            fix=("In NetSuite clear 'Require Approvals on Journal Entries' "
                 f"({remedies.GENERAL_PREFERENCES}) and, on the Approval Routing tab, untick journal entries.",
                 remedies.SYNC_IN_WORKSPACE),
        )
    elif not pref.known:
        yield ctx.unverifiable(
            "Not checked: the workspace exports journal entries and nsaudit could not tell whether NetSuite "
            "requires approval on them.",
            code="NS0898", missing=settings.missing_text("JOURNALAPPROVALS"), subject=subject,
            evidence=pref.evidence(), manual=settings.manual_step("JOURNALAPPROVALS"),
        )
