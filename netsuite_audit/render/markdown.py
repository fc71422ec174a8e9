"""The compliance report in Markdown (a CI job summary, a ticket, a wiki page): the same sections as the HTML
page, from the same facts (render/compliance.py)."""

from __future__ import annotations

import re

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.audit.verdicts import ReportVerdict
from netsuite_audit.render.compliance import Compliance, FindingView, build_compliance
from netsuite_audit.render.safe import clean_text, markdown_text
from netsuite_audit.render.text import MEANING
from netsuite_audit.result import AuditResult

_TABLE_ORDER = (Status.FAIL, Status.WARN, Status.ERROR, Status.UNVERIFIABLE, Status.MUTED, Status.PASS)


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


def _about(report: Compliance) -> list[str]:
    lines = ["## About this audit", "", "| | |", "|---|---|"]
    lines += [f"| {cell(fact.label)} | {_code(fact.value) if fact.mono else cell(fact.value)} |"
              for fact in report.facts]
    return lines


def _summary(result: AuditResult, report: Compliance) -> list[str]:
    by_status = result.summary.by_status
    by_severity = result.summary.by_severity
    lines = ["## Summary", "", f"{inline(report.counts)}.", ""]
    lines += [f"> **Warning:** {inline(warning)}" for warning in report.warnings]
    lines += [""] if report.warnings else []
    lines += ["| Status | Results |", "|---|---:|"]
    lines += [f"| {status.value} | {by_status.get(status.value, 0)} |" for status in _TABLE_ORDER]
    lines += ["", "| Severity | Means | FAIL + WARN |", "|---|---|---:|"]
    lines += [f"| {severity.value} | {MEANING[severity]} | {by_severity.get(severity.value, 0)} |"
              for severity in Severity]
    return lines


def _scope(report: Compliance) -> list[str]:
    lines = ["## Scope and limitations", "", "### What was checked", "",
             f"{len(report.checked)} checks ran against the account and the workspace description"
             + (f"; {len(report.not_run)} did not run." if report.not_run else "."), ""]
    lines += [f"- {_code(check_id)}: {inline(title)}" for check_id, title in report.checked]
    lines += ["", "### Checks not run", ""]
    if report.not_run:
        lines += ["| Check | Why it did not run |", "|---|---|"]
        lines += [f"| {cell(n.check)} | {cell(n.reason)} |" for n in report.not_run]
    else:
        lines.append("Every selected check ran.")
    lines += ["", "### Could not be verified", ""]
    if report.unverified:
        lines += ["These results are neither passed nor failed: nsaudit could not read what they need.", "",
                  "| Why | Items | Items affected |", "|---|---:|---|"]
        lines += [f"| {cell(u.why)} | {u.count} | {cell(', '.join(u.items))} |" for u in report.unverified]
    else:
        lines.append("Every check that ran could read what it needs.")
    lines += ["", "### Manual steps remaining", ""]
    if report.manual:
        for step in report.manual:
            count = len(step.items)
            needs = f": needs {inline(step.missing)}" if step.missing else ""
            lines.append(f"- **{count} item{'s' if count != 1 else ''}** ({inline(', '.join(step.codes))}){needs}")
            lines += [f"  - {inline(line)}" for line in step.steps]
            lines.append(f"  - Applies to: {inline(', '.join(step.items))}")
    else:
        lines.append("None.")
    lines += ["", "### Limits of this audit", ""]
    lines += [f"- {inline(limit)}" for limit in report.limits]
    return lines


def _finding(finding: FindingView) -> list[str]:
    known = " _(known from the baseline)_" if finding.baseline else ""
    lines = [f"- **{finding.status}** {inline(finding.subject)}: {inline(finding.message)}{known}"]
    if finding.evidence:
        lines.append("  - Evidence:")
        lines += [f"    - {inline(key)}: {inline(value)}" for key, value in finding.evidence]
    if finding.steps:
        lines.append(f"  - {finding.steps_label}:")
        lines += [f"    {number}. {inline(step)}" for number, step in enumerate(finding.steps, start=1)]
    return lines


