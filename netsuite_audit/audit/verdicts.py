"""Per-report verdicts: which pending reports export cleanly and which NS codes each would raise.

A finding names a pending report when any of these holds, and :func:`finding_targets` is the one
place that decides it (the verdicts are built from it alone, so they are identical live and offline,
and a report's verdict can never disagree with a finding about it):

* ``evidence["report_lines"]`` lists ``"<report id>/<line number>"`` (1-based) or ``"<report id>"``;
* the subject is of kind ``report`` (id = report id) or ``report-line`` (id = ``"<report id>/<line>"``);
* ``evidence["used_by"]`` says ``"report <id>"`` or ``"report <id> line <n>"`` (the shared lookups
  write where a value is used that way);
* the finding is about the report's submitter and names no report of its own: ``evidence["email"]``
  or ``evidence["employee"]`` is the submitter's email exactly as the report gives it (then every
  report of that submitter is named; a finding about one report that mentions its submitter names
  that report only).

A blocking finding (FAIL or ERROR) that names a report makes it not export cleanly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.pending import PendingReports

REPORT_LINES = "report_lines"
BLOCKING = (Status.FAIL, Status.ERROR)
_USED_BY = re.compile(r"^report (\S+?)(?: line (\d+))?$")
_SUBMITTER_KEYS = ("email", "employee")


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
    findings: tuple[str, ...] = ()  # every blocking finding that names the report, a line or the submitter
    unverified: tuple[str, ...] = ()  # checks that could not give this report a verdict


def _split(ref: str) -> tuple[str, int | None]:
    report_id, _, number = ref.rpartition("/")
    return (report_id, int(number)) if report_id and number.isdigit() else (ref, None)


def finding_targets(finding: Finding, submitters: Mapping[str, Sequence[str]]) -> set[tuple[str, int | None]]:
    """(report id, line or ``None`` for the whole report) for each pending report the finding names.

    ``submitters`` maps a submitter email, as written on the reports, to the ids of their reports.
    """
    out: set[tuple[str, int | None]] = set()
    evidence = finding.evidence
    for ref in evidence.get(REPORT_LINES, ()) or ():
        out.add(_split(str(ref)))
    subject = finding.subject
    if subject is not None and subject.kind in ("report", "report-line"):
        out.add(_split(subject.id))
    used_by = evidence.get("used_by")
    for where in used_by if isinstance(used_by, (list, tuple)) else ():
        match = _USED_BY.match(str(where))
        if match:
            out.add((match.group(1), int(match.group(2)) if match.group(2) else None))
    if out:
        return out
    for key in _SUBMITTER_KEYS:
        value = evidence.get(key)
        if isinstance(value, str):
            out.update((report_id, None) for report_id in submitters.get(value, ()))
    return out


def submitters(reports: PendingReports) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for report in reports.reports:
        found.setdefault(report.employee, []).append(report.id)
    return found


def report_verdicts(reports: PendingReports | None, findings: Iterable[Finding]) -> list[ReportVerdict]:
    if reports is None:
        return []
    by_submitter = submitters(reports)
    per_report: dict[str, dict[int | None, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    findings = list(findings)
    for finding in findings:
        if finding.status in BLOCKING:
            for report_id, line in finding_targets(finding, by_submitter):
                per_report[report_id][line].append(finding)
    # A check that could not run (login failed, table unreadable) leaves every report unverified.
    unverified = tuple(sorted({f.check_id for f in findings if f.status == Status.UNVERIFIABLE}))
    verdicts = []
    for report in reports.reports:
        lines = per_report.get(report.id, {})
        line_verdicts = tuple(
            LineVerdict(line=number, codes=tuple(sorted({f.code for f in items if f.code})),
                        findings=tuple(f.id for f in items))
            for number, items in sorted(lines.items(), key=lambda kv: kv[0] or 0) if number is not None
        )
        named = tuple(dict.fromkeys(f.id for items in lines.values() for f in items))
        codes = tuple(sorted({f.code for items in lines.values() for f in items if f.code}))
        verdicts.append(ReportVerdict(report_id=report.id, employee=report.employee,
                                      exports_cleanly=not named, codes=codes, lines=line_verdicts,
                                      findings=named, unverified=unverified))
    return verdicts
