"""Per-report verdicts: which pending reports export cleanly and which NS codes each would raise.

A finding names a pending report when any of these holds, and :func:`explicit_targets` with
:func:`submitter_emails` are the one place that decides it (the verdicts are built from them alone, so
they are identical live and offline, and a report's verdict can never disagree with a finding about it):

* ``evidence["report_lines"]`` lists ``"<report id>/<line number>"`` (1-based) or ``"<report id>"``;
* the subject is of kind ``report`` (id = report id) or ``report-line`` (id = ``"<report id>/<line>"``);
* ``evidence["used_by"]`` says ``"report <id>"`` or ``"report <id> line <n>"`` (the shared lookups
  write where a value is used that way);
* the finding is about the report's submitter and names no report of its own: ``evidence["email"]``
  or ``evidence["employee"]`` is the submitter's email exactly as the report gives it (then every
  report of that submitter is named; a finding about one report that mentions its submitter names
  that report only).

A blocking finding (FAIL or ERROR) that names a report makes it not export cleanly. So does a critical
one that names no report (a login, a permission or a query every sync needs): it stops every sync, so
no report exports until it is fixed (``blocked_by``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.inputs.pending import PendingReports

REPORT_LINES = "report_lines"
_BLOCKING = (Status.FAIL, Status.ERROR)
_USED_BY = re.compile(r"^report (\S+?)(?: line ([0-9]+))?$")
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
    # Codes (or check ids) of critical account-level findings that stop every sync: nothing exports until
    # they are fixed, whatever this report's own verdict.
    blocked_by: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        """Nothing found and every check could judge it: the only case said "exports cleanly"."""
        return self.exports_cleanly and not self.unverified

    def unverified_text(self) -> str:
        """``not verified: nothing found, but 2 checks could not tell (a, b)``."""
        n = len(self.unverified)
        return (f"not verified: nothing found, but {n} check{'s' if n != 1 else ''} could not tell "
                f"({', '.join(self.unverified)})")

    def blocked_text(self) -> str:
        """``blocked until NS0377 and NS0384 are fixed``."""
        codes = list(self.blocked_by)
        joined = codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + f" and {codes[-1]}"
        return f"blocked until {joined} {'is' if len(codes) == 1 else 'are'} fixed"


def _split(ref: str) -> tuple[str, int | None]:
    report_id, _, number = ref.rpartition("/")
    return (report_id, int(number)) if report_id and number.isascii() and number.isdigit() else (ref, None)


def explicit_targets(finding: Finding) -> set[tuple[str, int | None]]:
    """(report id, line or ``None`` for the whole report) the finding names itself."""
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
    return out


def submitter_emails(finding: Finding) -> tuple[str, ...]:
    """The submitter emails a finding is about (used when it names no report of its own)."""
    evidence = finding.evidence
    return tuple(v for key in _SUBMITTER_KEYS if isinstance(v := evidence.get(key), str))


def finding_targets(finding: Finding, submitters: Mapping[str, Sequence[str]]) -> set[tuple[str, int | None]]:
    """Every (report id, line or ``None``) the finding names; ``submitters`` maps a submitter email, as
    written on the reports, to the ids of their reports."""
    out = explicit_targets(finding)
    if not out:
        for email in submitter_emails(finding):
            out.update((report_id, None) for report_id in submitters.get(email, ()))
    return out


def submitters(reports: PendingReports) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for report in reports.reports:
        found.setdefault(report.employee, []).append(report.id)
    return found


class VerdictTally:
    """Per-line blocking findings, gathered one finding at a time (the engine feeds it before findings
    are folded, so verdicts stay exact however many findings there are). Holds ids and codes only."""

    def __init__(self) -> None:
        self._lines: dict[str, dict[int | None, list[tuple[str | None, str]]]] = defaultdict(
            lambda: defaultdict(list))
        self._by_submitter: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
        self._unverified: set[str] = set()
        self._blockers: set[str] = set()

    def add(self, finding: Finding) -> None:
        if finding.status in _BLOCKING:
            targets = explicit_targets(finding)
            for report_id, line in targets:
                self._lines[report_id][line].append((finding.code, finding.id))
            emails = submitter_emails(finding) if not targets else ()
            for email in emails:  # about a submitter: every report of theirs (finding_targets' rule)
                self._by_submitter[email].append((finding.code, finding.id))
            if not targets and not emails and finding.severity == Severity.CRITICAL:  # stops every sync
                self._blockers.add(finding.code or finding.check_id)
        elif finding.status == Status.UNVERIFIABLE:
            self._unverified.add(finding.check_id)

    def merge(self, other: VerdictTally) -> None:
        for report_id, lines in other._lines.items():
            mine = self._lines[report_id]
            for line, items in lines.items():
                mine[line].extend(items)
        for email, items in other._by_submitter.items():
            self._by_submitter[email].extend(items)
        self._unverified |= other._unverified
        self._blockers |= other._blockers

    def verdicts(self, reports: PendingReports | None) -> list[ReportVerdict]:
        if reports is None:
            return []
        # A check that could not run (login failed, table unreadable) leaves every report unverified.
        unverified = tuple(sorted(self._unverified))
        blocked = tuple(sorted(self._blockers))
        verdicts = []
        for report in reports.reports:
            lines = self._lines.get(report.id, {})
            if not lines and report.employee not in self._by_submitter:  # named by no finding
                verdicts.append(ReportVerdict(report_id=report.id, employee=report.employee,
                                              exports_cleanly=not blocked, codes=(), lines=(), unverified=unverified,
                                              blocked_by=blocked))
                continue
            line_verdicts = tuple(
                LineVerdict(line=number, codes=tuple(sorted({code for code, _ in items if code})),
                            findings=tuple(fid for _, fid in items))
                for number, items in sorted(lines.items(), key=lambda kv: kv[0] or 0) if number is not None
            )
            named = [item for items in lines.values() for item in items]
            named += self._by_submitter.get(report.employee, ())
            codes = tuple(sorted({code for code, _ in named if code}))
            verdicts.append(ReportVerdict(report_id=report.id, employee=report.employee,
                                          exports_cleanly=not named and not blocked, codes=codes,
                                          lines=line_verdicts, findings=tuple(dict.fromkeys(fid for _, fid in named)),
                                          unverified=unverified, blocked_by=blocked))
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
