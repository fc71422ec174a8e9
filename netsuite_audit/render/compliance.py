"""What the compliance report says, computed once for the HTML page and the Markdown that mirrors it.

Written for an auditor, not a CI log: who and what was audited, by whom and when, the result in
words, what the audit covered and what it could not verify (so it does not overstate assurance),
the findings by severity then code with readable evidence, and a sign-off block. It never shows a
path on the machine that ran it (only file names) and never a Python or JSON repr.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import assert_never

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.render.text import (
    MEANING,
    ManualStep,
    counts_line,
    incomplete_reason,
    manual_steps,
)
from netsuite_audit.render.values import evidence_items, subject_text
from netsuite_audit.result import AuditResult, CheckCounts, Outcome, RunVerdict, check_counts, not_run_note

MAX_PER_CODE = 200  # findings shown per code; the rest are counted (the JSON and CSV have them all)
_OPEN = (Status.ERROR, Status.FAIL, Status.WARN)
_STATUS_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    mono: bool = False


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
    baseline: bool


@dataclass(frozen=True)
class CodeGroup:
    anchor: str
    code: str
    title: str
    findings: tuple[FindingView, ...]
    hidden: int


@dataclass(frozen=True)
class SeveritySection:
    anchor: str
    severity: str
    meaning: str
    count: int
    groups: tuple[CodeGroup, ...]


@dataclass(frozen=True)
class Unverified:
    why: str
    count: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class NotRun:
    check: str
    reason: str


@dataclass(frozen=True)
class MutedView:
    code: str
    subject: str
    message: str
    owner: str
    reason: str
    expires: str


@dataclass(frozen=True)
class Compliance:
    title: str
    subtitle: str
    facts: tuple[Fact, ...]
    verdict: RunVerdict  # the run's verdict, decided once; result_sentence and result_class word it
    result_sentence: str
    not_run_note: str | None  # how many checks were not run and why (result.not_run_note)
    result_class: str
    counts: str
    warnings: tuple[str, ...]
    checks: CheckCounts
    checked: tuple[tuple[str, str], ...]  # (check id, title) of every check that ran
    not_run: tuple[NotRun, ...]
    unverified: tuple[Unverified, ...]
    manual: tuple[ManualStep, ...]
    limits: tuple[str, ...]
    sections: tuple[SeveritySection, ...]
    muted: tuple[MutedView, ...]
    passed: tuple[str, ...]
    snapshot_sha256: str
    version: str


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _file_name(value: str | None) -> str | None:
    """Only the file's name: a report never shows where files live on the machine that ran it."""
    if not value:
        return None
    if value == "demo":
        return "the bundled demo workspace"
    return PurePath(value.replace("\\", "/")).name or None


def credential_label(source: str | None, profile: str | None) -> str:
    """Where the token came from, in words, without the profiles file's path."""
    if not source:
        return "not recorded"
    if source == "env":
        return "environment variables"
    if source.startswith("profile:"):
        return f"profile {profile or source.split(':', 1)[1].split(' ', 1)[0]} (profiles file)"
    if source.startswith("keyring:"):
        return f"profile {profile or source.split(':', 1)[1].split(' ', 1)[0]} (secrets in the OS keyring)"
    if source.startswith("demo"):
        return "the bundled demo account (simulated)"
    return _file_name(source) or source


def result_sentence(verdict: RunVerdict) -> str:
    """The run's verdict in words, without exit codes: ``Result: 36 findings need action``."""
    fail_on = verdict.fail_on.value
    match verdict.outcome:
        case Outcome.NOT_AUDITED:
            if verdict.unreachable is not None:
                return ("Result: not audited. NetSuite could not be reached (a connection failure, not a login "
                        "problem): " + "; ".join(verdict.unreachable.causes))
            return "Result: not audited. The integration's login did not succeed, so the account could not be read"
        case Outcome.INCOMPLETE:
            return f"Result: audit incomplete: {incomplete_reason(verdict)}; see Scope and limitations"
        case Outcome.ACTION:
            count = verdict.need_action
            noun = "finding needs" if count == 1 else "findings need"
            return f"Result: {count} {noun} action" + (f" (severity {fail_on} or above)" if fail_on != "low" else "")
        case Outcome.CLEAN:
            return f"Result: no finding needs action at severity {fail_on} or above"
    assert_never(verdict.outcome)


# The page's style for each verdict (report.html.j2: .result.ok, .result.action, .result.incomplete).
RESULT_CLASS = {Outcome.CLEAN: "ok", Outcome.ACTION: "action", Outcome.INCOMPLETE: "incomplete",
                Outcome.NOT_AUDITED: "incomplete"}


