"""Markdown for a CI step summary or a ticket: header, summary table, findings grouped by NS code."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.render.safe import clean_text, markdown_text
from netsuite_audit.result import AuditResult

# Worst first; MUTED and PASS have their own sections.
_GROUP_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.UNVERIFIABLE: 3}
_TABLE_ORDER = (Status.FAIL, Status.WARN, Status.ERROR, Status.UNVERIFIABLE, Status.MUTED, Status.PASS)
_NO_CODE = "(no code)"


def cell(text: object) -> str:
    """A value safe inside a Markdown table cell: control characters removed, Markdown, pipes and raw
    HTML escaped, line breaks turned into <br>."""
    value = "" if text is None else str(text)
    return "<br>".join(markdown_text(part, table=True).strip() for part in value.splitlines()) if value else ""


def inline(text: object) -> str:
    """A value on one Markdown line (list item): line breaks folded into spaces, control characters
    removed, Markdown and raw HTML escaped (a record named ``![x](https://...)`` stays text)."""
    return markdown_text(" ".join(str(text).split()))


def _html(text: str) -> str:
    """Only '<' opens raw HTML; '>' stays readable (NetSuite paths like Setup > Users/Roles)."""
    return text.replace("<", "&lt;")


def _code(value: object) -> str:
    """Inline code that survives backticks in the value."""
    text = clean_text(" ".join(str(value).split()))
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _code_title(code: str) -> str | None:
    try:
        from netsuite_audit.catalog.model import load_catalog

        return load_catalog().get(code).title
    except Exception:
        return None


def _summary(result: AuditResult) -> list[str]:
    by_status = result.summary.by_status
    by_severity = result.summary.by_severity
    lines = ["| Status | Count |", "|---|---:|"]
    lines += [f"| {status.value} | {by_status.get(status.value, 0)} |" for status in _TABLE_ORDER]
    lines += ["", "| Severity (FAIL + WARN) | Count |", "|---|---:|"]
    lines += [f"| {severity.value} | {by_severity.get(severity.value, 0)} |" for severity in Severity]
    return lines


def _subject(finding: Finding) -> str:
    if not finding.subject:
        return "account"
    name = f" ({inline(finding.subject.name)})" if finding.subject.name else ""
    return f"{finding.subject.kind} {_code(finding.subject.id)}{name}"


def _finding(finding: Finding) -> list[str]:
    known = " _(known from the baseline)_" if finding.baseline else ""
    lines = [f"- **{finding.status.value}** ({finding.severity.value}) {_subject(finding)}: "
             f"{inline(finding.message)}{known}"]
    if finding.evidence:
        lines.append("  - Evidence:")
        lines += [f"    - {inline(key)}: {_code(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))}"
                  for key, value in finding.evidence.items()]
    if finding.missing:
        lines.append(f"  - Missing: {inline(finding.missing)}")
    steps = finding.fix or finding.manual
    if steps:
        lines.append("  - Fix:" if finding.fix else "  - Check by hand:")
        lines += [f"    {number}. {inline(step)}" for number, step in enumerate(steps, start=1)]
    return lines


def _groups(result: AuditResult) -> list[str]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.status in _GROUP_ORDER:
            groups[finding.code or _NO_CODE].append(finding)

    def order(code: str) -> tuple[int, int, str]:
        items = groups[code]
        return (min(_GROUP_ORDER[f.status] for f in items), -max(f.severity.rank for f in items), code)

    lines: list[str] = []
    for code in sorted(groups, key=order):
        items = sorted(groups[code], key=lambda f: (_GROUP_ORDER[f.status], -f.severity.rank, f.id))
        title = (_code_title(code) if code != _NO_CODE else None) or items[0].title
        lines += ["", f"### {code}: {inline(title)}", ""]
        for finding in items:
            lines += _finding(finding)
    return lines


def _muted(result: AuditResult) -> list[str]:
    muted = [f for f in result.findings if f.status == Status.MUTED]
    if not muted:
        return []
    lines = ["", "## Muted", "", "| Finding | Code | Owner | Reason | Expires |", "|---|---|---|---|---|"]
    for finding in muted:
        mute = finding.mute or {}
        lines.append(f"| {cell(finding.id)} | {cell(finding.code or '')} | {cell(mute.get('owner') or mute.get('by'))} "
                     f"| {cell(mute.get('reason'))} | {cell(mute.get('expires') or 'never')} |")
    return lines


def _verdicts(result: AuditResult) -> list[str]:
    if not result.report_verdicts:
        return []
    lines = ["", "## Pending reports", "", "| Report | Employee | Exports cleanly | Codes |", "|---|---|---|---|"]
    lines += [f"| {cell(v.report_id)} | {cell(v.employee)} | {'yes' if v.exports_cleanly else 'no'} "
              f"| {cell(', '.join(v.codes))} |" for v in result.report_verdicts]
    return lines


def render_markdown(result: AuditResult, color: bool = False) -> str:
    """The report as GitHub-flavoured Markdown; ``color`` is ignored."""
    acct = result.account
    when = result.finished_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    role = f" · role {inline(acct.role)}" if acct.role else ""
    lines = [
        f"## nsaudit: account {_code(acct.account_id)} ({acct.environment})",
        "",
        f"{when} · nsaudit {result.tool.version}{role} · exit code **{result.exit_code}** "
        f"(fail-on {result.selection.fail_on.value}) · {result.summary.checks_run} checks run",
        "",
        *(f"> **Warning:** {inline(warning)}" for warning in result.warnings),
        *([""] if result.warnings else []),
        *_summary(result),
    ]
    findings = _groups(result)
    if findings:
        lines += ["", "## Findings", *findings]
    lines += _muted(result)
    lines += _verdicts(result)
    passed = list(result.passed_checks())
    if passed:
        lines += ["", f"**Passed** ({len(passed)}): " + ", ".join(_code(c) for c in passed)]
    if result.skipped_checks:
        lines += ["", "**Not run**: " + "; ".join(f"{_code(s.check_id)} ({inline(s.reason)})"
                                                   for s in result.skipped_checks)]
    lines += ["", f"<sub>Snapshot SHA-256 {_code(result.snapshot_sha256)}</sub>"]
    return "\n".join(lines) + "\n"
