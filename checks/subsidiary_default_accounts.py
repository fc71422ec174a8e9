"""NS0722 / NS0059: the subsidiary's default expense-report payable account, and its default
corporate-card account when company cards export as expense reports, are set and active."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, partial, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.inputs.workspace import ExportType

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
    # not returned: an account that does not exist still fails; only whether a stated account is active is
    # UNVERIFIABLE, naming the column (account.subsidiary was declared here but the verdict never reads it)
    partial_columns=("account.isinactive",),
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
        return remedies.TIME_EXPENSE_PREFERENCES
    return f"{remedies.SUBSIDIARIES} > {sub_name} > Preferences"


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: the {' and the '.join(judged)} {'names' if len(judged) == 1 else 'name'} an "
                      "active account.", evidence={"judged": judged})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
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
    stated = ctx.workspace.netsuite
    values: dict[str, int | None] = {}
    unknown: list[tuple[str, str, str]] = []
    for field, label, blank_code, _ in wanted:
        # The RESTlet's null means "no value found", which a blank field and an unknown field id share.
        from_restlet = getattr(defaults, field) if defaults is not None else None
        from_workspace = getattr(stated, f"subsidiary_{field}")
        if from_restlet is not None:
            values[field] = from_restlet
        elif from_workspace is not None:
            values[field] = None if from_workspace == "blank" else from_workspace
        else:
            unknown.append((field, label, blank_code))
    for field, label, blank_code in unknown:
        said = ("the nsaudit RESTlet did not return it for this subsidiary" if defaults is not None else
                "the nsaudit RESTlet did not return this subsidiary" if restlet is not None else
                f"the nsaudit RESTlet was not read ({ctx.snapshot.restlet_detail})" if ctx.snapshot.restlet_detail
                else "the nsaudit RESTlet was not read")
        yield ctx.unverifiable(
            f"Not checked: the {label} is unknown: {said}, and the workspace [netsuite] section does not "
            "state it.",
            missing=f"the {label} (nsaudit RESTlet or workspace [netsuite] subsidiary_{field})",
            code=blank_code, subject=Subject(kind="subsidiary", id=str(sub), name=sub_name),
            manual=(f"In NetSuite open {where} and confirm {label} names an active account.",
                    f"Write its internal id in the workspace under [netsuite] as subsidiary_{field} = <id> "
                    f"(or \"blank\" when it is empty), then run nsaudit again."),
            evidence={"subsidiary": sub},
        )
    if not values:
        return
    accounts = ctx.by_id("account")
    for field, label, blank_code, _ in wanted:
        if field not in values:
            continue
        account_id = values[field]
        fix = (f"In NetSuite open {where} and set {label} to an active account of that subsidiary.",
               remedies.SYNC_STEP)
        if account_id is None:  # recorded blank by the admin (the RESTlet's null is unknown, above)
            yield ctx.fail(
                (f"No credit card account is set for corporate card expenses: {label} is empty."
                 if blank_code == "NS0059" else
                 f"The report would be exported to an invalid payable account: {label} is empty."),
                code=blank_code, subject=Subject(kind="subsidiary", id=str(sub), name=sub_name),
                evidence={"subsidiary": sub, "preference": label, "source": "workspace [netsuite]"}, fix=fix,
            )
            continue
        if not ctx.readable("account"):  # an account we cannot look at: unknown, never passed
            yield lookups.unreadable(ctx, "account", f"whether the {label} (account {account_id}) is active",
                                     code=blank_code)
            continue
        account = accounts.get(account_id)
        if account is not None and not ctx.known("account", "isinactive"):
            refs = ["account.isinactive"]
            yield ctx.unverifiable(
                f"Not checked: NetSuite did not return {refs[0]}, so whether the {label} (account "
                f"{account.fullname or account_id}) is active is unknown (that it exists was judged).",
                code=blank_code, subject=Subject(kind="account", id=str(account_id), name=account.fullname),
                missing=column_missing_text(ctx.snapshot, refs), manual=column_manual(ctx.snapshot, refs),
                evidence={"subsidiary": sub, "preference": label, "account": account_id, "columns_not_returned": refs},
            )
            continue
        if account is not None and not account.isinactive:
            judged.append(label)
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
