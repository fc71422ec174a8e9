"""NS0021: tax groups must point at purchase tax codes. Only a person can check the mapping."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="tax-mapping",
    codes=("NS0021",),
    severity=Severity.MEDIUM,
    title="Tax groups map to purchase tax codes (manual review)",
    description=(
        "When the workspace imports tax, each tax group it uses must be built from purchase tax codes, "
        "not sales ones. nsaudit cannot read the codes inside a tax group, so it reports the review "
        "steps instead of a verdict."
    ),
    optional_reads=("taxitemtaxgroup",),
    detection=(Detection.MANUAL, Detection.WORKSPACE),
    tags=("export", "tax", "manual"),
    needs_workspace=True,
    needs_login=False,
)


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.workspace.export.tax_enabled:
        return
    groups = sorted(g.itemid for g in ctx.rows("taxitemtaxgroup") if g.itemid and not g.isinactive)
    yield ctx.unverifiable(
        "Not checked automatically: which tax codes sit inside each tax group is not readable with "
        "SuiteQL, so a sales code mapped where a purchase code belongs ('Invalid tax code reference') "
        "can only be found by hand.",
        missing="the tax codes of each tax group (not exposed to the integration's queries)",
        subject=Subject(kind="setting", id="tax-group-mapping"),
        evidence={"active_tax_groups": groups, "default_tax": ctx.workspace.export.default_tax},
        manual=(
            f"In NetSuite open {remedies.TAX_GROUPS} and open each group the workspace uses.",
            "Every code inside must be a purchase code; for Australia, for example, GST 10% belongs on "
            "NCT-AU (not TS-AU) and GST-free on NCF-AU (not TFS-AU).",
            "Under Setup > Accounting > Set Up Taxes, for each country, 'Tax Code Lists Include' should be "
            "Tax Groups and Tax Codes, or Tax Groups Only, and the tax type GST/VAT.",
            "Fix any wrong group, then choose Sync Now in the workspace.",
        ),
    )
