"""NS0728: each customer used on an export is active and available to the subsidiary it posts in."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.netsuite.records import Customer

META = CheckMeta(
    id="customer-subsidiary",
    codes=("NS0728",),
    severity=Severity.HIGH,
    title="Customers used for expenses belong to the export subsidiary",
    description=(
        "Each customer enabled as a workspace tag or set on a pending report line must exist, be active, "
        "and be assigned to the workspace subsidiary (or, without one, to the submitter's subsidiary) as its primary "
        "subsidiary or through its subsidiary list. Customers from other subsidiaries are only accepted "
        "when Cross-Subsidiary Customers/Projects is on in the workspace and Intercompany Time and Expense "
        "is enabled in NetSuite."
    ),
    reads=("customer",),
    optional_reads=("customersubsidiaryrelationship", "subsidiary", "employee"),
    columns=("customer.subsidiary", "customer.isinactive"),
    # without them only report lines whose subsidiary comes from the submitter (no workspace subsidiary)
    # are unknown: UNVERIFIABLE for those lines, the rest judged
    partial_columns=("employee.email", "employee.subsidiary", "employee.isinactive"),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "customers", "subsidiary"),
    judges=("workspace", "reports"),
)

# Where a customer is used: a text ("workspace tag"), or a report line as (report id, line number),
# worded only when a finding names it (a large account has a use per report line).
Where = str | int  # a workspace tag, or a line of the shared index


def _where(targets: dict[int | None, list[Where]], index: LineIndex) -> list[str]:
    """Every place a customer is used, worded and sorted, without repeats."""
    return sorted({w if isinstance(w, str) else index.where(w) for places in targets.values() for w in places})


def _uses(ctx: Context, index: LineIndex) -> dict[str, dict[int | None, list[Where]]]:
    """customer reference -> subsidiary it must be usable in -> where it is used (a workspace tag, or a
    shared line number)."""
    ws_sub = lookups.workspace_subsidiary(ctx)
    uses: dict[str, dict[int | None, list[Where]]] = {}
    for ref in ctx.workspace.tags.customers:
        uses.setdefault(lookups.ref_key(ref), {}).setdefault(ws_sub, []).append("workspace tag")
    written = index.values("customer")
    if not written:
        return uses
    if ws_sub is None:  # no workspace subsidiary given: the submitter's own subsidiary decides
        placed = all(ctx.known("employee", c) for c in ("email", "subsidiary", "isinactive"))
        employees = lookups.email_index(ctx, "employee") if placed else None
        subs = []
        for report in index.reports:
            employee = lookups.active_match(employees, report.employee, None) if employees is not None else None
            subs.append(employee.subsidiary if employee is not None else None)
        line_sub = index.per_report(subs)
        for customer, numbers in written.items():
            targets = uses.setdefault(lookups.ref_key(customer), {})
            for g in numbers:
                targets.setdefault(line_sub[g], []).append(g)
    else:
        for customer, numbers in written.items():
            uses.setdefault(lookups.ref_key(customer), {}).setdefault(ws_sub, []).extend(numbers)
    return uses


def check(ctx: Context) -> Iterator[Finding]:
    cross = ctx.workspace.cross_subsidiary
    intercompany = settings.feature(ctx, "INTERCOMPANYTIMEEXPENSE")
    cross_ok = cross and intercompany.on
    tree = SubsidiaryTree(ctx.rows("subsidiary"))
    links: dict[int, set[int]] = {}
    for link in ctx.rows("customersubsidiaryrelationship"):
        links.setdefault(link.entity, set()).add(link.subsidiary)
    links_read = ctx.readable("customersubsidiaryrelationship")
    index = ctx.line_index
    unplaced: list[str] = []  # "customer (where)" used on lines whose subsidiary is unknown
    for ref, targets in _uses(ctx, index).items():
        customer = ctx.resolve("customer", ref)
        if customer is None or customer.isinactive:
            yield _missing_or_inactive(ctx, ref, customer, _where(targets, index))
            continue
        if None in targets and not cross_ok:
            lines = [index.where(w) if isinstance(w, int) else w for w in targets[None]]
            unplaced.append(f"{customer.display_name} ({', '.join(lines[:3])}{' ...' if len(lines) > 3 else ''})")
        if cross_ok:
            continue
        assigned = ({customer.subsidiary} | links.get(customer.id, set())) - {None}
        outside = sorted(s for s in targets if s is not None and s not in assigned)
        if not outside:
            continue
        where = _where(targets, index)
        subject = Subject(kind="customer", id=str(customer.id), name=customer.display_name)
        evidence = {"internal_id": customer.id, "primary_subsidiary": customer.subsidiary,
                    "assigned_subsidiaries": sorted(assigned),
                    "needed_in": outside, "used_by": where, "cross_subsidiary": cross,
                    **intercompany.evidence()}
        names = ", ".join(f"[{tree.name(s)}] (id {s})" for s in outside)
        if not links_read:
            yield ctx.unverifiable(
                f"Customer [{customer.display_name}]'s primary subsidiary is not {names}, and nsaudit could "
                "not read its other subsidiaries to see whether it is assigned there.",
                missing="Lists > Customers (LIST_CUSTJOB) for customersubsidiaryrelationship",
                subject=subject, evidence=evidence,
                manual=(f"In NetSuite open the customer, Subsidiaries subtab, and confirm {names} is listed.",),
            )
            continue
        if cross and not intercompany.known:
            yield ctx.unverifiable(
                f"Not checked: customer [{customer.display_name}] is not assigned to {names}; that works "
                "only while Cross-Subsidiary is on and NetSuite has Intercompany Time and Expense, and "
                "nsaudit could not tell whether that feature is on.",
                subject=subject, evidence=evidence, missing=settings.missing_text("INTERCOMPANYTIMEEXPENSE"),
                manual=settings.manual_step("INTERCOMPANYTIMEEXPENSE"),
            )
            continue
        yield ctx.fail(
            f"Customer [{customer.display_name}] (id {customer.id}) is not assigned to {names}; NetSuite "
            "rejects it as an invalid customer reference for that subsidiary.",
            subject=subject, evidence=evidence, fix=_fix(cross, names),
        )
    yield from _unplaced(ctx, unplaced)


def _unplaced(ctx: Context, unplaced: list[str]) -> Iterator[Finding]:
    if not unplaced:
        return
    cols = ["employee.email", "employee.subsidiary", "employee.isinactive"]
    not_returned = [c for c in cols if ctx.readable("employee") and not ctx.known(*c.split("."))]
    yield ctx.unverifiable(
        "Not checked for these report lines: the workspace names no subsidiary and the submitter's subsidiary "
        "is unknown (" + (f"NetSuite did not return {', '.join(not_returned)}" if not_returned
                          else "no active employee with the submitter's email") + f"): {'; '.join(unplaced)}.",
        missing=(column_missing_text(ctx.snapshot, not_returned) if not_returned
                 else "the submitter's employee record (see employee-match)"),
        manual=(*(column_manual(ctx.snapshot, not_returned) if not_returned else ()),
                "Set the workspace subsidiary in the workspace description (subsidiary = ...), or confirm in "
                "NetSuite that each customer is assigned to the submitter's subsidiary."),
        subject=Subject(kind="subsidiary", id="unknown"), evidence={"customers": unplaced},
    )


def _fix(cross: bool, names: str) -> tuple[str, ...]:
    steps = [f"In NetSuite open the customer (Lists > Relationships > Customers), and on its Subsidiaries "
             f"subtab add {names}; or use a customer that already belongs there."]
    if cross:
        steps.append("Or, since Cross-Subsidiary is on in the workspace, turn on Intercompany Time and "
                     f"Expense in NetSuite ({remedies.ENABLE_FEATURES} > Advanced Features).")
    steps.append(remedies.SYNC_AND_EXPORT_REPORT)
    return tuple(steps)


def _missing_or_inactive(ctx: Context, ref: str, customer: Customer | None, where: list[str]) -> Finding:
    if customer is None:
        return ctx.fail(
            f"Customer [{ref}] does not exist in NetSuite (or this role cannot see it), so NetSuite refuses "
            "it as a customer reference." + hint(ctx.snapshot, "customer", ref),
            subject=Subject(kind="customer", id=ref), evidence={"reference": ref, "used_by": where},
            fix=("Pick a customer that exists in NetSuite, or remove the tag.", remedies.SYNC_AND_EXPORT_REPORT),
        )
    return ctx.fail(
        f"Customer [{customer.display_name}] is inactive, so NetSuite refuses it as a customer reference.",
        subject=Subject(kind="customer", id=str(customer.id), name=customer.display_name),
        evidence={"internal_id": customer.id, "isinactive": True, "used_by": where},
        fix=("In NetSuite clear Inactive on the customer, or code the expenses to an active one.",
             remedies.SYNC_AND_EXPORT_REPORT),
    )
