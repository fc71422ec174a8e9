"""NS0469: a OneWorld account needs the Multiple Currencies feature before the currency list syncs."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="multi-currency",
    codes=("NS0469",),
    severity=Severity.CRITICAL,
    title="OneWorld account has Multiple Currencies turned on",
    description=(
        "On a OneWorld account the integration reads the currency list during every sync, and NetSuite "
        "refuses that query while the Multiple Currencies feature is off. Read from the nsaudit RESTlet, "
        "else from the workspace [netsuite] multi_currency setting, else inferred when active subsidiaries "
        "use two or more base currencies (NetSuite allows that only with Multiple Currencies on)."
    ),
    optional_reads=("subsidiary", "currency"),
    detection=(Detection.RESTLET, Detection.WORKSPACE, Detection.NETSUITE_DATA),
    tags=("sync", "currency", "features"),
    needs_login=False,
)

SUBJECT = Subject(kind="feature", id="MULTICURRENCY", name="Multiple Currencies")


def check(ctx: Context) -> Iterator[Finding]:
    oneworld = settings.is_oneworld(ctx)
    if oneworld is False:
        return
    multi = settings.feature(ctx, "MULTICURRENCY")
    evidence = {"oneworld": oneworld, **multi.evidence()}
    if multi.off and oneworld:
        yield ctx.fail(
            "This OneWorld account has Multiple Currencies turned off, so the sync's currency query "
            "fails ('Unable to query currency').",
            subject=SUBJECT, evidence=evidence,
            fix=(f"In NetSuite go to {remedies.ENABLE_FEATURES} > Company tab, tick Multiple "
                 "Currencies and save.",
                 "Confirm the integration role has Lists > Currency at View, then Sync Now in the workspace."),
        )
    elif multi.inferred:
        yield ctx.passed(f"Multiple Currencies is on, {multi.inferred}.", subject=SUBJECT, evidence=evidence)
    elif not multi.known:
        yield ctx.unverifiable(
            "Not checked: nsaudit could not tell whether Multiple Currencies is on "
            + ("(this is a OneWorld account)." if oneworld else "(nor whether the account is OneWorld)."),
            missing=settings.missing_text("MULTICURRENCY"),
            subject=SUBJECT, evidence=evidence,
            manual=settings.manual_step("MULTICURRENCY"),
        )
