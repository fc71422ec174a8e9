"""NS0320 / NS0079: the export date must land in an open accounting period, or the workspace must be
allowed to post to the next open one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.verdicts import REPORT_LINES
from netsuite_audit.inputs.workspace import ExportDate
from netsuite_audit.netsuite.records import AccountingPeriod

META = CheckMeta(
    id="posting-period",
    codes=("NS0320", "NS0079"),
    severity=Severity.HIGH,
    title="Export dates fall in open accounting periods",
    description=(
        "Works out the date each export will carry (the audit day for 'exported', otherwise the report's "
        "last expense date) and looks up its posting period. A closed or A/P-locked period fails the "
        "export unless 'Export to Next Open Period' is on; with that on, NetSuite must also allow (or "
        "warn about) a transaction date outside the posting period (DATEPERIODMISMATCH)."
    ),
    reads=("accountingperiod",),
    columns=(
        "accountingperiod.startdate", "accountingperiod.enddate", "accountingperiod.closed",
        "accountingperiod.aplocked",
    ),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "periods"),
    needs_workspace=True,
)

PERIOD_PATH = "Setup > Accounting > Manage Accounting Periods"
NEXT_OPEN = ("In the workspace turn on 'Export to Next Open Period' (Export or Advanced settings), or change "
             "the export date option so the date lands in an open period.")
SET_WARN = ("In NetSuite set 'Allow Transaction Date Outside of the Posting Period' to Warn "
            f"({remedies.GENERAL_PREFERENCES}).")


def _posting_periods(ctx: Context) -> list[AccountingPeriod]:
    return sorted(
        (p for p in ctx.rows("accountingperiod")
         if not (p.isyear or p.isquarter or p.isadjust) and p.startdate and p.enddate),
        key=lambda p: p.startdate,
    )


def _blocked(period: AccountingPeriod) -> bool:
    return period.closed or period.aplocked or period.alllocked


def _export_dates(ctx: Context) -> dict[dt.date, list[str]]:
    """Export date -> what exports on it."""
    mode = ctx.workspace.export.date
    if mode == ExportDate.EXPORTED:
        return {settings.audit_date(ctx): ["every export made today (export date option: exported)"]}
    dates: dict[dt.date, list[str]] = {}
    for facts in lookups.report_facts(ctx):
        if facts.last_date is not None:
            dates.setdefault(facts.last_date, []).append(f"report {facts.report.id}")
    return dates


def _reports_dated(ctx: Context, days: set[dt.date]) -> list[str]:
    """Ids of the pending reports whose export date is one of ``days`` (for the per-report verdicts)."""
    if ctx.workspace.export.date == ExportDate.EXPORTED:
        return [r.id for r in ctx.reports.reports] if ctx.reports and settings.audit_date(ctx) in days else []
    return [facts.report.id for facts in lookups.report_facts(ctx)
            if facts.last_date is not None and facts.last_date in days]


def _guessed(ctx: Context) -> Any:
    """With the 'submitted' export date the reports do not say when they were submitted, so the
    last expense date stands in: what follows from it is UNVERIFIABLE, never a guess-WARN."""

    def emit(message: str, *, code: str, fix: tuple[str, ...], **kwargs: Any) -> Finding:
        return ctx.unverifiable(
            f"Not checked: judged on each report's last expense date, {message[0].lower()}{message[1:]} "
            "The export date is the submitted date, which the pending reports do not carry.",
            code=code, missing="the submitted date of each pending report (export date option: submitted)",
            manual=("Look up when each report named here was submitted; if that date falls in a closed or "
                    "locked NetSuite period, " + fix[0][0].lower() + fix[0][1:], *fix[1:]),
            **kwargs,
        )

    return emit


def check(ctx: Context) -> Iterator[Finding]:
    periods = _posting_periods(ctx)
    export = ctx.workspace.export
    pref = settings.preference(ctx, "DATEPERIODMISMATCH")
    policy = settings.date_outside_period_policy(pref)
    approximate = export.date == ExportDate.SUBMITTED
    grouped: dict[int, list[tuple[dt.date, str]]] = {}
    for day, uses in sorted(_export_dates(ctx).items()):
        period = next((p for p in periods if p.startdate <= day <= p.enddate), None)  # type: ignore[operator]
        if period is not None and _blocked(period):
            grouped.setdefault(period.id, []).extend((day, use) for use in uses)
    by_id = {p.id: p for p in periods}
    for period_id, hits in grouped.items():
        period = by_id[period_id]
        later = next((p for p in periods if p.startdate > period.enddate and not _blocked(p)), None)  # type: ignore[operator]
        state = "closed" if period.closed else "locked for A/P"
        subject = Subject(kind="accountingperiod", id=str(period.id), name=period.periodname)
        evidence: dict[str, Any] = {
            "period": period.periodname, "closed": period.closed, "aplocked": period.aplocked,
            "alllocked": period.alllocked, "export_dates": sorted({d.isoformat() for d, _ in hits}),
            "exports": [use for _, use in hits], "export_date_option": export.date.value,
            "export_to_next_open_period": export.export_to_next_open_period,
            "next_open_period": later.periodname if later else None, **pref.evidence(),
            REPORT_LINES: _reports_dated(ctx, {d for d, _ in hits}),
        }
        if approximate:
            evidence["note"] = "submitted dates are not in the pending reports; the last expense date was used"
        what = f"{len(hits)} export(s) dated in {period.periodname}, which is {state}"
        kwargs: dict[str, Any] = {"subject": subject, "evidence": evidence}
        emit = _guessed(ctx) if approximate else ctx.fail
        if not export.export_to_next_open_period or later is None:
            blocks = policy == "disallow"
            code = "NS0079" if blocks and later is not None else "NS0320"
            reason = ("no later period is open" if later is None
                      else "'Export to Next Open Period' is off in the workspace")
            fix = [NEXT_OPEN, f"Or reopen the period in NetSuite ({PERIOD_PATH})."]
            if blocks:
                fix.insert(1, SET_WARN)
            if later is None:
                fix = [f"Open the next accounting period in NetSuite ({PERIOD_PATH}) or reopen this one."]
            yield emit(f"{what}, and {reason}; NetSuite refuses to post into a closed period.",
                       code=code, fix=tuple(fix), **kwargs)
        elif policy == "disallow":
            yield emit(
                f"{what}. The workspace moves such exports to {later.periodname}, but NetSuite disallows a "
                "transaction date outside its posting period, so it refuses them.",
                code="NS0079", fix=(SET_WARN, remedies.SYNC_AND_EXPORT),
                **kwargs,
            )
        elif policy == "unknown":
            yield ctx.unverifiable(
                f"Not checked: {what}. The workspace moves such exports to {later.periodname}, which works "
                "only if NetSuite allows or warns about a date outside the posting period, and nsaudit "
                "could not read that preference.",
                code="NS0079", missing=settings.missing_text("DATEPERIODMISMATCH"),
                manual=(*settings.manual_step("DATEPERIODMISMATCH"), "It must be Warn (or Allow)."),
                **{k: v for k, v in kwargs.items() if k != "severity"},
            )
