"""NS0988: the 'CA-Zero' tax group exists and is active when Canadian tax or mileage/per diem needs it."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.netsuite.records import TaxGroup

META = CheckMeta(
    id="ca-zero-tax-group",
    codes=("NS0988",),
    severity=Severity.MEDIUM,
    title="The CA-Zero tax group exists and is active",
    description=(
        "The integration exports mileage and per diem with the tax group named exactly 'CA-Zero'. It "
        "must exist and be active when tax is on and mileage or per diem is used, or when the workspace "
        "subsidiary is Canadian."
    ),
    reads=("taxitemtaxgroup",),
    optional_reads=("subsidiary",),
    # only "the subsidiary is Canadian" needs it: tax with mileage or per diem, or an active CA-Zero, is
    # judged without it; otherwise the check is UNVERIFIABLE naming it
    partial_columns=("subsidiary.country",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("export", "tax"),
    needs_workspace=True,
)

NAME = "CA-Zero"


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _needed_because(ctx: Context) -> tuple[list[str], str | None]:
    """Why CA-Zero is needed, and the workspace subsidiary when whether it is Canadian is unknown (the
    subsidiaries were not read, or their country was not returned)."""
    reasons = []
    export = ctx.workspace.export
    if export.tax_enabled and export.mileage_or_per_diem:
        reasons.append("tax is on and mileage or per diem is used")
    sub = settings.workspace_subsidiary(ctx)
    if ctx.workspace.subsidiary is not None and not ctx.known("subsidiary", "country"):
        return reasons, str(sub.name or sub.id) if sub is not None else str(ctx.workspace.subsidiary)
    if settings.is_canadian(sub):
        reasons.append(f"the workspace subsidiary [{sub.name if sub else ''}] is Canadian")
    return reasons, None


def check(ctx: Context) -> Iterator[Finding]:
    reasons, canadian_unknown = _needed_because(ctx)
    if not reasons and canadian_unknown is None:
        return
    groups: list[TaxGroup] = list(ctx.rows("taxitemtaxgroup"))
    exact = [g for g in groups if g.itemid == NAME]
    active = [g for g in exact if not g.isinactive]
    if active:
        return  # needed or not, nothing fails
    if not reasons:  # missing or inactive, and needed only if the subsidiary is Canadian
        yield _canadian_unknown(ctx, canadian_unknown or "", exact)
        return
    evidence = {"needed_because": reasons}
    fix = (f"In NetSuite go to {remedies.TAX_GROUPS} (Show Inactives) and reactivate the group, or "
           "create it again named exactly CA-Zero.",
           remedies.SYNC_AND_EXPORT)
    if exact:
        group = exact[0]
        yield ctx.fail(
            "The tax group CA-Zero is inactive; mileage and per diem expenses can't be exported without it.",
            subject=Subject(kind="taxgroup", id=str(group.id), name=group.itemid),
            evidence={**evidence, "internal_id": group.id, "isinactive": True}, fix=fix,
        )
        return
    near = [g.itemid for g in groups if g.itemid and _squash(g.itemid) == _squash(NAME)]
    yield ctx.fail(
        "No tax group is named exactly CA-Zero" + (f" ({', '.join(near)} looks renamed)" if near else "")
        + "; mileage and per diem expenses can't be exported without it.",
        subject=Subject(kind="taxgroup", id=NAME), evidence={**evidence, "similar_names": near}, fix=fix,
    )


def _canadian_unknown(ctx: Context, sub: str, exact: list[TaxGroup]) -> Finding:
    state = "is inactive" if exact else "does not exist"
    subject = Subject(kind="taxgroup", id=str(exact[0].id) if exact else NAME, name=NAME)
    what = f"whether the tax group CA-Zero, which {state}, is needed (the workspace subsidiary [{sub}] may be Canadian)"
    if not ctx.readable("subsidiary"):
        return lookups.unreadable(ctx, "subsidiary", what)
    refs = ["subsidiary.country"]
    return ctx.unverifiable(
        f"Not checked: the tax group CA-Zero {state}, which matters only if the workspace subsidiary [{sub}] is "
        f"Canadian, and NetSuite did not return {refs[0]}.",
        subject=subject, missing=column_missing_text(ctx.snapshot, refs), manual=column_manual(ctx.snapshot, refs),
        evidence={"columns_not_returned": refs, "subsidiary": sub},
    )
