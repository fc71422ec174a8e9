"""Human output, most important first.

1. The verdict: what the exit code means, in words, and the counts (checks apart from findings).
2. "Fix these first": the critical findings, those that stop every sync (login, token role, a
   permission or query the sync needs), in full: evidence and fix steps. When the login failed, the
   login finding is the only detailed one and the checks it kept from running are one line.
3. Every other finding by severity, then code (one heading per code, or per check when a finding
   has no code): one line each by default, in full with ``verbose``.
4. "Check by hand": UNVERIFIABLE findings, each distinct manual step printed once with the list of
   items it applies to.
5. Muted findings, pending-report verdicts, passed and not-run checks, and the summary again.

The default stays within a screen or two for a typical account (the demo: at most ``DEMO_BUDGET``
lines at 80 columns, every FAIL named); ``verbose`` shows everything. Text wraps at the width given
(the terminal's, else 80 columns) and is never cut: a message wraps under itself.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import assert_never

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.audit.verdicts import SHOWN_LINES, listed_verdicts
from netsuite_audit.render import unverified_actions
from netsuite_audit.render.values import evidence_line, subject_text
from netsuite_audit.result import (
    NEEDS_INPUTS,
    AuditResult,
    Outcome,
    RunVerdict,
    check_counts,
    not_run_note,
)

DEMO_BUDGET = 150  # lines of default text output for `nsaudit run --demo` at 80 columns, at most
LOGIN_BUDGET = 60  # lines of default text output for a failed login at 80 columns, at most
MAX_ITEMS = 12  # items listed after a shared manual step, or checks named in one line, before "and N more"

_STATUS_STYLE = {
    Status.FAIL: ("FAIL", "bold red"),
    Status.WARN: ("WARN", "bold yellow"),
    Status.UNVERIFIABLE: ("UNVERIFIABLE", "bold magenta"),
    Status.ERROR: ("ERROR", "bold red reverse"),
    Status.MUTED: ("MUTED", "dim"),
    Status.PASS: ("PASS", "green"),
}
_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.WARN: 2, Status.UNVERIFIABLE: 3, Status.MUTED: 4,
          Status.PASS: 5}
_OPEN = (Status.ERROR, Status.FAIL, Status.WARN)
_SEVERITY_ORDER = sorted(Severity, key=lambda s: -s.rank)

TitleLookup = Callable[[str], str | None]

# The severity scale (README, "Severity"): what a finding of each severity stops.
MEANING = {
    Severity.CRITICAL: "every sync stops",
    Severity.HIGH: "exports fail for some reports",
    Severity.MEDIUM: "some lines or a later step fail",
    Severity.LOW: "hygiene",
    Severity.INFO: "for information",
}


# ---- counts and verdict (shared with Markdown and HTML) ------------------------------------------------
def counts_line(result: AuditResult) -> str:
    """``42 checks: 9 passed, 30 failed, 3 not run · 36 findings: 36 FAIL`` (checks apart from findings)."""
    checks = check_counts(result)
    parts = [f"{checks.passed} passed", f"{checks.failed} failed"]
    if checks.informational:
        parts.append(f"{checks.informational} for information")
    if checks.unverifiable:
        parts.append(f"{checks.unverifiable} unverifiable")
    if checks.not_run:
        parts.append(f"{checks.not_run} not run")
    by_status = result.summary.by_status
    open_statuses = [s for s in (Status.ERROR, Status.FAIL, Status.WARN, Status.UNVERIFIABLE)
                     if by_status.get(s.value, 0)]
    findings = sum(by_status.get(s.value, 0) for s in open_statuses)
    line = f"{_plural(checks.total, 'check')}: {', '.join(parts)} · {_plural(findings, 'finding')}"
    if open_statuses:
        line += ": " + ", ".join(f"{by_status[s.value]:,} {s.value}" for s in open_statuses)
    extra = []
    if by_status.get(Status.MUTED.value, 0):
        extra.append(f"{by_status[Status.MUTED.value]} muted")
    known = sum(1 for f in result.findings if f.baseline)
    if known:
        extra.append(f"{known} known from the baseline")
    return line + (" · " + ", ".join(extra) if extra else "")


def verdict_line(verdict: RunVerdict) -> str:
    """The run's verdict with its exit code, in words: ``Result: 36 findings need action (exit 1: at or above low)``."""
    fail_on, code = verdict.fail_on.value, verdict.exit_code
    match verdict.outcome:
        case Outcome.NOT_AUDITED:
            if verdict.unreachable is not None:
                return (f"Result: could not audit: NetSuite could not be reached, so nothing was read; not a "
                        f"login problem (exit {code})")
            return f"Result: could not audit: the login failed, so the account was not read (exit {code})"
        case Outcome.INCOMPLETE:
            return f"Result: could not audit completely: {incomplete_reason(verdict)} (exit {code})"
        case Outcome.ACTION:
            count = verdict.need_action
            return (f"Result: {_plural(count, 'finding')} {'needs' if count == 1 else 'need'} action "
                    f"(exit {code}: at or above {fail_on})")
        case Outcome.CLEAN:
            return f"Result: nothing needs action at or above {fail_on} (exit {code})"
    assert_never(verdict.outcome)


