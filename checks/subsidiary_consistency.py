"""NS0921: every record the workspace maps belongs to (or is available to) the workspace subsidiary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from netsuite_audit.audit import lookups
from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.permissions import describe_permission
from netsuite_audit.tables import TABLES
from netsuite_audit.workspace import ExportType, Ref

META = CheckMeta(
    id="subsidiary-consistency",
    codes=("NS0921",),
    severity=Severity.HIGH,
    title="Everything the workspace maps belongs to the workspace subsidiary",
    description=(
        "One sweep over the records an export can reference: submitters' employees (or vendors), the "
        "default and company-card vendors, category accounts, customers and projects (unless "
        "cross-subsidiary is on), classes, departments, locations and the chosen export accounts. "
        "Each must sit in, or be available to, the workspace subsidiary."
    ),
    optional_reads=("subsidiary", "employee", "vendor", "customer", "customersubsidiaryrelationship",
                    "job", "classification", "department", "location", "account", "expensecategory"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "subsidiaries"),
    needs_workspace=True,
)

LISTED = ("classification", "department", "location", "account")  # subsidiary list + include children
MENUS = {
    "employee": "Lists > Employees > Employees", "vendor": "Lists > Relationships > Vendors",
    "customer": "Lists > Relationships > Customers", "job": "Lists > Relationships > Projects",
    "classification": "Setup > Company > Classes", "department": "Setup > Company > Departments",
    "location": "Setup > Company > Locations", "account": "Lists > Accounting > Accounts",
}


@dataclass
class Uses:
    """Records referenced by the workspace, per table, with where each is used."""

    refs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    rows: dict[tuple[str, int], tuple[Any, list[str]]] = field(default_factory=dict)

    def ref(self, table: str, ref: Ref | None, where: str) -> None:
        if ref is not None:
            self.refs.setdefault(table, {}).setdefault(lookups.ref_key(ref), []).append(where)

    def row(self, table: str, row: Any, where: str) -> None:
        self.rows.setdefault((table, row.id), (row, []))[1].append(where)


def _collect(ctx: Context) -> Uses:
    ws, uses = ctx.workspace, Uses()
    for kind, table in (("classes", "classification"), ("departments", "department"),
                        ("locations", "location")):
        for ref in getattr(ws.tags, kind):
            uses.ref(table, ref, "workspace tag")
    if not ws.cross_subsidiary:
        for ref in ws.tags.customers:
            uses.ref("customer", ref, "workspace tag")
        for ref in ws.tags.projects:
            uses.ref("job", ref, "workspace tag")
    for setting, ref in lookups.mapped_accounts(ws).items():
        uses.ref("account", ref, f"export.{setting}")
    if ws.export.non_reimbursable == ExportType.VENDOR_BILL:
        uses.ref("vendor", ws.export.default_vendor, "export.default_vendor")
        if not (isinstance(ws.export.card_vendor, str) and ws.export.card_vendor.strip().lower() == "default"):
            uses.ref("vendor", ws.export.card_vendor, "export.card_vendor")
    for report in ctx.reports.reports if ctx.reports else ():
        for number, line in enumerate(report.lines, start=1):
            where = f"report {report.id} line {number}"
            for attr, table in (("class_", "classification"), ("department", "department"),
                                ("location", "location")):
                uses.ref(table, getattr(line, attr), where)
            if not ws.cross_subsidiary:
                uses.ref("customer", line.customer, where)
                uses.ref("job", line.project, where)
    for ref in lookups.enabled_categories(ctx):
        category = ctx.resolve("expensecategory", ref)
        if category is not None and category.account is not None:
            uses.ref("account", category.account, f"account of category {category.name or category.id}")
    submitter_table = "vendor" if lookups.reimbursable_to_vendor(ws) else "employee"
    for email in lookups.members(ctx):
        match = lookups.match_email(ctx.rows(submitter_table), email, lookups.workspace_subsidiary(ctx))
        if not match.in_subsidiary:
            for row in match.elsewhere:
                uses.row(submitter_table, row, f"submitter {email}")
    return uses


def _outside(ctx: Context, tree: SubsidiaryTree, table: str, row: Any, sub: int) -> str | None:
    """How the row's subsidiary differs from ``sub`` (``None`` when it is fine or cannot be told)."""
    if table in LISTED:
        if lookups.available_to(tree, row, sub) is not False:
            return None
        if row.includechildren and not ctx.readable("subsidiary"):
            return None  # a parent subsidiary could cover it; the tree is unknown
        return "is assigned to " + ", ".join(tree.name(s) for s in row.subsidiary)
    if row.subsidiary is None or row.subsidiary == sub:
        return None
    if table == "customer" and any(
            r.entity == row.id and r.subsidiary == sub for r in ctx.rows("customersubsidiaryrelationship")):
        return None
    return f"belongs to {tree.name(row.subsidiary)}"


def check(ctx: Context) -> Iterator[Finding]:
    sub = lookups.workspace_subsidiary(ctx)
    if sub is None:
        return  # no workspace subsidiary: oneworld-subsidiary (NS0942) covers OneWorld accounts
    uses = _collect(ctx)
    unread = sorted(t for t in uses.refs if not ctx.readable(t))
    for table, refs in uses.refs.items():
        if table in unread:
            continue
        for ref, where in refs.items():
            row = ctx.resolve(table, ref)
            if row is not None:
                uses.row(table, row, "; ".join(where))
    tree = lookups.subsidiary_tree(ctx)
    sub_name = tree.name(sub)
    for (table, _), (row, where) in sorted(uses.rows.items(), key=lambda item: item[0]):
        why = _outside(ctx, tree, table, row, sub)
        if why is None:
            continue
        name = lookups.entity_name(row)
        yield ctx.fail(
            f"Invalid subsidiary reference: {table} {name} (#{row.id}) {why}, not the workspace "
            f"subsidiary {sub_name}.",
            subject=Subject(kind=table, id=str(row.id), name=name),
            evidence={"internal_id": row.id, "table": table, "record_subsidiary": getattr(row, "subsidiary", None),
                      "workspace_subsidiary": sub, "used_by": where},
            fix=(f"In NetSuite open {MENUS.get(table, table)} > {name} and make it available to "
                 f"{sub_name}, or stop using it in this workspace.", lookups.SYNC_STEP),
        )
    if unread:
        yield ctx.unverifiable(
            f"Not checked: the subsidiary of the {', '.join(unread)} records the workspace uses, because "
            "nsaudit could not read those tables.",
            missing="; ".join(describe_permission(TABLES[t].permission) for t in unread),
            evidence={"tables": unread},
        )
