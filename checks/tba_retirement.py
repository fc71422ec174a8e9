"""The integration's login (token-based authentication) against Oracle's TBA timeline, and whether an
Expensify TBA connection is ready to reconnect with OAuth 2.0 over REST.

From NetSuite 2027.1 no new integration using TBA can be created (SOAP, REST or RESTlets); existing
ones keep working. An integration that logs in with TBA can then not be set up again with TBA if its
integration record is lost or deleted. Expensify sets up new connections with OAuth 2.0 over REST
(the admin approves access on NetSuite's consent screen) and will retire its TBA connection once every
customer has moved; the finding says what the account already has for that move (the bundle, the OAuth
2.0 and REST Web Services features, the two permissions) and gives Expensify's steps, never a
client-credentials record (that is not how Expensify connects). No NS code: nothing fails today.
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
from netsuite_audit.audit.connection import ReadyItem, oauth2_readiness
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.retirement import TBA_NO_NEW_INTEGRATIONS, days_text

META = CheckMeta(
    id="tba-retirement",
    codes=(),
    severity=Severity.INFO,
    title="Integration login against NetSuite's end of new token-based integrations",
    description=(
        "Places the workspace connection's login method (workspace [connection] auth, token-based by "
        "default, as the Expensify connection logs in today) against Oracle's date after which no new "
        "TBA integration can be created, with the date in the message."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("connection", "retirement"),
    needs_login=False,
)


def check(ctx: Context) -> Iterator[Finding]:
    conn = ctx.workspace.connection
    if conn.auth != "tba":
        return
    milestone = TBA_NO_NEW_INTEGRATIONS
    days = milestone.days_left(ctx.run_date)
    evidence = {"connection_auth": conn.auth, "release": milestone.release,
                "expected_from": milestone.expected.isoformat(), "days_left": days,
                "run_date": ctx.run_date.isoformat()}
    subject = Subject(kind="setting", id="connection.auth", name="tba")
    items = oauth2_readiness(ctx.snapshot, ctx.workspace)
    evidence["oauth2_readiness"] = [{"item": i.what, "ready": i.ready, "how": i.how} for i in items]
    keep = (
        f"Keep the integration record {conn.application!r} ({remedies.MANAGE_INTEGRATIONS}) and "
        "its access token: do not delete or reset them.",
        *(_expensify_steps(conn.application) if conn.application == "Expensify" else
          ("Ask the vendor when its connection will log in with OAuth 2.0 over REST.",)),
    )
    readiness = " " + _readiness_text(items) if conn.application == "Expensify" else ""
    if days > 0:
        yield ctx.warn(
            f"The workspace connection logs in with token-based authentication (TBA). From {milestone.when()}, "
            f"{days_text(days)} after this run, no new TBA integration can be created in NetSuite: this existing "
            "connection keeps working, but a lost or deleted integration record could not be set up again with "
            f"TBA.{readiness}",
            severity=Severity.INFO, subject=subject, evidence=evidence, fix=keep,
        )
        return
    yield ctx.warn(
        f"The workspace connection logs in with token-based authentication (TBA). Since {milestone.when()} no "
        "new TBA integration can be created: the existing integration record and token keep working, but if "
        f"either is lost the connection cannot be set up again with TBA.{readiness}",
        severity=Severity.LOW, subject=subject, evidence=evidence, fix=keep,
    )


def _readiness_text(items: tuple[ReadyItem, ...]) -> str:
    """``Ready to reconnect with OAuth 2.0 over REST: not known yet (...)``."""
    state = ("no" if any(i.ready is False for i in items)
             else "yes" if all(i.ready for i in items) else "not known yet")
    parts = "; ".join(f"{i.what}: {'yes' if i.ready else 'no' if i.ready is False else 'unknown'} ({i.how})"
                      for i in items)
    return (f"Expensify now connects with OAuth 2.0 over REST and will retire its TBA connection once every "
            f"customer has moved. Ready to reconnect with OAuth 2.0: {state} ({parts}).")


def _expensify_steps(app: str) -> tuple[str, ...]:
    """Expensify's own steps for an OAuth 2.0 connection (its Connect to NetSuite guide)."""
    return (
        "When Expensify asks you to move (it has said it will give notice and steps), or for a new connection, "
        "follow Expensify's OAuth 2.0 steps:",
        remedies.UPDATE_BUNDLE,
        remedies.ENABLE_OAUTH2,
        remedies.ENABLE_REST,
        remedies.REAPPROVE_CONSENT,
    )