def verdict_style(verdict: RunVerdict) -> str:
    return "bold green" if verdict.outcome is Outcome.CLEAN else "bold red"


def incomplete_reason(verdict: RunVerdict) -> str:
    """Why a run whose login worked still could not audit everything (exit 3), in words."""
    reasons = []
    if verdict.nothing_ran:
        reasons.append("none of the selected checks could run (see Not run)")
    if verdict.broken:
        reasons.append(f"{_plural(verdict.broken, 'check')} broke")
    if verdict.read_failures:
        reasons.append("some reads failed on the way (network, timeout or server)")
    if not reasons:
        reasons.append("checks whose verdict was asked for could not be verified or were not run")
    return "; ".join(reasons)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


# ---- grouping ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    key: str  # the NS code, or the check id when the findings have no code
    title: str
    severity: Severity
    findings: tuple[Finding, ...]


def group_findings(findings: Iterable[Finding], result: AuditResult, code_title: TitleLookup | None) -> list[Group]:
    """One group per NS code (or per check when there is no code), worst severity first, then by code."""
    titles = {c.id: c.title for c in result.checks}
    by_key: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_key[finding.code or finding.check_id].append(finding)
    groups = []
    for key, items in by_key.items():
        items.sort(key=lambda f: (-f.severity.rank, _ORDER[f.status], f.id))
        title = (code_title(key) if code_title and items[0].code else None) \
            or titles.get(items[0].check_id) or items[0].title
        groups.append(Group(key, title, items[0].severity, tuple(items)))
    groups.sort(key=lambda g: (-g.severity.rank, min(_ORDER[f.status] for f in g.findings), g.key))
    return groups


@dataclass(frozen=True)
class ManualStep:
    steps: tuple[str, ...]
    missing: str | None
    items: tuple[str, ...]
    codes: tuple[str, ...]


def manual_steps(findings: Iterable[Finding]) -> list[ManualStep]:
    """UNVERIFIABLE findings that share their manual steps, merged: the steps once, then the items."""
    merged: dict[tuple[tuple[str, ...], str | None], list[Finding]] = defaultdict(list)
    for finding in findings:
        merged[(finding.manual or finding.fix, finding.missing)].append(finding)
    out = []
    for (steps, missing), items in merged.items():
        items.sort(key=lambda f: (-f.severity.rank, f.code or "", f.id))
        out.append(ManualStep(steps=steps, missing=missing, items=tuple(_item(f) for f in items),
                              codes=tuple(dict.fromkeys(f.code or f.check_id for f in items))))
    out.sort(key=lambda m: -len(m.items))
    return out


def _item(finding: Finding) -> str:
    subject = subject_text(finding)
    name = finding.title if subject == "account" else subject
    return f"{name} ({finding.code})" if finding.code else name


def listed(items: Sequence[str], limit: int | None, more: str = "more", sep: str = ", ") -> str:
    if limit is None or len(items) <= limit:
        return sep.join(items)
    return sep.join([*items[:limit], f"and {len(items) - limit:,} {more}"])


