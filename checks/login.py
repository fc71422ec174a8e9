"""NS0109 / NS0739: the integration's token can log in over SOAP, the protocol the integration uses."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.login_diagnosis import (
    LOGIN_AUDIT_STEP,
    MAX_SKEW_SECONDS,
    OAUTH2_CANNOT_PROVE,
    OAUTH2_PROVES,
    account_id_notes,
    clock_skew,
    host_hint,
    is_token_refusal,
    oauth2_connection_causes,
    probe_evidence,
    token_causes,
)
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity
from netsuite_audit.audit.remedies import (
    ACCESS_TOKENS,
    ENABLE_FEATURES,
    MANAGE_INTEGRATIONS,
    MANAGE_ROLES,
    REAPPROVE_CONSENT,
    SYNC_NOW,
    UPDATE_BUNDLE,
)
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.snapshot import Probe

META = CheckMeta(
    id="login",
    codes=("NS0109", "NS0739"),
    severity=Severity.CRITICAL,
    title="Integration can log in to NetSuite (TBA over SOAP, or OAuth 2.0 over REST)",
    description=(
        "For an OAuth 2.0/REST connection: nsaudit's own OAuth 2.0 login for the same user and role, over REST, "
        "and what it proves and cannot (the consent grant, the integration record, the refresh token). "
        "For a TBA/SOAP connection: logs in with the token over SOAP (how it talks to NetSuite) and over REST. "
        "A refused SOAP login predicts NS0109 (or NS0739 when only SOAP is refused); the finding "
        "says what can be learned from outside: account id form, clock skew, REST versus SOAP. With "
        "OAuth 2.0 client credentials, a refusal at the token endpoint gets its own diagnosis."
    ),
    detection=(Detection.PROBE,),
    tags=("login", "connection"),
    needs_login=False,
)

SOAP_PERMISSION = "ADMI_WEBSERVICES"

FIX_CREDENTIALS = (
    "Compare the consumer key and secret and the token id and secret nsaudit uses with the ones the "
    "workspace connection was given: a character lost in copying is the most common cause. NetSuite "
    "shows a secret only once; if it was not saved, create a new token as described below.",
    f"In NetSuite open {ACCESS_TOKENS} and check the integration's token: "
    "not revoked or inactive, issued to the right user and role.",
    "Check that the role is active, is still assigned to that user, and that the user can still log in.",
    f"Check {MANAGE_INTEGRATIONS}: the integration record must be Enabled.",
    "If anything changed, or a secret was lost, create a new access token for the same user, role and "
    "integration, and enter the new token id and secret in the workspace's NetSuite connection.",
    SYNC_NOW,
)

FIX_SOAP = (
    f"Give the integration role {describe_permission(SOAP_PERMISSION)} at Full "
    f"({MANAGE_ROLES} > the role > Edit > Permissions > Setup).",
    f"Make sure SOAP Web Services is on under {ENABLE_FEATURES} > SuiteCloud.",
    "If the account is a sandbox, enter the account id in the workspace as 1234567_SB1 "
    "(upper case, underscore).",
    SYNC_NOW,
)


SOAP_NEEDS_TBA = (
    "SOAP web services accept only token-based authentication (TBA), and nsaudit was given OAuth 2.0 client "
    "credentials only, so the integration's own SOAP login was not tested."
)


def check(ctx: Context) -> Iterator[Finding]:
    login = ctx.snapshot.login
    soap, rest = login.soap, login.rest
    evidence = probe_evidence(ctx.snapshot)
    if login.rest_auth == "oauth2":
        evidence["rest_auth"] = "oauth2"
        if login.token is not None:
            evidence["token_subject"] = login.token.subject
    if login.rest_auth == "oauth2" and is_token_refusal(rest):
        assert rest is not None
        yield _token_refused(ctx, rest, soap, evidence)
        return
    if ctx.workspace.connection.resolved_kind == "oauth2-rest":
        yield from _oauth2_connection(ctx, evidence)
        return
    if soap is None and login.soap_auth == "none":
        if rest is not None and rest.ok:
            yield ctx.unverifiable(
                "The OAuth 2.0 login over REST worked. " + SOAP_NEEDS_TBA,
                missing="token-based (TBA) credentials for the integration's SOAP login", evidence=evidence,
                code="NS0109",
                manual=("Give nsaudit the integration's TBA token as well (NSAUDIT_CONSUMER_KEY ... or a profile "
                        'with auth = "both") to test the SOAP login the integration uses.',),
            )
            return
        if rest is not None and not rest.ok and rest.error == "auth":
            yield ctx.fail(
                "NetSuite issued an OAuth 2.0 access token but refused it on the REST call."
                + (f" NetSuite said: {rest.detail}" if rest.detail else "") + " " + SOAP_NEEDS_TBA,
                code="NS0109", evidence=evidence,
                fix=("Give the role REST Web Services (Full) and make sure REST Web Services is on under "
                     f"{ENABLE_FEATURES} > SuiteCloud.",),
                manual=(LOGIN_AUDIT_STEP,),
            )
            return
        if rest is not None and not rest.ok:
            said = f" NetSuite said: {rest.code or ''} {rest.detail or ''}".rstrip() if rest.code or rest.detail else ""
            yield ctx.unverifiable(
                "nsaudit could not get an answer over REST with its OAuth 2.0 credentials, so the login was not "
                "tested." + said + " " + host_hint(ctx.snapshot) + " " + SOAP_NEEDS_TBA,
                missing="a usable answer from NetSuite over REST", evidence=evidence, code="NS0109",
                manual=("Check the account id and the network (proxy, firewall, DNS), then run nsaudit again.",),
            )
            return
    if soap is None and rest is None:
        yield ctx.unverifiable(
            "No login was attempted, so nsaudit cannot tell whether the integration can log in.",
            missing="a login probe", evidence=evidence, code="NS0109",
            manual=("Run nsaudit with the integration's credentials (not from a saved snapshot without probes).",),
        )
        return
    if soap is not None and soap.ok:
        if rest is not None and not rest.ok:
            yield _rest_only_down(ctx, rest, evidence)
        return
    if soap is None:
        yield ctx.unverifiable(
            "The REST login worked, but SOAP was not tried; the integration logs in over SOAP.",
            missing="a SOAP login probe", evidence=evidence, code="NS0109",
            manual=("Run nsaudit again with SOAP enabled to test the integration's own protocol.",),
        )
        return
    yield _soap_failed(ctx, soap, rest, evidence)


def _soap_failed(ctx: Context, soap: Probe, rest: Probe | None, evidence: dict[str, object]) -> Finding:
    said = f" NetSuite said: {soap.code or ''} {soap.detail or ''}".rstrip() if soap.code or soap.detail else ""
    if soap.error == "permission":
        return ctx.fail(
            "NetSuite refused SOAP to the integration's role. The integration will report "
            "\"Unexpected error when logging in with tokens\" (NS0739)." + said,
            code="NS0739", evidence=evidence, fix=FIX_SOAP,
        )
    if soap.error == "network":
        return ctx.unverifiable(
            "nsaudit could not reach NetSuite over SOAP, so login was not tested." + said
            + " " + host_hint(ctx.snapshot),
            missing="a network connection to NetSuite", evidence=evidence, code="NS0109",
            manual=("Check the account id and the network (proxy, firewall, DNS), then run nsaudit again.",),
        )
    if soap.error in ("concurrency", "server"):
        reason = ("the account's concurrent request limit was reached" if soap.error == "concurrency"
                  else "NetSuite failed on its side")
        return ctx.unverifiable(
            f"The SOAP login could not be tested: {reason}." + said,
            missing="a usable answer from NetSuite", evidence=evidence, code="NS0109",
            manual=("Wait a few minutes (pause other integrations if the limit was hit) and run nsaudit again.",),
        )
    if soap.error != "auth":
        return ctx.unverifiable(
            "The SOAP login failed for a reason nsaudit does not recognise." + said,
            missing="a recognisable answer to the SOAP login", evidence=evidence, code="NS0109",
            manual=(LOGIN_AUDIT_STEP,),
        )
    skew = clock_skew(ctx.snapshot)
    if skew is not None and abs(skew) > MAX_SKEW_SECONDS:
        return ctx.unverifiable(
            f"NetSuite refused the login, but this computer's clock is {abs(skew):.0f} seconds "
            f"{'ahead of' if skew > 0 else 'behind'} NetSuite's. NetSuite rejects token signatures more "
            "than 5 minutes off, so the refusal may be nsaudit's own fault, not the integration's.",
            missing="a correct clock on the machine running nsaudit", evidence=evidence, code="NS0109",
            manual=("Set this computer's clock from a time server (enable NTP), then run nsaudit again.",),
        )
    notes = account_id_notes(ctx.snapshot)
    if rest is not None and rest.ok:
        return ctx.fail(
            "The token logs in over REST but NetSuite refused it over SOAP, so the credentials are valid "
            "and SOAP access is what is missing. The integration will report \"Unexpected error when "
            "logging in with tokens\" (NS0739), or possibly \"Failed to login to NetSuite\" (NS0109)."
            + said + "".join(f" {n}" for n in notes),
            code="NS0739", evidence=evidence, fix=FIX_SOAP, manual=(LOGIN_AUDIT_STEP,),
        )
    causes = (
        "Likely causes: a secret mistyped or pasted incompletely (consumer secret or token secret; "
        "NetSuite shows each only once, when it is created); the token was revoked or expired; the role was "
        "disabled, changed or removed from the user; the user's credentials or access changed; or the "
        "integration record was blocked."
    )
    return ctx.fail(
        "NetSuite refused the token over SOAP"
        + (" and over REST" if rest is not None and not rest.ok else "")
        + ". The integration will report \"Failed to login to NetSuite. Please verify your admin "
        "credentials.\" (NS0109)." + said + "".join(f" {n}" for n in notes) + " " + causes
        + " NetSuite does not say why in its answer; the Login Audit Trail does.",
        code="NS0109", evidence=evidence, fix=FIX_CREDENTIALS, manual=(LOGIN_AUDIT_STEP,),
    )


def _token_refused(ctx: Context, rest: Probe, soap: Probe | None, evidence: dict[str, object]) -> Finding:
    """NetSuite's token endpoint refused the OAuth 2.0 client credentials (the NS0109 family)."""
    causes = token_causes(rest.code, rest.description)
    evidence = {**evidence, "oauth2": {
        "error": rest.code, "description": rest.description, "http_status": rest.http_status,
        "causes": [c.key for c in causes],
        "documented": "the error code (RFC 6749 section 5.2, which Oracle names)",
        "assumed": "the error_description wording and which cause each code stands for (Oracle does not "
                   "publish NetSuite's token-endpoint bodies)",
    }}
    said = f" NetSuite said: {rest.code}" + (f" ({rest.description})" if rest.description else "") + "."
    skew = clock_skew(ctx.snapshot)
    if skew is not None and abs(skew) > MAX_SKEW_SECONDS:
        return ctx.unverifiable(
            f"NetSuite's token endpoint refused the OAuth 2.0 client credentials, and this computer's clock is "
            f"{abs(skew):.0f} seconds {'ahead of' if skew > 0 else 'behind'} NetSuite's (its Date header): "
            "the assertion's iat/exp are judged by NetSuite's clock, so the refusal may be nsaudit's own fault."
            + said,
            missing="a correct clock on the machine running nsaudit", evidence=evidence, code="NS0109",
            manual=("Set this computer's clock from a time server (enable NTP), then run nsaudit again.",),
        )
    notes = "".join(f" {n}" for n in account_id_notes(ctx.snapshot))
    if len(causes) == 1:
        cause = causes[0]
        text = f"NetSuite's token endpoint refused the OAuth 2.0 client credentials: {cause.sentence}"
        fix: tuple[str, ...] = cause.fix
    else:
        text = ("NetSuite's token endpoint refused the OAuth 2.0 client credentials. The answer does not say "
                "which of these it was: " + "; ".join(c.sentence.rstrip(".") for c in causes) + ".")
        fix = tuple(dict.fromkeys(step for c in causes for step in c.fix))
    text += said + notes
    if soap is not None and soap.ok:
        return ctx.warn(
            text + " The token-based SOAP login works, so the integration is not affected; nsaudit could not "
            "read over REST.", code=None, severity=Severity.MEDIUM, evidence=evidence, fix=fix,
            manual=(LOGIN_AUDIT_STEP,),
        )
    return ctx.fail(
        text + " nsaudit could not log in, so nothing in the account was read.",
        code="NS0109", evidence=evidence,
        fix=((*fix, UPDATE_BUNDLE, REAPPROVE_CONSENT) if ctx.workspace.connection.resolved_kind == "oauth2-rest"
             else fix),
        manual=(LOGIN_AUDIT_STEP,),
    )


