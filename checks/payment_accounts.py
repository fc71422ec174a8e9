"""NS0394 and NS0019: the accounts the workspace posts to outside expense categories exist, are active
and have the right type - the A/P account for Sync Reimbursed Reports, and the company-card account of
journal-entry exports (which may not be left at "Default Card")."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.inputs.workspace import ExportType, Ref
from netsuite_audit.netsuite.records import ACCOUNT_TYPE_SPELLINGS, Account

META = CheckMeta(
    id="payment-accounts",
    codes=("NS0394", "NS0019"),
    severity=Severity.HIGH,
    title="Payable and company-card accounts are real, active accounts",
    description=(
        "The A/P account chosen for Sync Reimbursed Reports must be an active Accounts Payable account "
        "(NS0394); when company-card expenses export as journal entries, the card account must be a real, "
        "active account and not 'Default Card' (NS0019)."
    ),
    reads=("account",),
    # not returned: the accounts are still judged to exist (and the card mapping, which needs neither);
    # only the part needing the column is UNVERIFIABLE, naming it (accttype: the A/P account only)
    partial_columns=("account.accttype", "account.isinactive"),
    detection=(Detection.WORKSPACE, Detection.NETSUITE_DATA),
    tags=("export", "accounts", "company-cards"),
    needs_workspace=True,
)

ACCOUNTS_PAYABLE = "AcctPay"
DEFAULT_CARD = "default card"


def _subject(ref: Ref, account: Account | None) -> Subject:
    if account is None:
        return Subject(kind="account", id=lookups.ref_key(ref))
    return Subject(kind="account", id=str(account.id), name=account.fullname)


def _columns_unknown(ctx: Context, refs: list[str], what: str, code: str, subject: Subject,
                     setting: str, value: Ref) -> Finding:
    return ctx.unverifiable(
        f"Not checked: NetSuite did not return {', '.join(refs)}, so whether {what} is unknown (that the account "
        "exists was judged).",
        code=code, subject=subject, missing=column_missing_text(ctx.snapshot, refs),
        manual=column_manual(ctx.snapshot, refs),
        evidence={"setting": setting, "value": value, "columns_not_returned": refs},
    )


def _reimbursed_ap(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    ref = ctx.workspace.export.reimbursed_ap_account
    if ref is None:
        return
    account: Account | None = ctx.resolve("account", ref)
    active_known, type_known = ctx.known("account", "isinactive"), ctx.known("account", "accttype")
    inactive = account is not None and active_known and account.isinactive
    if (account is not None and not inactive and type_known and account.accttype
            and account.accttype not in ACCOUNT_TYPE_SPELLINGS):
        yield ctx.unverifiable(
            f"Not checked: the A/P account chosen for Sync Reimbursed Reports ({lookups.ref_key(ref)}) has the "
            f"account type {account.accttype!r}, a spelling nsaudit does not know (NetSuite publishes no list of "
            "them), so whether it is Accounts Payable is unknown.",
            code="NS0394", subject=_subject(ref, account),
            missing=f"the meaning of account.accttype {account.accttype!r}",
            evidence={"setting": "export.reimbursed_ap_account", "value": ref, "accttype": account.accttype},
            manual=(f"In NetSuite open {remedies.ACCOUNTS} and check that the account's type is Accounts Payable.",),
        )
        return
    problem = ("does not exist (or the role cannot see it)" if account is None
               else "is inactive" if inactive
               else f"is of type {account.accttype}, not Accounts Payable"
               if type_known and account.accttype != ACCOUNTS_PAYABLE
               else None)
    if problem is None:
        assert account is not None
        unknown = [column for column, known in (("account.isinactive", active_known),
                                                ("account.accttype", type_known)) if not known]
        if unknown:
            wanted = " and ".join(w for w, known in (("active", active_known), ("an Accounts Payable account",
                                                                                  type_known)) if not known)
            yield _columns_unknown(ctx, unknown, f"the A/P account chosen for Sync Reimbursed Reports "
                                   f"({lookups.ref_key(ref)}) is {wanted}", "NS0394", _subject(ref, account),
                                   "export.reimbursed_ap_account", ref)
        else:
            judged.append(f"the A/P account for Sync Reimbursed Reports ({account.fullname or account.id}) is an "
                          "active Accounts Payable account")
        return
    yield ctx.fail(
        f"The A/P account chosen for Sync Reimbursed Reports ({lookups.ref_key(ref)}) {problem}; marking "
        "expense reports as paid fails because the A/P approval account isn't set.",
        code="NS0394", subject=_subject(ref, account),
        evidence={"setting": "export.reimbursed_ap_account", "value": ref,
                  "accttype": account.accttype if account and type_known else None,
                  "isinactive": account.isinactive if account and active_known else None},
        fix=(f"In NetSuite pick (or create under {remedies.ACCOUNTS}) an active account of type "
             "Accounts Payable.",
             "In the workspace open Accounting > Advanced > Sync Reimbursed Reports, choose that account, then "
             "choose Sync Now."),
    )


def _card_account(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    export = ctx.workspace.export
    if export.non_reimbursable != ExportType.JOURNAL_ENTRY:
        return
    ref = export.card_account
    if ref is None or (isinstance(ref, str) and ref.strip().lower() == DEFAULT_CARD):
        yield ctx.fail(
            "Company-card expenses export as journal entries but the card is mapped to 'Default Card' (or to "
            "nothing); NetSuite answers that the payable account doesn't exist.",
            code="NS0019", subject=Subject(kind="setting", id="export.card_account"),
            evidence={"setting": "export.card_account", "value": ref},
            fix=("In the workspace (Domain > Company Cards > Edit Export, or the export settings), map each card "
                 "to a real NetSuite account instead of 'Default Card'.",
                 remedies.SYNC_STEP),
        )
        return
    account: Account | None = ctx.resolve("account", ref)
    if account is not None and not ctx.known("account", "isinactive"):
        yield _columns_unknown(ctx, ["account.isinactive"], f"the company-card account {lookups.ref_key(ref)} is "
                               "active", "NS0019", _subject(ref, account), "export.card_account", ref)
        return
    if account is not None and not account.isinactive:
        judged.append(f"the company-card account ({account.fullname or account.id}) exists and is active")
        return
    yield ctx.fail(
        f"The company-card account {lookups.ref_key(ref)} "
        f"{'does not exist (or the role cannot see it)' if account is None else 'is inactive'}; journal "
        "entries for card expenses fail because the payable account doesn't exist.",
        code="NS0019", subject=_subject(ref, account),
        evidence={"setting": "export.card_account", "value": ref},
        fix=(f"In NetSuite reactivate the account ({remedies.ACCOUNTS}), or map the card to another "
             "active account in the workspace.", remedies.SYNC_STEP),
    )


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    yield from _reimbursed_ap(ctx, judged)
    yield from _card_account(ctx, judged)


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: {' and '.join(judged)}.", evidence={"judged": judged})