# ---- printing ---------------------------------------------------------------------------------------------
class _Printer:
    def __init__(self, console: Console, width: int, verbose: bool, code_title: TitleLookup | None,
                 result: AuditResult) -> None:
        self.console, self.width, self.verbose, self.code_title, self.result = (
            console, width, verbose, code_title, result)

    def heading(self, text: str, style: str = "bold") -> None:
        self.console.print()
        self.console.print(Text(text, style=style))

    def group_heading(self, group: Group) -> None:
        line = Text.assemble(("  " + group.key, "bold"), "  ", group.title, ("  (" + group.severity.value + ")", "dim"))
        self.console.print(line)

    def detailed(self, finding: Finding) -> None:
        """A finding in full: message, fix steps (evidence with ``verbose``). Without ``verbose`` the
        closing "Then ... Sync Now" step is left to one line under the section (:meth:`sync_note`)."""
        label, style = _STATUS_STYLE[finding.status]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=len(label), no_wrap=True)
        grid.add_column(ratio=1)
        subject = subject_text(finding)
        grid.add_row(Text(label, style=style),
                     Text.assemble((subject + ": ", "bold") if subject != "account" else "", finding.message))
        evidence = evidence_line(finding) if self.verbose else None
        if evidence:
            grid.add_row("", Text(evidence, style="dim"))
        if finding.missing:
            grid.add_row("", Text.assemble(("missing: ", "magenta"), finding.missing))
        steps = self.steps(finding)
        if finding.status != Status.PASS and steps:
            grid.add_row("", Text("fix:" if finding.fix else "check by hand:", style="bold"))
            steps_grid = Table.grid(padding=(0, 1))
            steps_grid.add_column(width=3, justify="right", no_wrap=True)
            steps_grid.add_column(ratio=1)
            for number, step in enumerate(steps, start=1):
                steps_grid.add_row(f"{number}.", Text(step))
            grid.add_row("", steps_grid)
        if finding.mute:
            grid.add_row("", Text(_mute_text(finding), style="dim"))
        if finding.baseline:
            grid.add_row("", Text("known from the baseline: does not count toward the exit code", style="dim"))
        self.console.print(Padding(grid, (0, 0, 0, 4)))

    sync_left_out = False

    def sync_note(self) -> None:
        """Once under a section whose fix steps left out their closing Sync Now step."""
        if self.sync_left_out:
            self.console.print(Padding(Text("After each fix: Sync Now in the workspace (Accounting, the three-dot "
                                            "menu beside the NetSuite connection), then export again.",
                                            style="bold"), (0, 0, 0, 2)))
            self.sync_left_out = False

    def brief_groups(self, groups: Sequence[Group], with_fix: bool = False) -> None:
        """One entry per finding under the code (or check) it belongs to; the code is named once. The
        message wraps under itself (rich's wrapping), never cut, so the hint that explains a finding
        (``Closest: Northwind US``) stays with it. An info finding is one line: its title. ``with_fix``
        adds the fix steps (or the steps to check by hand) as one paragraph under the message."""
        info: list[Finding] = []
        if not self.verbose:  # info findings leave their groups for one line each, after the rest
            kept = []
            for group in groups:
                info += [f for f in group.findings if f.severity == Severity.INFO]
                main = tuple(f for f in group.findings if f.severity != Severity.INFO)
                if main:
                    kept.append(Group(group.key, group.title, group.severity, main))
            groups = kept
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=min(max((len(g.key) for g in groups), default=6), 16))
        grid.add_column(no_wrap=True, min_width=4)
        grid.add_column(ratio=1)
        for group in groups:
            for index, finding in enumerate(group.findings):
                label, style = _STATUS_STYLE[finding.status]
                known = ("(known from the baseline) ", "dim") if finding.baseline else ""
                message = Text(finding.message)
                grid.add_row(Text(group.key if index == 0 else "", style="bold"), Text(label, style=style),
                             Text.assemble(known, message))
                if with_fix:
                    steps = self.steps(finding)
                    if steps:
                        grid.add_row("", "", Text.assemble(
                            ("fix: " if finding.fix else "check by hand: ", "bold"),
                            " ".join(f"{n}) {step}" for n, step in enumerate(steps, start=1))))
        if groups:
            self.console.print(Padding(grid, (0, 0, 0, 2)))
        for finding in info:  # one line each: the check's title (--verbose has the rest)
            label, style = _STATUS_STYLE[finding.status]
            self.console.print(Text.assemble("  ", (label, style), " ", finding.title))

    def steps(self, finding: Finding) -> list[str]:
        """The finding's fix steps (else its steps to check by hand); without ``verbose`` the closing
        "Then ... Sync Now" step is left to one line under the section (:meth:`sync_note`)."""
        steps = list(finding.fix) + ([] if finding.fix else list(finding.manual))
        if not self.verbose and len(steps) > 1 and _is_sync_step(steps[-1]):
            steps.pop()
            self.sync_left_out = True
        return steps

    def groups(self, groups: Sequence[Group], detailed: bool) -> None:
        """``detailed``: each finding with its fix steps; in full (title, evidence) with ``verbose``."""
        if not detailed or not self.verbose:
            self.brief_groups(groups, with_fix=detailed)
            return
        for group in groups:
            self.group_heading(group)
            for finding in group.findings:
                self.detailed(finding)

    def manual(self, steps: Sequence[ManualStep]) -> None:
        limit = None if self.verbose else MAX_ITEMS
        for number, step in enumerate(steps, start=1):
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=3, justify="right", no_wrap=True)
            grid.add_column(ratio=1)
            if len(step.items) == 1:  # one item: named in the heading, no "applies to" line
                head = Text(step.items[0], style="bold")
            else:
                head = Text.assemble((f"{len(step.items)} items ", "bold"), f"({', '.join(step.codes)})")
            if step.missing:
                head.append(f" · missing: {step.missing}", style="magenta")
            grid.add_row(f"{number}.", head)
            if step.steps and not self.verbose:  # one paragraph: numbered, as the fix steps are
                grid.add_row("", Text(" ".join(f"{n}) {line}" for n, line in enumerate(step.steps, start=1))))
            for line in step.steps if self.verbose else ():
                grid.add_row("", Text("- " + line))
            if len(step.items) > 1:
                grid.add_row("", Text("applies to: " + listed(step.items, limit), style="dim"))
            self.console.print(Padding(grid, (0, 0, 0, 2)))


