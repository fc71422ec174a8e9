"""NS0988: the 'CA-Zero' tax group exists and is active when Canadian tax or mileage/per diem needs it."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
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
    columns=("subsidiary.country",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("export", "tax"),
    needs_workspace=True,
)

NAME = "CA-Zero"


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _needed_because(ctx: Context) -> list[str]:
    reasons = []
    export = ctx.workspace.export
    if export.tax_enabled and export.mileage_or_per_diem:
        reasons.append("tax is on and mileage or per diem is used")
    sub = settings.workspace_subsidiary(ctx)
    if settings.is_canadian(sub):
        reasons.append(f"the workspace subsidiary [{sub.name if sub else ''}] is Canadian")
    return reasons


def check(ctx: Context) -> Iterator[Finding]:
    reasons = _needed_because(ctx)
    if not reasons:
        return
    groups: list[TaxGroup] = list(ctx.rows("taxitemtaxgroup"))
    exact = [g for g in groups if g.itemid == NAME]
    active = [g for g in exact if not g.isinactive]
    if active:
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