def _rest_only_down(ctx: Context, rest: Probe, evidence: dict[str, object]) -> Finding:
    said = f" NetSuite said: {rest.code or ''} {rest.detail or ''}".rstrip() if rest.code or rest.detail else ""
    if rest.error in ("network", "concurrency", "server"):  # failed in transit: nothing about permissions
        return ctx.unverifiable(
            "Not checked: the REST (SuiteQL) login probe failed in transit, not because NetSuite refused it "
            f"({rest.error}: {rest.detail or 'no detail'}); SOAP works, so nsaudit read what it could over "
            "SOAP instead.",
            missing="a complete answer to the REST login probe", evidence=evidence,
            manual=("Run nsaudit again; if REST keeps failing, check the network path to NetSuite's REST "
                    "endpoint and the account's concurrency use.",),
        )
    return ctx.warn(
        "REST (SuiteQL) is not available to this token, but SOAP works, so the integration is not "
        "affected and nsaudit read what it could over SOAP instead." + said
        + f" To let nsaudit use SuiteQL, give the role {describe_permission('ADMI_RESTWEBSERVICES')} at Full "
        f"and {describe_permission('REPO_ANALYTICS')}, and turn on REST Web Services under "
        f"{ENABLE_FEATURES} > SuiteCloud.",
        code=None, severity=Severity.INFO, evidence=evidence,
        fix=(
            f"{MANAGE_ROLES} > the role > Edit > Permissions > Setup: add REST Web "
            "Services (Full); on the Reports tab add SuiteAnalytics Workbook.",
            "Optional: nsaudit works without REST, with fewer checks verified.",
        ),
    )