def _is_sync_step(step: str) -> bool:
    """A closing "Then ... Sync Now ..." step (audit/remedies.py words them), common to most fixes."""
    return step.startswith("Then") and "Sync Now" in step


def _passed_name(result: AuditResult, check_id: str) -> str:
    """A passed check's id; when another check FAILs with one of its codes, that is said beside it, so a
    passed check never reads as clearing the code (``classification-query (its own part passed; NS0384
    found by role-permissions)``)."""
    codes = next((c.codes for c in result.checks if c.id == check_id), ())
    elsewhere: dict[str, list[str]] = defaultdict(list)
    for f in result.findings:
        if f.code in codes and f.check_id != check_id and f.status in _OPEN and f.check_id not in elsewhere[f.code]:
            elsewhere[f.code].append(f.check_id)
    if not elsewhere:
        return check_id
    said = "; ".join(f"{code} found by {', '.join(others)}" for code, others in sorted(elsewhere.items()))
    return f"{check_id} (its own part passed; {said})"


def _mute_text(finding: Finding) -> str:
    mute = finding.mute or {}
    parts = [f"{k} {mute[k]}" for k in ("owner", "reason", "expires") if mute.get(k)]
    return "muted: " + (", ".join(parts) if parts else "yes")


def _header(result: AuditResult) -> list[Text]:
    """The first lines, each a line of its own so another (the connection kind) fits in: tool, account and
    role; then how the data was read and where it came from (endpoint, live or snapshot)."""
    acct = result.account
    lines = [Text.assemble((f"nsaudit {result.tool.version}", "bold"), f" · account {acct.account_id} "
                           f"({acct.environment})" + (f" · role {acct.role}" if acct.role else ""))]
    if result.login_ok and acct.transport != "none":
        read = f"read over {acct.transport.upper()}"
    elif RunVerdict.of(result).unreachable is not None:
        read = "nothing read (NetSuite not reached)"
    else:
        read = "nothing read (login failed)"
    provenance = result.provenance
    lines.append(Text(f"{read}, {provenance.source_text()}, from {provenance.endpoint_text()}"
                      if provenance is not None else read, style="dim"))
    if (connection := _connection_part(result)):
        lines.append(Text(connection, style="dim"))
    return lines


