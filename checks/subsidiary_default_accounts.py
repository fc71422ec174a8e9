"""NS0722 / NS0059: the subsidiary's default expense-report payable account, and its default
corporate-card account when company cards export as expense reports, are set and active."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.workspace import ExportType

META = CheckMeta(
    id="subsidiary-default-accounts",
    codes=("NS0722", "NS0059"),
    severity=Severity.HIGH,
    title="The subsidiary's default expense-report accounts are set and active",
    description=(
        "Expense reports post to the subsidiary's Default Payable Account for Expense Reports, and "
        "company-card expenses exported as expense reports to its Default Account for Corporate Card "
        "Expenses. Both are subsidiary preferences only the nsaudit RESTlet can read; without it the "
        "check says where to look by hand."
    ),
    optional_reads=("account", "subsidiary"),
    columns=("account.isinactive", "account.subsidiary"),
    detection=(Detection.RESTLET, Detection.NETSUITE_DATA, Detection.WORKSPACE, Detection.MANUAL),
    tags=("export", "accounts", "subsidiaries"),
    needs_workspace=True,
)

# (preference field, label, code when blank, applies when)
PREFS = (
    ("payable_account", "Default Payable Account for Expense Reports", "NS0722", "reimbursable"),
    ("corporate_card_account", "Default Account for Corporate Card Expenses", "NS0059", "non_reimbursable"),
)


def _where(sub_name: str | None) -> str:
    if sub_name is None:  # no subsidiaries: the same defaults live in the accounting preferences
        return "Setup > Accounting > Accounting Preferences > Time & Expenses"
    return f"Setup > Company > Subsidiaries > {sub_name} > Preferences"


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    wanted = [p for p in PREFS if getattr(ws.export, p[3]) == ExportType.EXPENSE_REPORT]
    if not wanted:
        return
    restlet = ctx.snapshot.restlet
    sub = lookups.workspace_subsidiary(ctx)
    if sub is None and restlet is not None and len(restlet.subsidiaries) == 1:
        sub = next(iter(restlet.subsidiaries))
    tree = lookups.subsidiary_tree(ctx)
    sub_name = tree.name(sub) if sub is not None and ws.subsidiary is not None else None
    where = _where(sub_name)
    defaults = restlet.subsidiaries.get(sub) if restlet is not None and sub is not None else None
    if defaults is None:
        labels = " and ".join(p[1] for p in wanted)
        yield ctx.unverifiable(
            f"Not checked: the {labels} can only be read through the nsaudit RESTlet, "
            + ("which did not return this subsidiary." if restlet is not None else
               f"which was not read ({ctx.snapshot.restlet_detail})." if ctx.snapshot.restlet_detail
               else "which was not read."),
            missing="the nsaudit RESTlet (subsidiary preferences)",
            manual=(f"In NetSuite open {where} and confirm {labels} each name an active account.",),
            evidence={"subsidiary": sub},
        )
        return
    accounts = ctx.by_id("account")
    for field, label, blank_code, _ in wanted:
        account_id = getattr(defaults, field)
        fix = (f"In NetSuite open {where} and set {label} to an active account of that subsidiary.",
               lookups.SYNC_STEP)
        if account_id is None:
            # The RESTlet answers null when it cannot read the preference (it does not know the field
            # ids, names.toml): unknown, never a blank preference.
            yield ctx.unverifiable(
                f"Not checked: the nsaudit RESTlet could not read the {label} of this subsidiary.",
                code=blank_code, subject=Subject(kind="subsidiary", id=str(sub), name=sub_name),
                missing=f"{label} (not readable by the nsaudit RESTlet)",
                manual=(f"In NetSuite open {where} and confirm {label} names an active account.",),
                evidence={"subsidiary": sub, "preference": label},
            )
            continue
        if not ctx.readable("account"):
            continue  # the RESTlet gave an account we cannot look at: nothing more to say
        account = accounts.get(account_id)
        if account is not None and not account.isinactive:
            continue
        why = "is inactive" if account is not None else "does not exist (or is hidden from this role)"
        yield ctx.fail(
            f"The report would be exported to an invalid payable account (ID {account_id}): the {label} {why}.",
            code="NS0722",
            subject=Subject(kind="account", id=str(account_id),
                            name=(account.fullname if account is not None else None)),
            evidence={"subsidiary": sub, "preference": label, "account": account_id,
                      "isinactive": account.isinactive if account is not None else None},
            fix=fix,
        )