def _oauth2_connection(ctx: Context, evidence: dict[str, object]) -> Iterator[Finding]:
    """The Expensify OAuth 2.0/REST connection: SOAP plays no part; nsaudit's own login over REST (OAuth 2.0
    client credentials for the same user and role, or a TBA token) is what can be tested."""
    login = ctx.snapshot.login
    rest = login.rest
    role = ctx.workspace.connection.role
    causes = oauth2_connection_causes(role)
    evidence = {**evidence, "connection": "oauth2-rest",
                "cannot_prove": list(OAUTH2_CANNOT_PROVE), "causes": [c.key for c in causes]}
    cannot = "; ".join(OAUTH2_CANNOT_PROVE)
    if rest is None:
        yield ctx.unverifiable(
            "No REST login was attempted, so nsaudit cannot tell whether the OAuth 2.0/REST connection can log in.",
            missing="a REST login probe", evidence=evidence, code="NS0109",
            manual=("Run nsaudit with OAuth 2.0 client credentials mapped to the connection's user and role.",),
        )
        return
    if rest.ok and login.rest_auth == "oauth2":
        yield ctx.passed(
            f"nsaudit's own OAuth 2.0 login for the connection's user and role worked over REST, which proves "
            f"{'; '.join(OAUTH2_PROVES)} (token-role checks the role is {role!r}). It cannot prove {cannot}: "
            "if the sync still reports a login failure, re-approve access on the consent screen from the "
            "workspace's Accounting page.",
            code="NS0109", evidence={**evidence, "proves": list(OAUTH2_PROVES)},
        )
        return
    if rest.ok:
        yield ctx.unverifiable(
            "nsaudit logged in over REST with a TBA token, which proves REST Web Services for the role but not "
            f"the OAuth 2.0 login the connection uses (Log In using OAuth 2.0 Access Tokens, the OAuth 2.0 "
            f"feature), and not {cannot}.",
            missing="an OAuth 2.0 login of nsaudit's own (client credentials mapped to the connection's user and "
                    "role)", evidence=evidence, code="NS0109",
            manual=(f"In NetSuite open {MANAGE_ROLES} > {role} > Edit > Permissions > Setup and confirm Log In "
                    "using OAuth 2.0 Access Tokens is there; or give nsaudit OAuth 2.0 client credentials "
                    "(docs/credentials.md) and run it again.",),
        )
        return
    said = f" NetSuite said: {rest.code or ''} {rest.detail or ''}".rstrip() if rest.code or rest.detail else ""
    if rest.error in ("auth", "permission"):
        issued = login.rest_auth == "oauth2" and login.token is not None
        lead = (f"NetSuite issued nsaudit an OAuth 2.0 access token for role {role!r} but refused it on the REST "
                "call: the role lacks REST Web Services, or the REST Web Services feature is off"
                if issued else "NetSuite refused nsaudit's REST login for the connection's user and role")
        likely = "; ".join(f"{c.sentence} (look in {c.where})" for c in causes)
        fix = ((*causes[0].fix[:-1], ENABLE_REST_STEP, causes[0].fix[-1]) if issued
               else tuple(dict.fromkeys(step for c in causes for step in c.fix)))
        yield ctx.fail(
            lead + ". The Expensify connection, which logs in the same way, is expected to fail with \"Failed to "
            f"login to NetSuite\" (NS0109).{said} Likely causes: {likely}.",
            code="NS0109", evidence=evidence,
            fix=fix, manual=(LOGIN_AUDIT_STEP,),
        )
        return
    yield ctx.unverifiable(
        "nsaudit could not get an answer over REST, so the OAuth 2.0/REST connection's login was not tested."
        + said + " " + host_hint(ctx.snapshot),
        missing="a usable answer from NetSuite over REST", evidence=evidence, code="NS0109",
        manual=("Check the account id and the network (proxy, firewall, DNS), then run nsaudit again.",),
    )


ENABLE_REST_STEP = (f"If the role has REST Web Services, make sure the REST Web Services feature is on under "
                    f"{ENABLE_FEATURES} > SuiteCloud > SuiteTalk (Web Services).")
