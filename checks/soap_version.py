"""nsaudit's own SOAP endpoint version against the last one Oracle supports.

From NetSuite 2027.1 only the 2025.2 SOAP endpoint is supported; nsaudit's SOAP login probe and
searches use the version of --soap-version (config soap_version, 2025_2 by default). An older one
stops answering then, and nsaudit could no longer test the integration's SOAP side.
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.retirement import LAST_SOAP_VERSION, SOAP_ONLY_LAST_ENDPOINT, days_text, version_key

META = CheckMeta(
    id="soap-version",
    codes=(),
    severity=Severity.MEDIUM,
    title="nsaudit's SOAP endpoint version is the last one NetSuite keeps",
    description=(
        "Compares the SuiteTalk SOAP version nsaudit called (--soap-version) with 2025_2, the last endpoint "
        "Oracle supports from NetSuite 2027.1; an older one is a warning with the date."
    ),
    detection=(Detection.PROBE,),
    tags=("retirement", "nsaudit"),
    needs_login=False,
)


def check(ctx: Context) -> Iterator[Finding]:
    login = ctx.snapshot.login
    if login.soap_auth == "none":
        return  # SOAP was not used at all (OAuth 2.0 alone), so nsaudit's SOAP version does not matter
    version = login.soap_version
    if version is None:
        yield ctx.unverifiable(
            "Not checked: this snapshot does not record which SOAP endpoint version nsaudit called (it was "
            "written before nsaudit recorded it).",
            missing="the SOAP version in the snapshot (login.soap_version)",
            manual=("Run nsaudit again against the account (not from an old snapshot).",),
        )
        return
    if version_key(version) >= version_key(LAST_SOAP_VERSION):
        return
    milestone = SOAP_ONLY_LAST_ENDPOINT
    days = milestone.days_left(ctx.run_date)
    when = (f"from {milestone.when()}, {days_text(days)} after this run," if days > 0
            else f"since {milestone.when()}")
    yield ctx.warn(
        f"nsaudit called the {version} SOAP endpoint. {when[0].upper() + when[1:]} NetSuite supports only the "
        f"{LAST_SOAP_VERSION} endpoint, so nsaudit's SOAP login test and SOAP searches with {version} stop "
        "working.",
        evidence={"soap_version": version, "last_supported": LAST_SOAP_VERSION, "release": milestone.release,
                  "expected_from": milestone.expected.isoformat(), "days_left": days},
        subject=Subject(kind="setting", id="soap_version", name=version),
        fix=(f"Run nsaudit with --soap-version {LAST_SOAP_VERSION} (the default), or remove soap_version from "
             "the configuration file.",),
    )
