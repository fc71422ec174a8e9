"""NS0748: the integration never sends a rate, so a category in use must not require one."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="category-rate-required",
    codes=("NS0748",),
    severity=Severity.HIGH,
    title="Expense categories in use do not require a rate",
    description=(
        "Exports carry an amount but never a rate, so an expense category with 'Rate is Required' "
        "ticked rejects every expense coded to it. Checked for the categories the workspace enables "
        "and the pending report lines use."
    ),
    # UNCERTAIN: the SuiteQL column name (records.ExpenseCategory.raterequired; ODBC: rate_required).
    reads=("expensecategory",),
    columns=("expensecategory.raterequired",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "categories"),
    needs_workspace=True,
)


def check(ctx: Context) -> Iterator[Finding]:
    uses = lookups.enabled_categories(ctx)
    for ref in uses:
        category = ctx.resolve("expensecategory", ref)
        if category is None or not category.raterequired:
            continue  # a missing category is category-active's finding (NS0045)
        name = category.name or f"#{category.id}"
        yield ctx.fail(
            f"The selected expense category requires a rate in NetSuite: {name} has 'Rate is Required' "
            "ticked, and exports never include a rate.",
            subject=Subject(kind="expensecategory", id=str(category.id), name=name),
            evidence={"internal_id": category.id, "raterequired": True, "used_by": uses[ref]},
            fix=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name} and clear "
                 "'Rate is Required'.", remedies.SYNC_STEP),
        )
