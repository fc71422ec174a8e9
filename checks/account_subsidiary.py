"""NS0116: accounts the export posts to are active and valid for the workspace subsidiary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.unknown import column_manual, column_missing_text

META = CheckMeta(
    id="account-subsidiary",
    codes=("NS0116",),
    severity=Severity.HIGH,
    title="Export accounts are valid for the workspace subsidiary",
    description=(
        "The accounts chosen in the workspace (journal-entry payable, company-card, reimbursed A/P) and "
        "the accounts behind the categories in use must be available to the workspace subsidiary "
        "(its subsidiary list, or a parent with Include Children). Chosen accounts must also exist and "
        "be active."
    ),
    reads=("account",),
    optional_reads=("subsidiary", "expensecategory"),
    columns=("account.isinactive", "account.subsidiary", "account.includechildren"),
    # not returned: the workspace's own accounts are still judged; only the categories' accounts are
    # UNVERIFIABLE, naming the column
    partial_columns=("expensecategory.expenseacct",),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("export", "accounts", "subsidiaries"),
    needs_workspace=True,
)


def _uses(ctx: Context) -> dict[str, list[str]]:
    """Account reference -> where the workspace uses it."""
    uses: dict[str, list[str]] = {}
    for setting, ref in lookups.mapped_accounts(ctx.workspace).items():
        uses.setdefault(lookups.ref_key(ref), []).append(f"export.{setting}")
    if not ctx.known("expensecategory", "expenseacct"):
        return uses  # the categories' accounts are unknown: _categories_unknown says so
    for ref in lookups.enabled_categories(ctx):
        category = ctx.resolve("expensecategory", ref)
        if category is not None and category.account is not None:
            uses.setdefault(str(category.account), []).append(f"category {category.name or category.id}")
    return uses


def _fix(account: Any, sub: str) -> tuple[str, ...]:
    label = account.fullname or account.acctnumber or f"#{account.id}"
    return (f"In NetSuite (Home > Set Preferences: Show Internal IDs helps) open {remedies.ACCOUNTS} > "
            f"{label}: make it active and add {sub} to its subsidiaries; or choose an account "
            "that already belongs to that subsidiary.", remedies.SYNC_STEP)


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: the workspace's {partial.counted({'account': len(judged)})} {', '.join(judged)} "
                      f"{'is' if len(judged) == 1 else 'are'} active and valid for the workspace subsidiary.",
                      evidence={"judged": judged})


def _categories_unknown(ctx: Context) -> Iterator[Finding]:
    if not ctx.readable("expensecategory") or ctx.known("expensecategory", "expenseacct"):
        return  # (the cheap tests first: the categories in use are gathered only when they matter)
    if not lookups.enabled_categories(ctx):
        return
    refs = ["expensecategory.expenseacct"]
    yield ctx.unverifiable(
        f"Not checked: NetSuite did not return {refs[0]}, so which accounts the categories in use post to, "
        "and whether those are valid for the workspace subsidiary, is unknown"
        + (" (the workspace's own accounts are judged)." if lookups.mapped_accounts(ctx.workspace) else "."),
        missing=column_missing_text(ctx.snapshot, refs), manual=column_manual(ctx.snapshot, refs),
        evidence={"columns_not_returned": refs},
    )


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    yield from _categories_unknown(ctx)
    sub = lookups.workspace_subsidiary(ctx)
    tree = lookups.subsidiary_tree(ctx)
    sub_name = tree.name(sub)
    for ref, used_by in _uses(ctx).items():
        account = ctx.resolve("account", ref)
        mapped = any(u.startswith("export.") for u in used_by)
        if account is None:
            if mapped:  # a category's missing account is category-active's finding (NS0045)
                yield ctx.fail(
                    f"The account [{ref}] isn't valid for subsidiary [{sub_name}]: no such account exists "
                    "(or this role cannot see it)." + hint(ctx.snapshot, "account", ref),
                    subject=Subject(kind="account", id=ref), evidence={"reference": ref, "used_by": used_by},
                    fix=("Choose an existing account in the workspace export settings.", remedies.SYNC_STEP),
                )
            continue
        label = account.fullname or account.acctnumber or f"#{account.id}"
        problems = []
        if account.isinactive and mapped:
            problems.append("it is inactive")
        if sub is not None and lookups.available_to(tree, account, sub) is False and not (
                account.includechildren and not ctx.readable("subsidiary")):
            problems.append(f"it is not assigned to {sub_name}")
        if not problems and mapped:
            judged.append(label)
        if problems:
            yield ctx.fail(
                f"The account [{label}] isn't valid for subsidiary [{sub_name}]: {' and '.join(problems)}.",
                subject=Subject(kind="account", id=str(account.id), name=label),
                evidence={"internal_id": account.id, "isinactive": account.isinactive,
                          "account_subsidiaries": [tree.name(s) for s in account.subsidiary],
                          "include_children": account.includechildren, "used_by": used_by},
                fix=_fix(account, sub_name),
            )
