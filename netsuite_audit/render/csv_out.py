"""CSV: one row per finding, safe to open in a spreadsheet (formula-like cells are neutralised). Each row
carries its check's outcome (passed, failed, informational, unverifiable), the definition every output
counts by, so a pivot on it gives the same numbers as the summary."""

from __future__ import annotations

import csv
import io
import json

from netsuite_audit.audit.model import Finding
from netsuite_audit.result import AuditResult

COLUMNS = (
    "finding_id", "check_id", "code", "status", "severity", "subject_kind", "subject_id", "subject_name",
    "message", "evidence", "fix", "missing", "muted_by", "mute_reason", "mute_expires", "baseline",
    "check_outcome",
)

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text, with a leading ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(finding: Finding, outcome: str) -> list[str]:
    subject = finding.subject
    mute = finding.mute or {}
    evidence = json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          default=str) if finding.evidence else ""
    values: list[object] = [
        finding.id, finding.check_id, finding.code, finding.status.value, finding.severity.value,
        subject.kind if subject else "", subject.id if subject else "", subject.name if subject else "",
        finding.message, evidence, " | ".join(finding.fix), finding.missing,
        mute.get("owner") or mute.get("by"), mute.get("reason"), mute.get("expires"),
        "yes" if finding.baseline else "", outcome,
    ]
    return [safe_cell(value) for value in values]


def render_csv(result: AuditResult, color: bool = False) -> str:
    """Header plus one row per finding (in the result's order); ``color`` is ignored."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    outcomes = result.check_outcomes()  # the check's outcome as every output counts it (result.CheckOutcome)
    writer.writerows(_row(finding, outcomes.get(finding.check_id, "")) for finding in result.findings)
    return buffer.getvalue()
