"""NS0055: the vendor a bill is made out to must carry the bill's currency on its Financial tab."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ExportType
from netsuite_audit.netsuite.permissions import describe_permission

META = CheckMeta(
    id="vendor-currency",
    codes=("NS0055",),
    severity=Severity.HIGH,
    title="Vendors receiving bills accept the report currency",
    description=(
        "For vendor-bill exports, the vendor (the submitter's own vendor for reimbursable bills, the "
        "workspace default or company-card vendor for non-reimbursable ones) must list the workspace "
        "currency, and each pending report's currency, as its primary currency or among its currencies."
    ),
    reads=("vendor", "currency"),
    optional_reads=("vendorcurrencybalance",),
    columns=("vendor.currency",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "vendors", "currency"),
    needs_workspace=True,
)


def _vendors(ctx: Context) -> dict[int, tuple[Any, set[str], list[str]]]:
    """vendor id -> (vendor, currency codes its bills use, why it gets bills)."""
    ws = ctx.workspace
    wanted: dict[int, tuple[Any, set[str], list[str]]] = {}

    def add(vendor: Any, codes: set[str], why: str) -> None:
        entry = wanted.setdefault(vendor.id, (vendor, set(), []))
        entry[1].update(c for c in codes if c)
        entry[2].append(why)

    reports = ctx.reports.reports if ctx.reports else ()
    base = {ws.export.currency} if ws.export.currency else set()
    if ws.export.reimbursable == ExportType.VENDOR_BILL:
        for email in lookups.members(ctx):
            vendor = lookups.match_vendor(ctx, email).active
            if vendor is not None:
                codes = base | {r.currency for r in reports if r.employee == email and r.currency}
                add(vendor, {c for c in codes if c}, f"reimbursable bills of {email}")
    if ws.export.non_reimbursable == ExportType.VENDOR_BILL:
        codes = base | {r.currency for r in reports if r.currency and any(not ln.reimbursable for ln in r.lines)}
        for setting, ref in (("default_vendor", ws.export.default_vendor), ("card_vendor", ws.export.card_vendor)):
            vendor = ctx.resolve("vendor", ref) if ref is not None else None
            if vendor is not None:
                add(vendor, {c for c in codes if c}, f"company-card bills ({setting})")
    return wanted


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []  # "vendor: code" pairs judged usable
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: these vendors list the currencies their bills use: {'; '.join(judged[:10])}"
                      + (f" and {len(judged) - 10} more" if len(judged) > 10 else "") + ".",
                      evidence={"judged": judged})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    restlet = ctx.snapshot.restlet
    if restlet is not None and restlet.features.get("MULTICURRENCY") is False:
        return  # one currency for everything: nothing to add to a vendor
    sublist_read = ctx.readable("vendorcurrencybalance")
    extra: dict[int, set[int]] = {}
    for row in ctx.rows("vendorcurrencybalance"):
        extra.setdefault(row.vendor, set()).add(row.currency)
    names = {c.id: c.symbol or c.name for c in ctx.rows("currency")}
    for vendor, codes, why in _vendors(ctx).values():
        have = {vendor.currency, *extra.get(vendor.id, set())} - {None}
        name = lookups.entity_name(vendor)
        for code in sorted(codes):
            cid = lookups.currency_id(ctx, code)
            if cid is None:
                continue  # an unknown currency code is the currency checks' business (NS0012)
            if cid in have:
                judged.append(f"{name}: {code}")
                continue
            subject = Subject(kind="vendor", id=str(vendor.id), name=name)
            evidence = {"internal_id": vendor.id, "currency": code, "primary_currency": names.get(
                vendor.currency), "currencies": sorted(str(names.get(c, c)) for c in have), "used_for": why}
            if not sublist_read:
                yield ctx.unverifiable(
                    f"Not checked: vendor {name} (#{vendor.id}) has another primary currency than {code}, "
                    "and nsaudit could not read its currency list (vendorcurrencybalance).",
                    missing=describe_permission("LIST_VENDOR"), subject=subject, evidence=evidence,
                    manual=(f"Open the vendor's Financial tab and confirm {code} is in its Currencies list.",),
                )
                continue
            yield ctx.fail(
                f"The vendor doesn't have access to the transaction currency: vendor {name} "
                f"(#{vendor.id}) does not list {code}.",
                subject=subject, evidence=evidence,
                fix=(f"In NetSuite open {remedies.VENDORS} > {name} > Financial tab and add "
                     f"{code} to the Currencies list.", remedies.SYNC_STEP),
            )