def _facts(result: AuditResult) -> tuple[Fact, ...]:
    acct = result.account
    facts = [
        Fact("Company", acct.company or "not read (the top-level subsidiary was not available)"),
        Fact("NetSuite account", acct.account_id, mono=True),
        Fact("Environment", acct.environment),
        Fact("Workspace", result.workspace_name or "not named in the workspace description"),
        Fact("Integration role", acct.role or "not stated in the workspace description"),
        Fact("Credentials", credential_label(acct.credential_source, acct.profile)),
    ]
    if acct.audit_profile:
        facts.append(Fact("Role permissions read with", f"profile {acct.audit_profile}"))
    facts += [
        Fact("Login", "succeeded" + (f", read over {acct.transport.upper()}" if acct.transport != "none" else "")
             if result.login_ok else "did not succeed; nothing was read"),
        Fact("Run by", result.run_by or "not recorded"),
        *_provenance_facts(result),
        *_connection_facts(result),
        Fact("Audit started" if _from_snapshot(result) else "Started", _stamp(result.started_at)),
        Fact("Finished", f"{_stamp(result.finished_at)} "
                         f"({max((result.finished_at - result.started_at).total_seconds(), 0.0):.1f} s)"),
        Fact("Tool", f"nsaudit {result.tool.version} (result schema {result.schema_version})"),
        Fact("Threshold", f"findings of severity {result.selection.fail_on.value} or above need action"
                          + (", and every check must be verifiable (strict)" if result.selection.strict else "")),
    ]
    inputs = [(label, _file_name(value)) for label, value in (
        ("Workspace description", result.workspace), ("Pending reports", result.reports),
        ("Mutes", result.selection.mutes), ("Baseline", result.selection.baseline))]
    facts += [Fact(label, name) for label, name in inputs if name]
    facts.append(Fact("Snapshot SHA-256", result.snapshot_sha256, mono=True))
    return tuple(facts)


def _from_snapshot(result: AuditResult) -> bool:
    return result.provenance is not None and result.provenance.snapshot is not None


def _provenance_facts(result: AuditResult) -> list[Fact]:
    """Where the data came from: the endpoint (marked when not NetSuite's own host), live or snapshot, and
    for a snapshot its file, digest and when and by which nsaudit it was collected."""
    provenance = result.provenance
    if provenance is None:
        return [Fact("Data source", "not recorded (a result written before nsaudit recorded it)")]
    facts = [Fact("Endpoint", provenance.endpoint_text(), mono=True)]
    snap = provenance.snapshot
    if snap is None:
        facts.append(Fact("Data source", "read live from the endpoint during this run"))
        return facts
    facts += [
        Fact("Data source", f"saved snapshot {_file_name(snap.file)} (audited offline; not read during this run)"),
        Fact("Snapshot collected", (_stamp(snap.collected_at) if snap.collected_at else "unknown")
             + f" by {snap.collected_by or 'an unknown nsaudit version'}"),
    ]
    return facts


def _connection_facts(result: AuditResult) -> list[Fact]:
    """Which Expensify connection was audited (its kind in words), how that was decided, and what the account
    showed about it: whether it agrees with that kind, DISAGREES, or could not tell."""
    conn = result.connection
    if conn is None:
        return [Fact("Connection audited", "not recorded (a result written before nsaudit recorded it)")]
    return [
        Fact("Connection audited", conn.kind_text()),
        Fact("Connection decided by", conn.decided_by),
        Fact("What the account shows", f"{conn.agreement_text()}: {conn.account or 'nothing recorded'}"),
    ]


def _view(finding: Finding) -> FindingView:
    return FindingView(
        id=finding.id, status=finding.status.value, severity=finding.severity.value, check_id=finding.check_id,
        subject=subject_text(finding), message=finding.message, evidence=tuple(evidence_items(finding)),
        steps=finding.fix or finding.manual, steps_label="Fix" if finding.fix else "Check by hand",
        baseline=finding.baseline,
    )


def _code_title(code: str) -> str | None:
    try:
        from netsuite_audit.catalog.model import load_catalog

        return load_catalog().get(code).title
    except Exception:
        return None


