"""NS0061 / NS0091: a subsidiary that requires tax needs tax import and a default tax in the workspace."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text

META = CheckMeta(
    id="tax-required",
    codes=("NS0061", "NS0091"),
    severity=Severity.HIGH,
    title="Tax is set up in the workspace when the subsidiary requires it",
    description=(
        "When the workspace subsidiary requires tax (subsidiary preference read by the nsaudit RESTlet, "
        "or any Canadian subsidiary), the workspace must import tax and name a default tax, and pending "
        "report lines should carry a tax code."
    ),
    optional_reads=("subsidiary",),
    # only "any Canadian subsidiary" needs it: a requirement the RESTlet or the workspace states is judged
    # without it; not returned, the country cannot settle the requirement and the check says so
    partial_columns=("subsidiary.country",),
    detection=(Detection.RESTLET, Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "tax"),
    needs_workspace=True,
)

FIX_ENABLE_TAX = (
    "In the workspace open Accounting > Coding (Configure), turn Tax on and pick a default tax.",
    "Choose Sync Now, apply a tax code to each expense on the report, and export again.",
)


def check(ctx: Context) -> Iterator[Finding]:
    sub_id = lookups.workspace_subsidiary(ctx)
    required = settings.tax_required(ctx, sub_id)
    export = ctx.workspace.export
    name = settings.workspace_subsidiary(ctx)
    subject = Subject(kind="subsidiary", id=str(sub_id) if sub_id is not None else "workspace",
                      name=name.name if name else None)
    evidence: dict[str, object] = {
        "subsidiary": sub_id, "tax_required": required.value, "tax_required_source": required.source,
        "tax_enabled": export.tax_enabled, "default_tax": export.default_tax}
    # the country settles the requirement only when it is Canadian; not returned, it settles nothing
    country = [] if required.known or ctx.known("subsidiary", "country") else ["subsidiary.country"]
    if country:
        evidence["columns_not_returned"] = country
    missing = "; ".join(["subsidiary tax preference (nsaudit RESTlet)",
                         *([column_missing_text(ctx.snapshot, country)] if country else [])])
    manual = (f"In NetSuite open {remedies.SUBSIDIARIES}, edit the workspace subsidiary and look "
              "on its tax settings for whether tax is required on transactions.",
              *(column_manual(ctx.snapshot, country)[:1] if country else ()))
    unread = (f" (NetSuite did not return {country[0]}, so whether the subsidiary is Canadian is unknown too)"
              if country else "")
    if export.tax_enabled and export.default_tax:
        if required.on:
            yield from _lines_without_tax(ctx)
        elif not required.known:
            untaxed = _untaxed(ctx)
            if untaxed:  # with every line taxed nothing fails, whatever the requirement
                yield ctx.unverifiable(
                    f"Not checked: {_count(untaxed)} of pending reports ({', '.join(untaxed[:10])}) have no tax "
                    "code, which matters only if the workspace subsidiary requires tax, and nsaudit could not "
                    f"tell whether it does{unread}.",
                    code="NS0061", subject=subject, evidence={**evidence, "lines": untaxed[:10]},
                    missing=missing, manual=(*manual, "If it is, apply a tax code to each of those expenses."),
                )
        return
    if required.off:
        return
    if not required.known:
        yield ctx.unverifiable(
            "Not checked: nsaudit could not tell whether the workspace subsidiary requires tax, and the "
            f"workspace has tax import off or no default tax{unread}.",
            code="NS0061", subject=subject, evidence=evidence, missing=missing,
            manual=(*manual, "If it is, turn Tax on in the workspace and pick a default tax."),
        )
        return
    if not export.tax_enabled:
        yield ctx.fail(
            "The workspace subsidiary requires tax tracking but the workspace does not import tax, so "
            "exports fail ('subsidiary requires tax tracking').",
            code="NS0061", subject=subject, evidence=evidence, fix=FIX_ENABLE_TAX,
        )
    if not export.default_tax:
        yield ctx.fail(
            "The workspace has no default tax while its subsidiary requires tax, so exports fail "
            "('could not find default Tax ID').",
            code="NS0091", subject=Subject(kind="setting", id="export.default_tax"),
            evidence=evidence, fix=FIX_ENABLE_TAX,
        )


def _lines_without_tax(ctx: Context) -> Iterator[Finding]:
    for report in ctx.reports.reports if ctx.reports else ():
        untaxed = [n for n, line in enumerate(report.lines, start=1) if not line.tax]
        if untaxed:
            yield ctx.warn(
                f"Report {report.id} has {len(untaxed)} line(s) without a tax code, which a subsidiary "
                "that requires tax refuses.",
                code="NS0061", severity=Severity.MEDIUM,
                subject=Subject(kind="report", id=report.id, name=report.title),
                evidence={"lines": untaxed, "employee": report.employee},
                fix=("Apply a tax code to each of those expenses (or let the default tax apply), then "
                     "export again.",),
            )


def _untaxed(ctx: Context) -> list[str]:
    """The pending report lines ("<report>/<n>") without a tax code."""
    return [f"{report.id}/{n}" for report in (ctx.reports.reports if ctx.reports else ())
            for n, line in enumerate(report.lines, start=1) if not line.tax]


def _count(lines: list[str]) -> str:
    return "1 line" if len(lines) == 1 else f"{len(lines)} lines"