def _connection_part(result: AuditResult) -> str:
    """``connection audited: OAuth 2.0/REST (workspace, account agrees)``: the kind and how it was decided."""
    conn = result.connection
    if conn is None:
        return ""
    how = "workspace" if conn.decided_by.startswith("The workspace says") else "default"
    how += f", account {conn.agreement_text()}" if conn.agrees is not None else ""
    return f"connection audited: {conn.label} ({how})"


def render_text(result: AuditResult, *, color: bool = True, width: int = 80,
                code_title: TitleLookup | None = None, verbose: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False)
    out = _Printer(console, width, verbose, code_title, result)
    for line in _header(result):
        console.print(line)
    if result.workspace and result.workspace.startswith("Expensify policy "):  # where the workspace came from
        console.print(Text(f"workspace: {result.workspace}"))
    verdict = RunVerdict.of(result)
    console.print(Text(verdict_line(verdict), style=verdict_style(verdict)))
    if result.login_ok:  # after a failed login the counts say little: the summary at the end has them
        console.print(Text(counts_line(result)))
    not_run = not_run_note(result)
    if not_run and any(s.reason in NEEDS_INPUTS for s in result.skipped_checks):  # a partial audit
        console.print(Text(not_run, style="bold yellow"))  # (other checks not run: the counts, "Not run:")
    for warning in result.warnings:
        console.print(Text("warning: " + warning, style="yellow"))

    findings = [f for f in result.findings if f.status not in (Status.PASS, Status.MUTED)]
    unverifiable = [f for f in findings if f.status == Status.UNVERIFIABLE]
    open_findings = [f for f in findings if f.status in _OPEN]
    if not result.login_ok:
        _login_failed(out, result, open_findings, unverifiable)
    else:
        first = [f for f in open_findings if f.severity == Severity.CRITICAL]
        if first:
            out.heading("Fix these first: they stop every sync", "bold red")
            if verbose:
                out.groups(group_findings(first, result, code_title), detailed=True)
                out.sync_note()
            else:  # each in full, without its steps: the whole report stays within a screen or two
                out.brief_groups(group_findings(first, result, code_title))
                out.console.print(Padding(Text("Fix steps: nsaudit run --verbose, or nsaudit explain CODE.",
                                               style="bold"), (0, 0, 0, 2)))
        rest = [f for f in open_findings if f.severity != Severity.CRITICAL]
        for severity in _SEVERITY_ORDER:
            these = [f for f in rest if f.severity == severity]
            if these:
                more = "; --verbose shows them in full" if severity == Severity.INFO and not verbose else ""
                out.heading(f"{'Then these' if first else 'Findings'} ({severity.value}: {MEANING[severity]}{more})")
                out.groups(group_findings(these, result, code_title), detailed=verbose)
        if unverifiable:
            out.heading(f"Could not be verified: {_plural(len(unverifiable), 'item')} to check by hand", "bold magenta")
            if verbose:
                out.groups(group_findings(unverifiable, result, code_title), detailed=True)
            else:
                out.manual(manual_steps(unverifiable))
            actions = unverified_actions.summary_line(unverifiable, named=verbose)  # what the admin can do
            if actions:
                console.print(Padding(Text(actions, style="magenta"), (0, 0, 0, 2)))
    _muted(out, result)
    _reports(out, result)
    passed = list(result.passed_checks())
    if passed:
        console.print()
        console.print(Text.assemble(("Passed", "green"), f" ({_plural(len(passed), 'check')}): ",
                                    ", ".join(_passed_name(result, check) for check in passed)))
    if result.skipped_checks and (result.login_ok or verbose):  # grouped by reason: each reason once
        # (after a failed login the count is on the "could not run" line; --verbose lists them)
        by_reason: dict[str, list[str]] = defaultdict(list)
        for skipped in result.skipped_checks:
            by_reason[skipped.reason].append(skipped.check_id)
        console.print(Text("Not run: " + "; ".join(f"{', '.join(ids)} ({reason})" for reason, ids in by_reason.items()),
                           style="dim"))
    console.print()
    if result.network is not None and (verbose or result.network.refusals):
        console.print(Text("Network: " + result.network.summary(), style="dim"))
    console.print(Text.assemble(("Summary: ", "bold"), counts_line(result),
                                f" · exit {verdict.exit_code} (fail-on {verdict.fail_on.value})"))
    if not verbose and (open_findings or unverifiable):
        console.print(Text("--verbose: every finding's evidence and fix steps · nsaudit explain CODE: a code",
                           style="dim"))
    text = buffer.getvalue()
    if not color:  # rich pads table cells to the full width; plain text (files, CI logs) should not end in spaces
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def _login_failed(out: _Printer, result: AuditResult, open_findings: list[Finding],
                  unverifiable: list[Finding]) -> None:
    """The cause first: NetSuite unreachable (the transport's cause and fix), else the login finding in
    full (whatever its status: the section is never empty); what that kept from running, as one line."""
    login = [f for f in [*open_findings, *unverifiable] if f.check_id == "login"]
    others = [f for f in open_findings if f.check_id != "login"]
    failure = RunVerdict.of(result).unreachable
    if failure is not None:
        out.heading("Could not reach NetSuite: a connection failure, not a login problem", "bold red")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=6, no_wrap=True)
        grid.add_column(ratio=1)
        for cause in failure.causes:
            grid.add_row(Text("cause", style="bold"), Text(cause))
        for number, step in enumerate(failure.fix, start=1):
            grid.add_row(Text("fix" if number == 1 else "", style="bold"), Text(f"{number}. {step}"))
        out.console.print(Padding(grid, (0, 0, 0, 2)))
        why = "NetSuite could not be reached"
    else:
        out.heading("Fix the login first: nothing else can be checked until it works", "bold red")
        out.groups(group_findings(login, result, out.code_title), detailed=True)
        why = "the login failed"
    blocked = list(dict.fromkeys(f.check_id for f in unverifiable if f.check_id != "login"))
    skipped = len(result.skipped_checks)
    if blocked and out.verbose:
        out.console.print()
        out.console.print(Text(f"{_plural(len(blocked), 'check')} could not run because {why} "
                               f"({listed(blocked, None)}).", style="magenta"))
    elif blocked:  # one line, the checks not run for other reasons too (their list waits for --verbose)
        out.console.print()
        more = f", {skipped} not run" if skipped else ""
        out.console.print(Text(f"{_plural(len(blocked), 'check')} could not run ({why}){more} "
                               f"(--verbose lists them).", style="magenta"))
    if others:  # info findings one line each: Oracle's dates are no reason to scroll past the login
        out.heading("Also found without logging in (from the workspace file)")
        out.groups(group_findings(others, result, out.code_title), detailed=out.verbose)