def _sections(result: AuditResult) -> tuple[SeveritySection, ...]:
    titles = {c.id: c.title for c in result.checks}
    by_severity: dict[Severity, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in result.findings:
        if finding.status in _OPEN:
            by_severity[finding.severity][finding.code or finding.check_id].append(finding)
    sections = []
    for severity in sorted(by_severity, key=lambda s: -s.rank):
        groups = []
        for key in sorted(by_severity[severity]):
            items = sorted(by_severity[severity][key], key=lambda f: (_STATUS_ORDER[f.status], f.id))
            title = (_code_title(key) if items[0].code else None) or titles.get(items[0].check_id) or items[0].title
            groups.append(CodeGroup(anchor=f"{severity.value}-{key}".lower(), code=key, title=title,
                                    findings=tuple(_view(f) for f in items[:MAX_PER_CODE]),
                                    hidden=max(len(items) - MAX_PER_CODE, 0)))
        count = sum(len(g.findings) + g.hidden for g in groups)
        sections.append(SeveritySection(anchor=f"severity-{severity.value}", severity=severity.value,
                                        meaning=MEANING[severity], count=count, groups=tuple(groups)))
    return tuple(sections)


def _unverified(result: AuditResult) -> tuple[Unverified, ...]:
    by_why: dict[str, list[str]] = defaultdict(list)
    for finding in result.findings:
        if finding.status == Status.UNVERIFIABLE:
            why = finding.missing or "the data it needs could not be read"
            label = subject_text(finding)
            by_why[why].append(f"{finding.code or finding.check_id}: {label}" if label != "account"
                               else f"{finding.code or finding.check_id}: {finding.title}")
    return tuple(Unverified(why=why, count=len(items), items=tuple(items))
                 for why, items in sorted(by_why.items(), key=lambda kv: -len(kv[1])))


def _limits(result: AuditResult) -> tuple[str, ...]:
    limits = [
        "nsaudit read the account with the integration's own token and never wrote to it; each finding "
        "predicts an error the integration would meet, from the configuration as read at the time above.",
        "Settings no NetSuite API exposes come from the workspace description, as recorded by the person "
        "named in it; they are only as current as that record.",
    ]
    if result.connection is not None and result.connection.kind == "oauth2-rest":
        limits.append("The Expensify connection uses OAuth 2.0 over REST: nsaudit logged in with its own credentials "
                      "for the connection's user and role, which cannot show Expensify's consent grant, the state "
                      "of its integration record or whether its refresh token is valid.")
    if not any(row.actual for row in result.permissions):
        limits.append("The integration role's exact permission levels were not read (that needs an admin "
                      "token); levels nsaudit could not prove are listed under Could not be verified.")
    if not result.login_ok:
        why = ("NetSuite could not be reached" if RunVerdict.of(result).unreachable is not None
               else "The login failed")
        limits.append(f"{why}, so no NetSuite data was read: only the workspace description was "
                      "checked, and every check that needs the account is listed as not verified.")
    return tuple(limits)


def _muted(result: AuditResult) -> tuple[MutedView, ...]:
    out = []
    for finding in result.findings:
        if finding.status != Status.MUTED:
            continue
        mute = finding.mute or {}
        out.append(MutedView(code=finding.code or finding.check_id, subject=subject_text(finding),
                             message=finding.message,
                             owner=str(mute.get("owner") or mute.get("by") or "not recorded"),
                             reason=str(mute.get("reason") or "none given"),
                             expires=str(mute.get("expires") or "never")))
    return tuple(out)


def build_compliance(result: AuditResult) -> Compliance:
    acct = result.account
    who = acct.company or f"account {acct.account_id}"
    skipped = {s.check_id for s in result.skipped_checks}
    verdict = RunVerdict.of(result)
    return Compliance(
        title="NetSuite integration audit",
        subtitle=f"{who} · account {acct.account_id} ({acct.environment})"
                 + (f" · workspace {result.workspace_name}" if result.workspace_name else "")
                 + f" · {_stamp(result.finished_at)}",
        facts=_facts(result),
        verdict=verdict,
        result_sentence=result_sentence(verdict),
        not_run_note=not_run_note(result),
        result_class=RESULT_CLASS[verdict.outcome],
        counts=counts_line(result),
        warnings=result.warnings,
        checks=check_counts(result),
        checked=tuple((c.id, c.title) for c in result.checks if c.id not in skipped),
        not_run=tuple(NotRun(s.check_id, s.reason) for s in result.skipped_checks),
        unverified=_unverified(result),
        manual=tuple(manual_steps(f for f in result.findings if f.status == Status.UNVERIFIABLE)),
        limits=_limits(result),
        sections=_sections(result),
        muted=_muted(result),
        passed=result.passed_checks(),
        snapshot_sha256=result.snapshot_sha256,
        version=result.tool.version,
    )
