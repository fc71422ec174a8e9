"""NS0046: every billable expense carries an active customer or project."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.inputs.workspace import Ref

META = CheckMeta(
    id="billable-coding",
    codes=("NS0046",),
    severity=Severity.HIGH,
    title="Billable expenses are coded to an active customer or project",
    description=(
        "Each billable line of a pending report needs a customer or project, and the one it names must "
        "exist in NetSuite and be active. (Inactive customer and project tags in the workspace itself are "
        "reported by customer-subsidiary and project-active.)"
    ),
    optional_reads=("customer", "job"),
    # not returned: a line's customer or project is still judged to exist, and the lines that do not
    # need the column are judged; only whether the others' records are active is UNVERIFIABLE
    partial_columns=("customer.isinactive", "job.isinactive"),
    detection=(Detection.REPORTS, Detection.NETSUITE_DATA),
    tags=("export", "customers", "projects", "reports"),
    needs_reports=True,
)

_LABELS = {"customer": "customer", "job": "project"}


class _Unknown(str):
    """What a reference needed that nsaudit does not know: an unread table, or ``table.isinactive``."""


def _record_problem(ctx: Context, table: str, ref: Ref) -> str | None:
    """What is wrong with one customer or project reference (a :class:`_Unknown` when that depends on
    what nsaudit does not know); ``None`` when it exists and is active."""
    if not ctx.readable(table):
        return _Unknown(table)
    row = ctx.resolve(table, ref)
    if row is None:
        return f"{_LABELS[table]} [{ref}] not found in NetSuite"
    if not ctx.known(table, "isinactive"):
        return _Unknown(f"{table}.isinactive")
    if row.isinactive:
        return f"{_LABELS[table]} [{lookups.entity_name(row)}] is inactive"
    return None


def _problem(ctx: Context, customer: Ref | None, project: Ref | None,
             known: dict[tuple[str, Ref], str | None]) -> tuple[str | None, tuple[str, ...]]:
    """What is wrong with a billable line coded to this customer and project (``None``: nothing found),
    and what else its verdict needs that nsaudit does not know (nothing once a problem is found)."""
    if customer is None and project is None:
        return "no customer or project", ()
    unknown: list[str] = []
    for table, ref in (("customer", customer), ("job", project)):
        if ref is None:
            continue
        key = (table, ref)
        if key in known:  # the same customers and projects come back on many lines
            found = known[key]
        else:
            found = known[key] = _record_problem(ctx, table, ref)
        if isinstance(found, _Unknown):
            unknown.append(str(found))
        elif found is not None:
            return found, ()
    return None, tuple(unknown)


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    shown = ", ".join(judged[:10]) + (f" and {len(judged) - 10} more" if len(judged) > 10 else "")
    return ctx.passed(
        f"Judged: the {partial.counted({'billable line': len(judged)})} whose coding nsaudit could read "
        f"({shown}) {'is' if len(judged) == 1 else 'are'} coded to an existing, active customer or project.",
        evidence={"judged": len(judged), "lines": judged[:10]})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    unknown: dict[str, list[str]] = {}  # what nsaudit does not know -> the lines ("<report>/<n>") needing it
    known: dict[tuple[str, Ref], str | None] = {}
    answers: dict[tuple[Ref | None, Ref | None], tuple[str | None, tuple[str, ...]]] = {}  # per coding
    for facts in lookups.report_facts(ctx):
        report = facts.report
        problems = {}
        for number in facts.billable:
            line = report.lines[number - 1]
            coded = (line.customer, line.project)
            answer = answers.get(coded)
            if answer is None:
                answer = answers[coded] = _problem(ctx, line.customer, line.project, known)
            problem, needed = answer
            key = f"{report.id}/{number}"
            if problem:
                problems[key] = problem
            elif needed:
                for what in needed:
                    unknown.setdefault(what, []).append(key)
            else:
                judged.append(key)
        if problems:
            listed = "; ".join(f"line {key.rsplit('/', 1)[1]}: {text}" for key, text in problems.items())
            yield ctx.fail(
                f"Report {report.id} has billable expenses NetSuite can't bill to anyone ({listed}).",
                subject=Subject(kind="report", id=report.id, name=report.title),
                evidence={"lines": problems, "employee": report.employee},
                fix=("Code each billable expense to an active customer or project that came from NetSuite "
                     "(not a tag typed by hand), or clear Billable on it.",
                     "If the customer or project was just changed in NetSuite, choose Sync Now in the "
                     "workspace first, then export again."),
            )
    for what, lines in sorted(unknown.items()):
        yield _unknown_part(ctx, what, lines)


def _unknown_part(ctx: Context, what: str, lines: list[str]) -> Finding:
    """UNVERIFIABLE for the billable lines whose verdict needs ``what`` (a table or ``table.isinactive``)."""
    table, _, column = what.partition(".")
    shown = ", ".join(lines[:10]) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    records = f"{_LABELS[table]} records on {partial.counted({'billable line': len(lines)})} ({shown})"
    if not column:
        return lookups.unreadable(ctx, table, f"whether the {records} exist and are active")
    return ctx.unverifiable(
        f"Not checked: NetSuite did not return {what}, so whether the {records} are active is unknown (that "
        "they exist was judged).",
        missing=column_missing_text(ctx.snapshot, [what]), manual=column_manual(ctx.snapshot, [what]),
        subject=Subject(kind="column", id=what), evidence={"columns_not_returned": [what], "lines": lines[:10]},
    )