def _muted(out: _Printer, result: AuditResult) -> None:
    muted = [f for f in result.findings if f.status == Status.MUTED]
    if not muted:
        return
    out.heading(f"Muted ({len(muted)}): shown, never counted", "dim")
    for finding in muted:
        line = Text.assemble("    ", (f"{finding.code or finding.check_id}", "bold"), " ", subject_text(finding),
                             ": ", (_mute_text(finding), "dim"))
        out.console.print(line)


def _reports(out: _Printer, result: AuditResult) -> None:
    if not result.report_verdicts:
        return
    verdicts = result.report_verdicts
    blockers = next((v for v in verdicts if v.blocked_by), None)
    if not out.verbose:  # one line per outcome: the failing reports with their codes, then the clean ones
        failing = [v for v in verdicts if not v.exports_cleanly and (v.findings or not v.blocked_by)]
        blocked = [v for v in verdicts if not v.exports_cleanly and not v.findings and v.blocked_by]
        clean = [v for v in verdicts if v.verified]
        unsure = [v for v in verdicts if v.exports_cleanly and not v.verified]  # nothing found, not all judged
        out.heading(f"Pending reports: {len(failing):,} would fail, "
                    + (f"{len(blocked):,} blocked, " if blockers else "") + f"{len(clean):,} export cleanly"
                    + (f", {len(unsure):,} not verified" if unsure else ""))
        if blockers is not None:
            out.console.print(Padding(Text.assemble(("every report is ", "red"), blockers.blocked_text(),
                                                    " (they stop every sync)"), (0, 0, 0, 2)))
        if failing:
            out.console.print(Padding(Text.assemble(("would fail: ", "red"), listed(
                [f"{v.report_id} ({', '.join(v.codes) or 'error'})" for v in failing], MAX_ITEMS, "more reports",
                "; ")), (0, 0, 0, 2)))
        if blocked:
            out.console.print(Padding(Text.assemble(("nothing else found, once unblocked: ", "yellow"),
                                      listed([v.report_id for v in blocked], MAX_ITEMS, "more reports")),
                                      (0, 0, 0, 2)))
        if clean:
            out.console.print(Padding(Text.assemble(("exports cleanly: ", "green"),
                                      listed([v.report_id for v in clean], MAX_ITEMS, "more reports")),
                                      (0, 0, 0, 2)))
        if unsure:
            checks = sorted({c for v in unsure for c in v.unverified})
            out.console.print(Padding(Text.assemble(
                ("not verified (nothing found, but ", "magenta"), listed(checks, MAX_ITEMS, "more checks"),
                (" could not tell): ", "magenta"), listed([v.report_id for v in unsure], MAX_ITEMS, "more reports")),
                (0, 0, 0, 2)))
        return
    out.heading("Pending reports")
    if blockers is not None:
        out.console.print(Padding(Text.assemble(("every report is ", "red"), blockers.blocked_text(),
                                                " (they stop every sync)"), (0, 0, 0, 2)))
    shown, more_failing, more_clean = listed_verdicts(verdicts)  # bounded: 50 reports, 10 lines
    for verdict in shown:
        if not verdict.exports_cleanly and not verdict.findings and verdict.blocked_by:
            out.console.print(f"  [yellow]blocked[/yellow]        {escape(verdict.report_id)} "
                              f"({escape(verdict.employee)}): nothing else found; {verdict.blocked_text()}")
            continue
        if verdict.exports_cleanly and not verdict.verified:
            out.console.print(f"  [magenta]not verified[/magenta]    {escape(verdict.report_id)} "
                              f"({escape(verdict.employee)}): {escape(verdict.unverified_text())}")
            continue
        if verdict.exports_cleanly:
            out.console.print(f"  [green]exports cleanly[/green]  {escape(verdict.report_id)} "
                              f"({escape(verdict.employee)})")
            continue
        where = "; ".join(f"line {lv.line}: {', '.join(lv.codes) or 'error'}" for lv in verdict.lines[:SHOWN_LINES])
        if len(verdict.lines) > SHOWN_LINES:
            where += f"; {len(verdict.lines) - SHOWN_LINES:,} more lines"
        out.console.print(f"  [red]would fail[/red]      {escape(verdict.report_id)} ({escape(verdict.employee)}): "
                          f"{escape(', '.join(verdict.codes))}" + (f" [dim]({escape(where)})[/dim]" if where else ""))
    if more_failing or more_clean:
        out.console.print(f"  [dim]... and {more_failing + more_clean:,} more reports ({more_failing:,} would fail, "
                          f"{more_clean:,} export cleanly): the json and csv outputs list every report[/dim]")


