"""NS0056 (memo): a report's reimbursable total must be positive to export as an expense report."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ExportType

META = CheckMeta(
    id="report-negative-total",
    codes=("NS0056",),
    severity=Severity.HIGH,
    title="Reimbursable report totals are positive",
    description=(
        "A pending report whose reimbursable lines add up to less than zero can't be exported as an "
        "expense report or journal entry: NetSuite refuses to set its memo. With vendor bills the "
        "integration makes a vendor credit instead, so that case is a warning about the credit form."
    ),
    detection=(Detection.REPORTS, Detection.WORKSPACE),
    tags=("export", "reports"),
    needs_reports=True,
    needs_login=False,
)


def check(ctx: Context) -> Iterator[Finding]:
    export_type = ctx.workspace.export.reimbursable
    for facts in lookups.report_facts(ctx):
        total = facts.reimbursable_total
        if not facts.reimbursable_lines or total >= 0:
            continue
        report = facts.report
        reimbursable = [line for line in report.lines if line.reimbursable]
        currencies = sorted({c for c in (line.currency or report.currency for line in reimbursable) if c})
        subject = Subject(kind="report", id=report.id, name=report.title)
        evidence = {"reimbursable_total": str(total), "currencies": currencies,
                    "reimbursable_lines": len(reimbursable), "export_type": export_type.value}
        if len(currencies) > 1:
            evidence["note"] = "lines are in several currencies; the total adds the amounts as written"
        if export_type == ExportType.VENDOR_BILL:
            yield ctx.warn(
                f"Report {report.id} has a negative reimbursable total ({total}); it will export as a vendor "
                "credit, whose form needs the same fields shown as the vendor bill form.",
                severity=Severity.LOW, subject=subject, evidence=evidence,
                fix=("In NetSuite check the preferred Vendor Credit (Bill Credit) form the same way as the "
                     "vendor bill form (see the transaction-forms finding).",),
            )
            continue
        yield ctx.fail(
            f"Report {report.id} has a negative reimbursable total ({total}); only reports with a positive "
            "reimbursable total export, so NetSuite refuses to set its memo.",
            subject=subject, evidence=evidence,
            fix=("Split off the credits, or add the missing expenses, so the reimbursable total is above "
                 "zero; or mark the credit lines non-reimbursable if that is what they are.",
                 "Then export the report again."),
        )
