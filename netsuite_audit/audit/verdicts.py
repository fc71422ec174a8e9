"""Per-report verdicts: which pending reports export cleanly and which NS codes each would raise.

Checks that look at pending report lines record the lines a finding affects in
``evidence["report_lines"]`` as ``"<report id>/<line number>"`` (1-based), or use a subject of kind
``report`` (id = report id) or ``report-line`` (id = ``"<report id>/<line>"``). The verdicts are
derived from the findings alone, so they are identical live and offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.pending import PendingReports

REPORT_LINES = "report_lines"
_BLOCKING = (Status.FAIL, Status.ERROR)


def report_line(report_id: str, number: int) -> str:
    return f"{report_id}/{number}"


class LineVerdict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    codes: tuple[str, ...]
    findings: tuple[str, ...]


class ReportVerdict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    report_id: str
    employee: str
    exports_cleanly: bool
    codes: tuple[str, ...]
    lines: tuple[LineVerdict, ...]
    unverified: tuple[str, ...] = ()  # checks that could not give this report a verdict


def _targets(finding: Finding) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for ref in finding.evidence.get(REPORT_LINES, ()) or ():
        report_id, _, number = str(ref).rpartition("/")
        out.append((report_id, int(number)) if number.isdigit() else (str(ref), None))
    if finding.subject and finding.subject.kind in ("report", "report-line"):
        report_id, _, number = finding.subject.id.rpartition("/")
        if report_id and number.isdigit():
            out.append((report_id, int(number)))
        else:
            out.append((finding.subject.id, None))
    return out


def report_verdicts(reports: PendingReports | None, findings: Iterable[Finding]) -> list[ReportVerdict]:
    if reports is None:
        return []
    per_line: dict[str, dict[int | None, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    findings = list(findings)
    for finding in findings:
        if finding.status in _BLOCKING:
            for report_id, line in _targets(finding):
                per_line[report_id][line].append(finding)
    # A check that could not run (login failed, table unreadable) leaves every report unverified.
    unverified = sorted({f.check_id for f in findings if f.status == Status.UNVERIFIABLE})
    verdicts = []
    for report in reports.reports:
        lines = per_line.get(report.id, {})
        line_verdicts = tuple(
            LineVerdict(line=number, codes=tuple(sorted({f.code for f in items if f.code})),
                        findings=tuple(f.id for f in items))
            for number, items in sorted(lines.items(), key=lambda kv: kv[0] or 0) if number is not None
        )
        codes = tuple(sorted({f.code for items in lines.values() for f in items if f.code}))
        verdicts.append(ReportVerdict(report_id=report.id, employee=report.employee,
                                      exports_cleanly=not lines, codes=codes, lines=line_verdicts,
                                      unverified=tuple(unverified)))
    return verdicts
