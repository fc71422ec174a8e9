"""A self-contained HTML compliance report (one file, inline CSS, no scripts, printable)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.result import AuditResult

TEMPLATE = "report.html.j2"
MAX_PER_CODE = 200  # findings shown per NS code; the rest are counted (the JSON and CSV have them all)

_GROUP_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.UNVERIFIABLE: 3}
_STATUS_ORDER = (Status.FAIL, Status.WARN, Status.ERROR, Status.UNVERIFIABLE, Status.MUTED, Status.PASS)
_NO_CODE = "(no code)"


@dataclass(frozen=True)
class FindingView:
    id: str
    status: str
    severity: str
    check_id: str
    subject: str
    message: str
    evidence: tuple[tuple[str, str], ...]
    steps: tuple[str, ...]
    steps_label: str
    missing: str | None
    baseline: bool


@dataclass(frozen=True)
class CodeGroup:
    code: str
    title: str
    severity: str
    findings: tuple[FindingView, ...]
    hidden: int


@dataclass(frozen=True)
class MutedView:
    id: str
    code: str
    subject: str
    message: str
    owner: str
    reason: str
    expires: str


@dataclass(frozen=True)
class Report:
    result: AuditResult
    verdict: str
    started: str
    finished: str
    duration: str
    status_counts: tuple[tuple[str, int], ...]
    severity_counts: tuple[tuple[str, int], ...]
    groups: tuple[CodeGroup, ...]
    muted: tuple[MutedView, ...]
    passed: tuple[str, ...]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _code_title(code: str) -> str | None:
    try:
        from netsuite_audit.catalog.model import load_catalog

        return load_catalog().get(code).title
    except Exception:
        return None


def _subject(finding: Finding) -> str:
    if not finding.subject:
        return "account"
    name = f" {finding.subject.name}" if finding.subject.name else ""
    return f"{finding.subject.kind} {finding.subject.id}{name}"


def _value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _view(finding: Finding) -> FindingView:
    return FindingView(
        id=finding.id, status=finding.status.value, severity=finding.severity.value, check_id=finding.check_id,
        subject=_subject(finding), message=finding.message,
        evidence=tuple((str(key), _value(value)) for key, value in finding.evidence.items()),
        steps=finding.fix or finding.manual, steps_label="Fix" if finding.fix else "Check by hand",
        missing=finding.missing, baseline=finding.baseline,
    )


def _groups(result: AuditResult) -> tuple[CodeGroup, ...]:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.status in _GROUP_ORDER:
            by_code[finding.code or _NO_CODE].append(finding)

    def order(code: str) -> tuple[int, int, str]:
        items = by_code[code]
        return (min(_GROUP_ORDER[f.status] for f in items), -max(f.severity.rank for f in items), code)

    groups = []
    for code in sorted(by_code, key=order):
        items = sorted(by_code[code], key=lambda f: (_GROUP_ORDER[f.status], -f.severity.rank, f.id))
        title = (_code_title(code) if code != _NO_CODE else None) or items[0].title
        worst = max(items, key=lambda f: f.severity.rank).severity.value
        groups.append(CodeGroup(code=code, title=title, severity=worst,
                                findings=tuple(_view(f) for f in items[:MAX_PER_CODE]),
                                hidden=max(len(items) - MAX_PER_CODE, 0)))
    return tuple(groups)


def _muted(result: AuditResult) -> tuple[MutedView, ...]:
    out = []
    for finding in result.findings:
        if finding.status != Status.MUTED:
            continue
        mute = finding.mute or {}
        out.append(MutedView(id=finding.id, code=finding.code or "", subject=_subject(finding),
                             message=finding.message, owner=str(mute.get("owner") or mute.get("by") or "unknown"),
                             reason=str(mute.get("reason") or "none given"),
                             expires=str(mute.get("expires") or "never")))
    return tuple(out)


def _verdict(result: AuditResult) -> str:
    if result.exit_code == 3:
        return "Could not audit completely"
    if result.exit_code == 1:
        return f"Findings at or above {result.selection.fail_on.value}"
    return "No findings at or above " + result.selection.fail_on.value


def build_report(result: AuditResult) -> Report:
    """Everything the template shows, computed once (the template only lays it out)."""
    seconds = max((result.finished_at - result.started_at).total_seconds(), 0.0)
    return Report(
        result=result,
        verdict=_verdict(result),
        started=_stamp(result.started_at),
        finished=_stamp(result.finished_at),
        duration=f"{seconds:.1f} s",
        status_counts=tuple((s.value, result.summary.by_status.get(s.value, 0)) for s in _STATUS_ORDER),
        severity_counts=tuple((s.value, result.summary.by_severity.get(s.value, 0)) for s in Severity),
        groups=_groups(result),
        muted=_muted(result),
        passed=result.passed_checks(),
    )


def _environment() -> Environment:
    return Environment(loader=PackageLoader("netsuite_audit", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(result: AuditResult, color: bool = False) -> str:
    """The compliance report as one HTML document; ``color`` is ignored (the page has its own styles)."""
    return _environment().get_template(TEMPLATE).render(report=build_report(result))
