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
        out.append((report_id, int(number)) if number.isascii() and number.isdigit() else (str(ref), None))
    if finding.subject and finding.subject.kind in ("report", "report-line"):
        report_id, _, number = finding.subject.id.rpartition("/")
        if report_id and number.isascii() and number.isdigit():
            out.append((report_id, int(number)))
        else:
            out.append((finding.subject.id, None))
    return out


class VerdictTally:
    """Per-line blocking findings, gathered one finding at a time (the engine feeds it before findings
    are folded, so verdicts stay exact however many findings there are). Holds ids and codes only."""

    def __init__(self) -> None:
        self._lines: dict[str, dict[int | None, list[tuple[str | None, str]]]] = defaultdict(
            lambda: defaultdict(list))
        self._unverified: set[str] = set()

    def add(self, finding: Finding) -> None:
        if finding.status in _BLOCKING:
            for report_id, line in _targets(finding):
                self._lines[report_id][line].append((finding.code, finding.id))
        elif finding.status == Status.UNVERIFIABLE:
            self._unverified.add(finding.check_id)

    def merge(self, other: VerdictTally) -> None:
        for report_id, lines in other._lines.items():
            mine = self._lines[report_id]
            for line, items in lines.items():
                mine[line].extend(items)
        self._unverified |= other._unverified

    def verdicts(self, reports: PendingReports | None) -> list[ReportVerdict]:
        if reports is None:
            return []
        # A check that could not run (login failed, table unreadable) leaves every report unverified.
        unverified = tuple(sorted(self._unverified))
        verdicts = []
        for report in reports.reports:
            lines = self._lines.get(report.id, {})
            line_verdicts = tuple(
                LineVerdict(line=number, codes=tuple(sorted({code for code, _ in items if code})),
                            findings=tuple(fid for _, fid in items))
                for number, items in sorted(lines.items(), key=lambda kv: kv[0] or 0) if number is not None
            )
            codes = tuple(sorted({code for items in lines.values() for code, _ in items if code}))
            verdicts.append(ReportVerdict(report_id=report.id, employee=report.employee,
                                          exports_cleanly=not lines, codes=codes, lines=line_verdicts,
                                          unverified=unverified))
        return verdicts


def report_verdicts(reports: PendingReports | None, findings: Iterable[Finding]) -> list[ReportVerdict]:
    tally = VerdictTally()
    for finding in findings:
        tally.add(finding)
    return tally.verdicts(reports)


SHOWN_REPORTS = 50  # reports a terminal listing shows; the JSON and CSV outputs have them all
SHOWN_LINES = 10  # lines per report a terminal listing shows


def listed_verdicts(verdicts: Iterable[ReportVerdict], limit: int = SHOWN_REPORTS,
                    ) -> tuple[list[ReportVerdict], int, int]:
    """At most ``limit`` verdicts for a listing, the reports that would fail first (each in file order),
    and how many were left out: (shown, failing left out, clean left out)."""
    failing: list[ReportVerdict] = []
    clean: list[ReportVerdict] = []
    more_failing = more_clean = 0
    for verdict in verdicts:
        if not verdict.exports_cleanly:
            if len(failing) < limit:
                failing.append(verdict)
            else:
                more_failing += 1
        elif len(clean) < limit:
            clean.append(verdict)
        else:
            more_clean += 1
    room = max(limit - len(failing), 0)
    more_clean += len(clean) - min(len(clean), room)
    return failing + clean[:room], more_failing, more_clean
