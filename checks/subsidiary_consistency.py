"""NS0921: records an export references, and that no more specific check looks at, belong to the
workspace subsidiary.

Most records an export carries already have a check of their own that includes their subsidiary:
classes, departments and locations (classification-available, NS0831), export and category accounts
(account-subsidiary, NS0116), customers (customer-subsidiary, NS0728), submitters' employee or vendor
records (employee-match, NS0023/NS0295) and expense categories (category-subsidiary, NS0499). This
check covers the rest, so that one misplaced record gives one finding: the company-card vendors and
the projects (unless Cross-Subsidiary Customers/Projects is on).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from netsuite_audit.audit import lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.inputs.workspace import ExportType, Ref
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.tables import TABLES

META = CheckMeta(
    id="subsidiary-consistency",
    codes=("NS0921",),
    severity=Severity.HIGH,
    title="Vendors and projects the workspace maps belong to the workspace subsidiary",
    description=(
        "The records an export references that no more specific check covers must sit in the workspace "
        "subsidiary: the default and company-card vendors of company-card bills, and the projects used as "
        "tags or on pending report lines (unless cross-subsidiary is on). Classes, departments, locations, "
        "accounts, customers, categories and submitters are left to their own checks (NS0831, NS0116, "
        "NS0728, NS0499, NS0023), so one misplaced record is reported once."
    ),
    optional_reads=("subsidiary", "vendor", "job"),
    partial_columns=("vendor.subsidiary", "job.subsidiary"),  # one not returned: only that table's records unknown
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "subsidiaries"),
    needs_workspace=True,
)

MENUS = {"vendor": remedies.VENDORS, "job": remedies.PROJECTS}
LABELS = {"vendor": "vendor", "job": "project"}


# Where a record is used: a text ("workspace tag"), or report lines (shared line numbers, ascending),
# worded only when a finding names it (a large account has a use per report line).
Where = str | Sequence[int]


def _wording(where: list[Where], index: LineIndex) -> Iterator[str]:
    for used in where:
        if isinstance(used, str):
            yield used
        else:
            yield from map(index.where, used)


@dataclass
class Uses:
    """Records referenced by the workspace, per table, with where each is used."""

    refs: dict[str, dict[str, list[Where]]] = field(default_factory=dict)

    def ref(self, table: str, ref: Ref | None, where: Where) -> None:
        if ref is not None:
            self.refs.setdefault(table, {}).setdefault(lookups.ref_key(ref), []).append(where)


def _is_default_placeholder(ref: Ref | None) -> bool:
    return isinstance(ref, str) and ref.strip().lower() == "default"


def _collect(ctx: Context) -> Uses:
    ws, uses = ctx.workspace, Uses()
    if ws.export.non_reimbursable == ExportType.VENDOR_BILL:
        uses.ref("vendor", ws.export.default_vendor, "export.default_vendor")
        if not _is_default_placeholder(ws.export.card_vendor):  # card-vendor reports 'Default' (NS0994)
            uses.ref("vendor", ws.export.card_vendor, "export.card_vendor")
    if not ws.cross_subsidiary:
        for ref in ws.tags.projects:
            uses.ref("job", ref, "workspace tag")
        # project -> its lines, in order of first use; references written differently with the same key
        # (5 and " 5") share their lines, in line order
        for key, numbers in lookups.lines_by_key(ctx.line_index, "project").items():
            uses.refs.setdefault("job", {}).setdefault(key, []).append(numbers)
    return uses


def check(ctx: Context) -> Iterator[Finding]:
    sub = lookups.workspace_subsidiary(ctx)
    if sub is None:
        return  # no workspace subsidiary: oneworld-subsidiary (NS0942) covers OneWorld accounts
    uses = _collect(ctx)
    unread = sorted(t for t in uses.refs if not ctx.readable(t))
    not_returned = sorted(f"{t}.subsidiary" for t in uses.refs if t not in unread and not ctx.known(t, "subsidiary"))
    rows: dict[tuple[str, int], tuple[Any, list[Where]]] = {}
    for table, refs in uses.refs.items():
        if table in unread or f"{table}.subsidiary" in not_returned:
            continue
        for ref, where in refs.items():
            row = ctx.resolve(table, ref)
            if row is not None:  # a missing record is the business of the vendor and project checks
                rows.setdefault((table, row.id), (row, []))[1].extend(where)
    tree = lookups.subsidiary_tree(ctx)
    sub_name = tree.name(sub)
    index = ctx.line_index
    for (table, _), (row, where) in sorted(rows.items(), key=lambda item: item[0]):
        if row.subsidiary is None or row.subsidiary == sub:
            continue
        name = lookups.entity_name(row)
        yield ctx.fail(
            f"Invalid subsidiary reference: {LABELS[table]} {name} (#{row.id}) belongs to "
            f"{tree.name(row.subsidiary)}, not the workspace subsidiary {sub_name}.",
            subject=Subject(kind=table, id=str(row.id), name=name),
            evidence={"internal_id": row.id, "table": table, "record_subsidiary": row.subsidiary,
                      "workspace_subsidiary": sub, "used_by": "; ".join(dict.fromkeys(_wording(where, index)))},
            fix=(f"In NetSuite open {MENUS[table]} > {name} and move it to {sub_name} (or pick a "
                 f"{LABELS[table]} of {sub_name}), or stop using it in this workspace.", remedies.SYNC_STEP),
        )
    if not_returned:
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return {', '.join(not_returned)}, so the subsidiary of the "
            f"{', '.join(LABELS[r.split('.')[0]] + 's' for r in not_returned)} the workspace uses is unknown.",
            missing=column_missing_text(ctx.snapshot, not_returned), manual=column_manual(ctx.snapshot, not_returned),
            evidence={"columns_not_returned": not_returned},
        )
    if unread:
        yield ctx.unverifiable(
            f"Not checked: the subsidiary of the {', '.join(unread)} records the workspace uses, because "
            "nsaudit could not read those tables.",
            missing="; ".join(describe_permission(TABLES[t].permission) for t in unread),
            evidence={"tables": unread},
        )
