"""NS0831 / NS0045: every enabled Expensify tag and category names exactly one NetSuite record.

The NetSuite connection imports classes, departments, locations, customers and projects as tags and
expense categories as categories, by name. A tag or category that now matches no NetSuite record
(renamed, deleted, or never in NetSuite) or matches two (the same name twice) cannot be exported
reliably. Runs only when the workspace was read from Expensify (--expensify-policy).
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.expensify_workspace import Match, names_known, tag_matches
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.tables import TABLES

META = CheckMeta(
    id="expensify-tags",
    codes=("NS0831", "NS0045"),
    severity=Severity.HIGH,
    title="Expensify tags and categories match one NetSuite record each",
    description=(
        "Each enabled tag (class, department, location, customer, project) and category of the Expensify "
        "policy is matched by name to the NetSuite record the connection imported it from: none, or more "
        "than one, is reported."
    ),
    optional_reads=("classification", "department", "location", "job", "customer", "expensecategory"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("sync", "expensify", "classifications"),
    needs_workspace=True,
    needs_expensify=True,
)

_NOUN = {"classification": "class", "department": "department", "location": "location", "job": "project",
         "customer": "customer", "expensecategory": "expense category"}


def check(ctx: Context) -> Iterator[Finding]:
    read = ctx.snapshot.expensify
    if read is None:
        return
    matches, unknown_levels = tag_matches(ctx.snapshot, read)
    for level in unknown_levels:
        yield ctx.warn(
            f"The Expensify tag list '{level}' is not one the NetSuite connection imports (class, department, "
            "location, customer, project), so nsaudit cannot match its tags to NetSuite records.",
            code=None, subject=Subject(kind="expensify-tag-list", id=level), evidence={"tag_list": level},
            fix=("If the list is a NetSuite segment, check its values in NetSuite by hand.",))
    unread: dict[str, list[str]] = {}
    for match in matches:
        if not match.readable:
            for table in match.tables:
                if not names_known(ctx.snapshot, table):
                    unread.setdefault(table, []).append(match.name)
            continue
        if len(match.found) != 1:
            yield _problem(ctx, match)
    for table, names in unread.items():
        perm = ctx.snapshot.read(table).permission or TABLES[table].permission
        yield ctx.unverifiable(
            f"Not checked: nsaudit could not read {table} (or its names), so {len(names)} Expensify value(s) such as "
            f"'{names[0]}' could not be matched to NetSuite records.",
            missing=describe_permission(perm), subject=Subject(kind="record-type", id=table),
            evidence={"table": table, "values": names[:20]},
            manual=(f"In NetSuite, give the integration role {describe_permission(perm)} and run nsaudit again.",))


def _problem(ctx: Context, match: Match) -> Finding:
    category = match.tables == ("expensecategory",)
    kinds = " or ".join(_NOUN[t] for t in match.tables)
    where = "category" if category else f"tag in '{match.level}'"
    if not match.found:
        message = (f"The Expensify {where} '{match.name}' matches no NetSuite {kinds}: an expense coded with it "
                   f"cannot be exported (renamed or deleted in NetSuite, or never imported).")
    else:
        ids = ", ".join(f"{_NOUN[t]} {i}" for t, i in match.found)
        message = (f"The Expensify {where} '{match.name}' matches {len(match.found)} NetSuite records ({ids}); "
                   "the export cannot tell which one is meant.")
    return ctx.fail(
        message, code="NS0045" if category else "NS0831",
        subject=Subject(kind="expensify-category" if category else "expensify-tag",
                        id=match.name if category else f"{match.level}:{match.name}"),
        evidence={"tag_list": match.level, "name": match.name, "matches": [f"{t}:{i}" for t, i in match.found]},
        fix=("In NetSuite, give the record a unique name (or reactivate/recreate it), then in Expensify choose "
             "Sync Now on the NetSuite connection so the tag list is imported again.",
             "If the tag is no longer used, disable it in the Expensify policy."),
    )