def render_account_brief(result: AuditResult, profile: str, *, color: bool = False, width: int = 80,
                         code_title: TitleLookup | None = None) -> str:
    """One account of a several-account run: its verdict, counts and each finding on one line."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False)
    out = _Printer(console, width, False, code_title, result)
    acct = result.account
    console.print(Text.assemble((f"[{profile}]", "bold"), f" account {acct.account_id} ({acct.environment})"))
    verdict = RunVerdict.of(result)
    console.print(Text(verdict_line(verdict), style=verdict_style(verdict)))
    console.print(Text(counts_line(result)))
    findings = [f for f in result.findings if f.status not in (Status.PASS, Status.MUTED)]
    open_findings = [f for f in findings if f.status in _OPEN]
    failure = verdict.unreachable
    if failure is not None:  # the cause, not a login problem
        console.print(Padding(Text("could not reach NetSuite: " + "; ".join(failure.causes), style="red"),
                              (0, 0, 0, 2)))
        open_findings = [f for f in open_findings if f.check_id != "login"]
    elif not result.login_ok:
        open_findings = [f for f in open_findings if f.check_id == "login"] or open_findings
    out.brief_groups(group_findings(open_findings, result, code_title))
    unverifiable = [f for f in findings if f.status == Status.UNVERIFIABLE]
    if unverifiable:
        console.print(Text(f"  and {_plural(len(unverifiable), 'item')} to check by hand "
                           f"(nsaudit run --profile {profile} lists them)", style="magenta"))
    console.print()
    text = buffer.getvalue()
    if not color:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text
