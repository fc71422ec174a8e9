"""Every record the workspace description names exists in NetSuite, once.

Each subsidiary, class, department, location, project, customer, category, vendor, account and the
connection user the workspace names (by internal id or exact name) is resolved before the checks
that use it run (audit/references.py). A workspace subsidiary that matches nothing, and any name that
matches two records, is a finding here, with the closest names NetSuite holds; the checks that build
on the subsidiary then say UNVERIFIABLE instead of judging the wrong records. A tag, vendor, account
or user that matches nothing is reported by the check that uses it (REPORTED_BY), with its NS code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import Reference, problems
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.tables import TABLES

META = CheckMeta(
    id="workspace-references",
    codes=(),
    severity=Severity.HIGH,
    title="Every record the workspace names exists in NetSuite, once",
    description=(
        "The workspace description names records by internal id or exact name. Each must match exactly "
        "one NetSuite record; otherwise the checks that build on it would judge the wrong records or none."
    ),
    optional_reads=("subsidiary", "classification", "department", "location", "job", "customer",
                    "expensecategory", "vendor", "account", "employee"),
    detection=(Detection.WORKSPACE, Detection.NETSUITE_DATA),
    tags=("workspace",),
    needs_workspace=True,
)

_WHAT = {"subsidiary": "subsidiary", "classification": "class", "department": "department",
         "location": "location", "job": "project", "customer": "customer", "expensecategory": "expense category",
         "vendor": "vendor", "account": "account", "employee": "employee"}


# References whose absence another check already reports as a failure of its own (the integration's
# NS code, the records it would hit): reported there, not twice. The subsidiary, and any name that
# matches two records, are reported here, because nothing else would.
REPORTED_BY = {
    "tags.classes": "classification-available", "tags.departments": "classification-available",
    "tags.locations": "classification-available", "tags.projects": "project-active",
    "tags.customers": "customer-subsidiary", "tags.categories": "category-active",
    "export.default_vendor": "card-vendor", "export.card_vendor": "card-vendor",
    "export.payable_account": "account-subsidiary", "export.card_account": "account-subsidiary",
    "export.reimbursed_ap_account": "account-subsidiary", "connection.user": "token-role",
}


def _subject(ref: Reference) -> Subject:
    return Subject(kind="workspace", id=f"{ref.path}={ref.ref}", name=str(ref.ref))


def check(ctx: Context) -> Iterator[Finding]:
    unread: dict[str, list[Reference]] = defaultdict(list)
    for ref in problems(ctx.workspace, ctx.snapshot):
        what = _WHAT[ref.table]
        evidence = {"setting": ref.path, "value": ref.ref, "table": ref.table}
        if ref.state == "unread":
            unread[ref.table].append(ref)
        elif ref.state == "unresolved" and ref.path in REPORTED_BY:
            continue  # the check that uses it reports it, with the code NetSuite would raise
        elif ref.state == "unresolved":
            hint = f" Closest in NetSuite: {', '.join(ref.hints)}." if ref.hints else ""
            yield ctx.fail(
                f"The workspace names {what} {ref.ref!r} ({ref.path}), and no {what} in NetSuite matches it, "
                "so the checks that build on it cannot judge it." + hint,
                subject=_subject(ref), evidence={**evidence, "closest": list(ref.hints)},
                fix=(f"Correct {ref.path} in the workspace description: write the {what}'s internal id "
                     "(Home > Set Preferences > Show Internal IDs shows ids in lists) or its exact name.",),
            )
        elif ref.state == "ambiguous":
            ids = ", ".join(str(i) for i in ref.matches)
            yield ctx.fail(
                f"The workspace names {what} {ref.ref!r} ({ref.path}), and {len(ref.matches)} records in "
                f"NetSuite have that name (internal ids {ids}), so nsaudit cannot tell which one is meant.",
                subject=_subject(ref), evidence={**evidence, "matches": list(ref.matches)},
                fix=(f"Write the internal id of the intended {what} in {ref.path} instead of its name.",),
            )
    for table, refs in unread.items():
        perm = TABLES[table].permission
        yield ctx.unverifiable(
            f"Not checked: the workspace names {len(refs)} {_WHAT[table]} record(s) "
            f"({', '.join(r.label for r in refs)}), and nsaudit could not read {table} to find them.",
            missing=describe_permission(perm), subject=Subject(kind="table", id=table),
            evidence={"table": table, "references": [r.label for r in refs]},
            manual=(f"In NetSuite confirm each of them exists and is the record you mean, or give the "
                    f"integration role {describe_permission(perm)} and run nsaudit again.",),
        )
