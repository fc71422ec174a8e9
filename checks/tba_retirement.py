"""The integration's login (token-based authentication) against Oracle's TBA timeline.

From NetSuite 2027.1 no new integration using TBA can be created (SOAP, REST or RESTlets); existing
ones keep working. An integration that logs in with TBA can then not be set up again with TBA if its
integration record is lost or deleted. No NS code: nothing fails today; the finding carries the date.
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
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
    keep = (
        f"Keep the integration record {conn.application!r} ({remedies.MANAGE_INTEGRATIONS}) and "
        "its access token: do not delete or reset them.",
        "Ask the vendor when its connection will log in with OAuth 2.0 client credentials, which new "
        "integrations use.",
    )
    if days > 0:
        yield ctx.warn(
            f"The workspace connection logs in with token-based authentication (TBA). From {milestone.when()}, "
            f"{days_text(days)} after this run, no new TBA integration can be created in NetSuite: existing ones keep "
            "working, but a lost or deleted integration record could not be set up again with TBA.",
            severity=Severity.INFO, subject=subject, evidence=evidence, fix=keep,
        )
        return
    yield ctx.warn(
        f"The workspace connection logs in with token-based authentication (TBA). Since {milestone.when()} no "
        "new TBA integration can be created: the existing integration record and token keep working, but if "
        "either is lost the connection cannot be set up again with TBA.",
        severity=Severity.LOW, subject=subject, evidence=evidence, fix=keep,
    )
