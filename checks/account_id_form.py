"""NS0739: the account id the connection uses is in NetSuite's exact form (1234567_SB1)."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.account_id import EXPECTED_FORMS, AccountId
from netsuite_audit.support.errors import InputError

META = CheckMeta(
    id="account-id-form",
    codes=("NS0739",),
    severity=Severity.CRITICAL,
    title="The connection's account id is written in NetSuite's exact form",
    description=(
        "The account id given in the workspace description (connection.account) must be exactly the "
        "form NetSuite signs tokens with: digits, and for a sandbox or release preview an underscore and "
        "capital letters, e.g. 1234567_SB1. Forms such as 1234567-sb1 or 1234567_sb1 make the token "
        "login fail."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("connection", "login"),
    needs_workspace=True,
    needs_login=False,
)

SUBJECT = Subject(kind="setting", id="connection.account")
WHERE = (f"In NetSuite, {remedies.COMPANY_INFORMATION} (or Setup > Integration > Web Services "
         "Preferences) shows the account id.")


def _fails(ctx: Context) -> str:
    """How a wrong form fails, per connection kind (Expensify's guide asks for 1234567_SB1 for both)."""
    if ctx.workspace.connection.resolved_kind == "oauth2-rest":
        return "so connecting with OAuth 2.0 fails (Expensify's guide asks for this form for OAuth 2.0 too)"
    return "so logging in with tokens fails"


def check(ctx: Context) -> Iterator[Finding]:
    typed = ctx.workspace.connection.account
    if typed is None:
        return
    try:
        parsed = AccountId.parse(typed)
    except InputError:
        yield ctx.fail(
            f"The account id {typed!r} is not a NetSuite account id, {_fails(ctx)}.",
            subject=SUBJECT, evidence={"account": typed, "expected": EXPECTED_FORMS},
            fix=(WHERE, f"Enter it in the connection exactly as shown ({EXPECTED_FORMS}), then reconnect."),
        )
        return
    if parsed.typed_in_realm_form:
        return
    yield ctx.fail(
        f"The account id is written {typed!r}; NetSuite expects {parsed.realm!r} (underscore, capital "
        f"letters), {_fails(ctx)}.",
        subject=SUBJECT,
        evidence={"account": typed, "expected": parsed.realm, "environment": parsed.environment.value},
        fix=(f"In the workspace's NetSuite connection enter the account id as {parsed.realm}.",
             remedies.SYNC_AFTER_RECONNECT),
    )
