"""The integration's use of SOAP web services against Oracle's removal of SOAP.

The 2025.2 SOAP endpoint is Oracle's last; with NetSuite 2028.2 SOAP web services are removed and
SOAP integrations stop working. The Expensify connection talks SOAP (workspace [connection] soap,
true by default). Severity rises as the date nears. No NS code: the finding carries the date.
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.retirement import SOAP_REMOVED, days_text, rising_severity

META = CheckMeta(
    id="soap-retirement",
    codes=(),
    severity=Severity.INFO,
    title="Integration's SOAP use against NetSuite's removal of SOAP web services",
    description=(
        "When the integration talks to NetSuite over SOAP (workspace [connection] soap, true by default as "
        "for the Expensify connection), says when SOAP web services are removed, with the date in the "
        "message; info more than a year ahead, rising as the date nears, high once it has passed."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("connection", "retirement"),
    needs_login=False,
)

PLAN = (
    "Move the connection to REST before the date: Expensify connects with OAuth 2.0 over REST web services "
    "today (its Connect to NetSuite guide) and has said it will give notice and steps for existing TBA "
    "connections.",
    remedies.UPDATE_BUNDLE,
    remedies.ENABLE_OAUTH2,
    remedies.ENABLE_REST,
    remedies.REAPPROVE_CONSENT,
)


def check(ctx: Context) -> Iterator[Finding]:
    conn = ctx.workspace.connection
    if not conn.soap:
        return
    milestone = SOAP_REMOVED
    days = milestone.days_left(ctx.run_date)
    severity = rising_severity(days)
    evidence = {"connection_soap": True, "release": milestone.release,
                "expected_from": milestone.expected.isoformat(), "days_left": days,
                "run_date": ctx.run_date.isoformat()}
    subject = Subject(kind="setting", id="connection.soap")
    if days < 0:
        yield ctx.fail(
            f"The integration talks to NetSuite over SOAP web services, which Oracle removed with "
            f"{milestone.when()}: the sync cannot work until the connection uses REST.",
            severity=severity, subject=subject, evidence=evidence, fix=PLAN,
        )
        return
    yield ctx.warn(
        f"The integration talks to NetSuite over SOAP web services. Oracle removes SOAP with {milestone.when()}, "
        f"{days_text(days)} after this run; from then on this TBA/SOAP connection stops working. Plan: reconnect "
        "with OAuth 2.0 over REST, Expensify's current connection.",
        severity=severity, subject=subject, evidence=evidence, fix=PLAN,
    )
