"""NS0034: no NetSuite transaction already carries a pending report's id."""

from __future__ import annotations

import re
from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.records import Transaction

META = CheckMeta(
    id="report-already-exported",
    codes=("NS0034",),
    severity=Severity.HIGH,
    title="Pending reports are not already in NetSuite",
    description=(
        "Looks for NetSuite transactions whose external id carries a pending report's id (a report that "
        "was exported before, fully or in part). NetSuite refuses to create the record a second time. "
        "Which field the integration stores the report id in is not confirmed by public material: "
        "nsaudit matches the external id (the id alone, or as a separate token inside it)."
    ),
    reads=("transaction",),
    detection=(Detection.REPORTS, Detection.NETSUITE_DATA),
    tags=("export", "reports"),
    needs_reports=True,
)

MATCH_FIELD = "externalid"  # UNCERTAIN: the field that carries the report id


def _matches(report_id: str, txn: Transaction) -> bool:
    value = (txn.externalid or "").strip()
    if not value or not report_id:
        return False
    if value.lower() == report_id.lower():
        return True
    pattern = rf"(?<![0-9A-Za-z]){re.escape(report_id)}(?![0-9A-Za-z])"
    return re.search(pattern, value, flags=re.IGNORECASE) is not None


def check(ctx: Context) -> Iterator[Finding]:
    transactions: list[Transaction] = list(ctx.rows("transaction"))
    for report in ctx.reports.reports if ctx.reports else ():
        found = [t for t in transactions if _matches(report.id.strip(), t)]
        if not found:
            continue
        listed = ", ".join(f"{t.type or 'transaction'} {t.tranid or ''} (id {t.id})".replace("  ", " ")
                           for t in found)
        yield ctx.fail(
            f"Report {report.id} is already in NetSuite as {listed}; exporting it again fails with "
            "'This record already exists'.",
            subject=Subject(kind="report", id=report.id, name=report.title),
            evidence={"transactions": [{"id": t.id, "tranid": t.tranid, "type": t.type,
                                        "externalid": t.externalid} for t in found],
                      "matched_on": f"{MATCH_FIELD} (UNCERTAIN)"},
            fix=("In NetSuite search for the report id (global search), open the transaction and confirm "
                 "it is this report.",
                 "If the report should be exported again, delete that transaction first; otherwise mark "
                 "the report as exported in the workspace instead of exporting it.",
                 "Then choose Sync Now in the workspace and export again."),
        )