def _findings(report: Compliance) -> list[str]:
    lines = ["## Findings by severity", ""]
    if not report.sections:
        return [*lines, "Nothing to fix: no FAIL, WARN or ERROR results."]
    for section in report.sections:
        noun = "finding" if section.count == 1 else "findings"
        lines += [f"### {section.severity.capitalize()} ({section.meaning}): {section.count} {noun}", ""]
        for group in section.groups:
            lines += [f"#### {inline(group.code)}: {inline(group.title)}", ""]
            for finding in group.findings:
                lines += _finding(finding)
            if group.hidden:
                lines.append(f"- _{group.hidden} more {inline(group.code)} findings: the JSON and CSV outputs "
                             "list them all._")
            lines.append("")
    return lines[:-1]


def _permissions(result: AuditResult) -> list[str]:
    if not result.permissions:
        return []
    lines = ["", "## Integration role permissions", "", "| Permission | Key | Required | Actual | Status |",
             "|---|---|---|---|---|"]
    lines += [f"| {cell(row.name)} | {cell(row.permkey)} | {cell(row.required)} | "
              f"{cell(row.actual if row.actual is not None else 'unknown')} | {row.status.value} |"
              for row in result.permissions]
    return lines


def _exports(verdict: ReportVerdict) -> str:
    """yes (nothing found and every check judged it), not verified (nothing found, but a check could not
    tell), no, or no with what blocks every report (a critical finding that stops every sync)."""
    if verdict.exports_cleanly:
        return "yes" if verdict.verified else cell(verdict.unverified_text())
    return f"no: {cell(verdict.blocked_text())}" if verdict.blocked_by else "no"


def _verdicts(result: AuditResult) -> list[str]:
    if not result.report_verdicts:
        return []
    lines = ["", "## Pending reports", "", "| Report | Employee | Exports cleanly | Codes |", "|---|---|---|---|"]
    lines += [f"| {cell(v.report_id)} | {cell(v.employee)} | {_exports(v)} "
              f"| {cell(', '.join(v.codes) or 'none')} |" for v in result.report_verdicts]
    return lines


def _muted(report: Compliance) -> list[str]:
    if not report.muted:
        return []
    lines = ["", "## Muted findings", "", "| Code | Subject | Owner | Reason | Expires |", "|---|---|---|---|---|"]
    lines += [f"| {cell(m.code)} | {cell(m.subject)} | {cell(m.owner)} | {cell(m.reason)} | {cell(m.expires)} |"
              for m in report.muted]
    return lines


SIGN_OFF = (
    "", "## Review and sign-off", "",
    "| | |", "|---|---|",
    "| Reviewed by (name) | &nbsp; |", "| Role or title | &nbsp; |", "| Date | &nbsp; |",
    "| Signature | &nbsp; |", "| Comments | &nbsp; |",
)


def render_markdown(result: AuditResult, color: bool = False) -> str:
    """The compliance report as GitHub-flavoured Markdown; ``color`` is ignored."""
    report = build_compliance(result)
    lines = [
        f"# {report.title}",
        "",
        inline(report.subtitle),
        "",
        f"**{inline(report.result_sentence)}**",
        *(["", f"**{inline(report.not_run_note)}**"] if report.not_run_note else []),
        "",
        "Contents: [About this audit](#about-this-audit) · [Summary](#summary) · "
        "[Scope and limitations](#scope-and-limitations) · [Findings by severity](#findings-by-severity) · "
        "[Review and sign-off](#review-and-sign-off)",
        "",
        *_about(report),
        "",
        *_summary(result, report),
        "",
        *_scope(report),
        "",
        *_findings(report),
    ]
    lines += _permissions(result)
    lines += _verdicts(result)
    lines += _muted(report)
    if report.passed:
        lines += ["", "## Checks passed", "", f"{len(report.passed)}: " + ", ".join(_code(c) for c in report.passed)]
    lines += SIGN_OFF
    lines += ["", f"<sub>nsaudit {report.version} · snapshot SHA-256 {_code(report.snapshot_sha256)}</sub>"]
    return "\n".join(lines) + "\n"
