"""Human output: findings grouped by NS code, with evidence and fix steps, then a summary line."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.audit.verdicts import SHOWN_LINES, listed_verdicts
from netsuite_audit.result import AuditResult

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

TitleLookup = Callable[[str], str | None]


def _evidence(finding: Finding) -> str:
    parts = []
    if finding.subject:
        name = f" {finding.subject.name}" if finding.subject.name else ""
        parts.append(f"{finding.subject.kind} {finding.subject.id}{name}")
    for key, value in finding.evidence.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        parts.append(f"{key}={value}")
    return " · ".join(parts)


def _print_finding(console: Console, finding: Finding) -> None:
    label, style = _STATUS_STYLE[finding.status]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=12, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(label, style=style), Text(finding.message))
    evidence = _evidence(finding)
    if evidence:
        grid.add_row("", Text(evidence, style="dim"))
    if finding.missing:
        grid.add_row("", Text.assemble(("missing: ", "magenta"), finding.missing))
    steps = list(finding.fix) + ([] if finding.fix else list(finding.manual))
    if finding.status in (Status.FAIL, Status.WARN, Status.UNVERIFIABLE, Status.ERROR) and steps:
        grid.add_row("", Text("fix:" if finding.fix else "check by hand:", style="bold"))
        steps_grid = Table.grid(padding=(0, 1))
        steps_grid.add_column(width=3, justify="right", no_wrap=True)
        steps_grid.add_column(ratio=1)
        for number, step in enumerate(steps, start=1):
            steps_grid.add_row(f"{number}.", Text(step))
        grid.add_row("", steps_grid)
    if finding.mute:
        grid.add_row("", Text(f"muted: {finding.mute}", style="dim"))
    if finding.baseline:
        grid.add_row("", Text("known (baseline): already in the baseline; does not count toward the exit code",
                              style="dim"))
    console.print(Padding(grid, (0, 0, 0, 2)))


def render_text(result: AuditResult, *, color: bool = True, width: int = 100,
                code_title: TitleLookup | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False)
    acct = result.account
    console.print(
        f"[bold]nsaudit {result.tool.version}[/bold] · account {acct.account_id} ({acct.environment}) "
        f"· read over {acct.transport.upper()}"
        + (f" · role {escape(acct.role)}" if acct.role else "")
    )
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.status != Status.PASS:
            groups[finding.code or "(no code)"].append(finding)

    def group_key(code: str) -> tuple[int, int, str]:
        items = groups[code]
        return (min(_ORDER[f.status] for f in items), -max(f.severity.rank for f in items), code)

    for code in sorted(groups, key=group_key):
        items = sorted(groups[code], key=lambda f: (_ORDER[f.status], -f.severity.rank, f.id))
        title = (code_title(code) if code_title and code.startswith("NS") else None) or items[0].title
        severity = max(items, key=lambda f: f.severity.rank).severity.value
        console.print()
        console.print(f"[bold]{escape(code)}[/bold]  {escape(title)}  [dim]({severity})[/dim]")
        for finding in items:
            _print_finding(console, finding)
    if result.report_verdicts:
        console.print()
        console.print("[bold]Pending reports[/bold]")
        shown, more_failing, more_clean = listed_verdicts(result.report_verdicts)
        for verdict in shown:
            if verdict.exports_cleanly:
                note = " (some checks could not verify it)" if verdict.unverified else ""
                console.print(f"  [green]exports cleanly[/green]  {escape(verdict.report_id)} "
                              f"({escape(verdict.employee)}){note}")
                continue
            where = "; ".join(f"line {lv.line}: {', '.join(lv.codes) or 'error'}"
                              for lv in verdict.lines[:SHOWN_LINES])
            if len(verdict.lines) > SHOWN_LINES:
                where += f"; {len(verdict.lines) - SHOWN_LINES:,} more lines"
            console.print(f"  [red]would fail[/red]      {escape(verdict.report_id)} ({escape(verdict.employee)}): "
                          f"{escape(', '.join(verdict.codes))}" + (f" [dim]({escape(where)})[/dim]" if where else ""))
        if more_failing or more_clean:
            console.print(f"  [dim]... and {more_failing + more_clean:,} more reports ({more_failing:,} would fail, "
                          f"{more_clean:,} export cleanly): the json and csv outputs list every report[/dim]")
    unique = list(result.passed_checks())
    if unique:
        console.print()
        console.print(f"[green]Passed[/green] ({len(unique)} checks): " + escape(", ".join(unique)))
    if result.skipped_checks:
        console.print("[dim]Not run: " + escape("; ".join(f"{s.check_id} ({s.reason})"
                                                          for s in result.skipped_checks)) + "[/dim]")
    counts = result.summary.by_status
    shown = " · ".join(f"{counts[s.value]} {s.value}" for s in sorted(Status, key=_ORDER.__getitem__)
                       if counts.get(s.value, 0))
    known = sum(1 for f in result.findings if f.baseline)
    if known:
        shown += f" · {known} known (baseline)"
    console.print()
    console.print(
        f"[bold]Summary:[/bold] {result.summary.checks_run} checks · {shown or 'nothing to report'} "
        f"· exit {result.exit_code} (fail-on {result.selection.fail_on.value})"
    )
    text = buffer.getvalue()
    if not color:  # rich pads table cells to the full width; plain text (files, CI logs) should not end in spaces
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text
