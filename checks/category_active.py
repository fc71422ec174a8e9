"""NS0045: every expense category in use exists, is active, and posts to an active account."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.references import hint
from netsuite_audit.audit.unknown import column_manual, column_missing_text

META = CheckMeta(
    id="category-active",
    codes=("NS0045",),
    severity=Severity.HIGH,
    title="Expense categories in use are active and linked to an active account",
    description=(
        "Each expense category enabled in the workspace, or used on a pending report line, must exist "
        "in NetSuite, be active, and name an expense account that exists and is active."
    ),
    reads=("expensecategory",),
    optional_reads=("account",),
    columns=("expensecategory.isinactive",),
    # not returned: the categories are still judged for existing and being active; only the account
    # part is UNVERIFIABLE, naming the column
    partial_columns=("expensecategory.expenseacct", "account.isinactive"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "categories"),
    needs_workspace=True,
)


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: the {partial.counted({'category': len(judged)})} {', '.join(judged[:10])} "
                      f"{'exists and is' if len(judged) == 1 else 'exist and are'} active.",
                      evidence={"judged": judged})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    accounts_read = ctx.readable("account")
    accounts = ctx.by_id("account")
    unchecked: list[str] = []
    # the account part needs the category's account column and the accounts' isinactive column
    not_returned = [] if ctx.known("expensecategory", "expenseacct") else ["expensecategory.expenseacct"]
    if accounts_read and not ctx.known("account", "isinactive"):
        not_returned.append("account.isinactive")
    columns_unknown: list[str] = []
    uses = lookups.enabled_categories(ctx)
    for ref in uses:
        category = ctx.resolve("expensecategory", ref)
        if category is None:
            yield ctx.fail(
                f"The expense category [{ref}] isn't linked to an active NetSuite account: no such "
                "category exists (or this role cannot see it)." + hint(ctx.snapshot, "expensecategory", ref),
                subject=Subject(kind="expensecategory", id=ref),
                evidence={"reference": ref, "used_by": uses[ref]},
                fix=(f"In NetSuite create or reactivate the category under {remedies.EXPENSE_CATEGORIES}, "
                     "or stop using it in the workspace.", remedies.SYNC_STEP,
                     "Re-select the category on expenses that already carry it."),
            )
            continue
        name = category.name or f"#{category.id}"
        subject = Subject(kind="expensecategory", id=str(category.id), name=name)
        evidence: dict[str, object] = {"internal_id": category.id, "isinactive": category.isinactive,
                                       "account": category.account, "used_by": None}  # worded if needed
        problems = []
        if category.isinactive:
            problems.append("the category is inactive")
        if not_returned:
            columns_unknown.append(name)
        elif category.account is None:
            problems.append("it names no expense account")
        elif accounts_read:
            account = accounts.get(category.account)
            if account is None:
                problems.append(f"its account #{category.account} does not exist (or is hidden from this role)")
            elif account.isinactive:
                problems.append(f"its account {account.fullname or account.acctnumber} (#{account.id}) is inactive")
                evidence["account_inactive"] = True
        else:
            unchecked.append(name)
        if not problems:
            judged.append(name)
        else:
            evidence["used_by"] = uses[ref]
            yield ctx.fail(
                f"The expense category {name} isn't linked to an active NetSuite account: "
                f"{'; '.join(problems)}.",
                subject=subject, evidence=evidence,
                fix=(f"In NetSuite open {remedies.EXPENSE_CATEGORIES} > {name}: clear Inactive and choose an "
                     f"active expense account (reactivate the old one under {remedies.ACCOUNTS} if it is right).",
                     remedies.SYNC_STEP),
            )
    if unchecked:
        yield lookups.unreadable(ctx, "account", f"the accounts of the categories {', '.join(unchecked)}")
    if columns_unknown:
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return {', '.join(not_returned)}, so whether the categories "
            f"{', '.join(columns_unknown)} post to an active account is unknown (that they exist and are "
            "active was judged).",
            missing=column_missing_text(ctx.snapshot, not_returned),
            manual=column_manual(ctx.snapshot, not_returned), evidence={"columns_not_returned": not_returned},
        )

