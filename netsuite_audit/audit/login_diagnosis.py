"""What can be learned from outside NetSuite when a token login fails.

NetSuite's answer to a refused token login never says why (the reason is only in the Login Audit
Trail), so the login check adds what the snapshot does show: the account id as the admin typed it
against the form NetSuite wants, the clock skew between this machine and NetSuite, and whether a
network failure looks like a name-resolution failure (usually a wrong account id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netsuite_audit.audit.remedies import (
    COMPANY_INFORMATION,
    ENABLE_OAUTH2,
    M2M_SETUP,
    MANAGE_INTEGRATIONS,
    MANAGE_ROLES,
)
from netsuite_audit.inputs.account_id import AccountId, Environment
from netsuite_audit.snapshot import AccountSnapshot, Probe
from netsuite_audit.support.errors import InputError

# NetSuite refuses a token signature whose timestamp is more than five minutes off its own clock.
MAX_SKEW_SECONDS = 300.0

LOGIN_AUDIT_STEP = (
    "In NetSuite open Setup > Users/Roles > User Management > View Login Audit Trail, find the "
    "integration user's failed attempts and read the Detail column (for example InvalidSignature, "
    "token_rejected, InvalidTimestamp): it names the real reason."
)


_DNS_MARKERS = (
    "name or service not known", "nodename nor servname", "getaddrinfo", "name resolution",
    "nxdomain", "no address associated", "failed to resolve", "dns",
)


def clock_skew(snapshot: AccountSnapshot) -> float | None:
    """Seconds this machine is ahead of NetSuite (negative: behind); the largest seen, or ``None``."""
    seen = [p.clock_skew_seconds for p in (snapshot.login.soap, snapshot.login.rest) if p is not None]
    values = [s for s in seen if s is not None]
    return max(values, key=abs) if values else None


def account_id_notes(snapshot: AccountSnapshot) -> list[str]:
    """Sentences about the account id form that could explain a refused login."""
    info = snapshot.account
    notes: list[str] = []
    typed = info.typed_account_id
    parsed: AccountId | None = None
    if typed is not None:
        try:
            parsed = AccountId.parse(typed)
        except InputError:
            notes.append(f"The account id as entered, {typed!r}, is not a form NetSuite accepts.")
        else:
            if not parsed.typed_in_realm_form:
                notes.append(
                    f"The account id was entered as {typed!r}; NetSuite expects {parsed.realm!r} "
                    "(upper case, underscore). Enter it that way in the workspace connection: other "
                    "forms are refused at login (NS0739)."
                )
            if parsed.realm != info.account_id:
                notes.append(
                    f"nsaudit logged in to account {info.account_id!r}, which is not the account "
                    f"entered ({typed!r}); check which one the integration uses."
                )
    if parsed is None:
        try:
            parsed = AccountId.parse(info.account_id)
        except InputError:
            parsed = None
    if parsed is not None and parsed.environment == Environment.SANDBOX:
        notes.append(
            "This is a sandbox: access tokens are not carried over when a sandbox is refreshed, so a "
            "token created in production, or before the last refresh, does not work here."
        )
    return notes


def looks_like_dns(probe: Probe | None) -> bool:
    text = " ".join(filter(None, (probe.detail, probe.code))).lower() if probe else ""
    return any(marker in text for marker in _DNS_MARKERS)


def host_hint(snapshot: AccountSnapshot) -> str:
    """A sentence naming the host tried; says the account id is probably wrong on a DNS failure."""
    host = snapshot.account.base_url
    if host is None:
        try:
            host = AccountId.parse(snapshot.account.account_id).default_base_url()
        except InputError:
            host = None
    where = f" ({host})" if host else ""
    if looks_like_dns(snapshot.login.soap) or looks_like_dns(snapshot.login.rest):
        return (f"The account's host name{where} did not resolve, which usually means the account id is "
                "wrong: NetSuite builds the host name from it.")
    return f"Host tried: {host}." if host else ""


def probe_evidence(snapshot: AccountSnapshot) -> dict[str, Any]:
    """The facts behind a login finding, secret-free: probe outcomes, account id forms, skew."""
    out: dict[str, Any] = {
        "account_id": snapshot.account.account_id,
        "typed_account_id": snapshot.account.typed_account_id,
        "environment": snapshot.account.environment,
    }
    for name, probe in (("soap", snapshot.login.soap), ("rest", snapshot.login.rest)):
        if probe is not None:
            out[name] = {k: v for k, v in {
                "ok": probe.ok, "error": probe.error, "code": probe.code,
                "http_status": probe.http_status, "detail": probe.detail,
            }.items() if v is not None}
    skew = clock_skew(snapshot)
    if skew is not None:
        out["clock_skew_seconds"] = round(skew, 1)
    return out


# ---- OAuth 2.0 client credentials ------------------------------------------------------------------
# Oracle documents only that the token endpoint answers with RFC 6749 errors (invalid_request,
# invalid_client, invalid_grant, unauthorized_client, invalid_scope). Which cause gets which code, and
# any error_description text, are ASSUMPTIONS: the phrases below are matched loosely, and when none
# matches the diagnosis lists every cause the error code can stand for.
OAUTH_ERROR_CODES = ("invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                     "unsupported_grant_type", "invalid_scope")


@dataclass(frozen=True)
class TokenCause:
    key: str
    sentence: str
    fix: tuple[str, ...]


_CERT_FIX = (
    f"In NetSuite open {M2M_SETUP} and find the mapping for this integration, user and role. The mapping "
    "is per account: it is not copied to sandboxes or Release Preview, and a sandbox refresh removes it.",
    "If it is missing, revoked or expired, create a new mapping (Create New: entity, role, application, "
    "the public certificate) and give nsaudit the new Certificate ID NetSuite shows.",
)

CAUSES: dict[str, TokenCause] = {c.key: c for c in (
    TokenCause("wrong_account", "the token request reached a different account than the one the certificate is "
               "mapped in: check the account id (production 1234567, sandbox 1234567_SB1).",
               ("Use the account id of the account where the M2M mapping was created "
                f"({COMPANY_INFORMATION} > Account ID).", *_CERT_FIX)),
    TokenCause("client_unknown", "no integration record in this account has this client id.",
               (f"In NetSuite open {MANAGE_INTEGRATIONS}, open the integration and copy its Client ID (shown once, "
                "when the record is saved; reset the credentials to see a new one).",)),
    TokenCause("grant_not_allowed", "the integration record does not allow the client credentials grant, or it "
               "is blocked.",
               (f"In NetSuite open {MANAGE_INTEGRATIONS} > the integration > Edit: State Enabled, and under OAuth 2.0 "
                "tick Client Credentials (Machine to Machine) Grant; save.",)),
    TokenCause("certificate_unknown", "the certificate id is not known in this account for this integration.",
               _CERT_FIX),
    TokenCause("certificate_revoked", "the certificate mapping was revoked.", _CERT_FIX),
    TokenCause("certificate_expired", "the mapped certificate has expired.",
               ("Make a new key pair and certificate (docs/credentials.md), map it as a new M2M mapping and "
                "give nsaudit the new Certificate ID and private key.", *_CERT_FIX)),
    TokenCause("signature", "the assertion's signature does not verify with the mapped certificate: the private "
               "key nsaudit signs with is not the key of the certificate uploaded for this Certificate ID.",
               ("Check that the private key file belongs to the certificate uploaded on the mapping page "
                "(openssl x509 -in cert.pem -noout -pubkey and openssl pkey -in key.pem -pubout must match).",
                *_CERT_FIX)),
    TokenCause("algorithm", "the signing algorithm was not accepted. NetSuite takes PS256/384/512 and "
               "ES256/384/512, never RS256.",
               ("Use an EC P-256 key (ES256) or an RSA key with PS256; leave the algorithm setting empty to let "
                "nsaudit choose from the key.",)),
    TokenCause("audience", "the assertion's aud is not this account's token endpoint URL.",
               ("Check the account id and, if set, NSAUDIT_BASE_URL / base_url: aud must be "
                "https://<account>.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token.",)),
    TokenCause("exp_too_far", "the assertion's exp is more than an hour after its iat.",
               ("Assertions must expire within 3600 seconds of being issued.",)),
    TokenCause("clock", "the assertion is not valid by NetSuite's clock (iat in the future or exp already past): "
               "this computer's clock is probably wrong.",
               ("Set this computer's clock from a time server (enable NTP), then run nsaudit again.",)),
    TokenCause("scope", "the scope asked for is not granted on the integration record.",
               (f"In NetSuite open {MANAGE_INTEGRATIONS} > the integration > Edit and tick the scopes nsaudit needs: "
                "REST Web Services (SuiteQL) and, when the nsaudit RESTlet is used, RESTlets.",)),
    TokenCause("entity_inactive", "the mapped user (entity) is inactive or no longer has access.",
               ("Open the employee record: clear Inactive and tick Give Access; or map the certificate to an "
                "active user.",)),
    TokenCause("role_inactive", "the mapped role is inactive, no longer assigned to the user, or lacks Log In "
               "using OAuth 2.0 Access Tokens.",
               (f"Open {MANAGE_ROLES} > the role: active, with Log In using OAuth 2.0 Access "
                "Tokens (Setup tab) at Full; and keep it on the user's Access tab.",)),
    TokenCause("feature_off", "the OAuth 2.0 feature is off in this account.",
               (ENABLE_OAUTH2,)),
    TokenCause("malformed", "NetSuite found the token request malformed.",
               ("Run nsaudit with --debug logging and check the request (no secret is logged).",)),
)}

# ASSUMED phrases of error_description, most specific first.
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("another account",), "wrong_account"),
    (("revoked",), "certificate_revoked"),
    (("certificate", "expired"), "certificate_expired"),
    (("certificate",), "certificate_unknown"),
    (("algorithm",), "algorithm"),
    (("signature",), "signature"),
    (("audience",), "audience"),
    (("3600",), "exp_too_far"),
    (("not valid at this time",), "clock"),
    (("scope",), "scope"),
    (("role",), "role_inactive"),
    (("entity",), "entity_inactive"),
    (("client id",), "client_unknown"),
    (("grant",), "grant_not_allowed"),
    (("not enabled",), "feature_off"),
)

# What each RFC 6749 error can stand for at NetSuite's token endpoint (our reading, not Oracle's).
_BY_CODE: dict[str, tuple[str, ...]] = {
    "invalid_client": ("client_unknown", "certificate_unknown", "certificate_revoked", "certificate_expired",
                       "signature", "algorithm", "audience", "wrong_account", "clock"),
    "invalid_grant": ("entity_inactive", "role_inactive", "certificate_revoked", "clock"),
    "unauthorized_client": ("grant_not_allowed", "feature_off"),
    "invalid_scope": ("scope",),
    "invalid_request": ("malformed", "exp_too_far", "audience"),
    "unsupported_grant_type": ("grant_not_allowed",),
}


def token_causes(code: str | None, description: str | None) -> tuple[TokenCause, ...]:
    """The cause(s) a token-endpoint refusal points at: one when the description names it (ASSUMED
    wording), else every cause its RFC 6749 error code can stand for."""
    text = (description or "").lower()
    for words, key in _PHRASES:
        if text and all(w in text for w in words):
            return (CAUSES[key],)
    keys = _BY_CODE.get(code or "", tuple(CAUSES))
    return tuple(CAUSES[k] for k in keys)


def is_token_refusal(probe: Probe | None) -> bool:
    """True when the REST probe failed at the OAuth 2.0 token endpoint (not on the REST call itself)."""
    return bool(probe and not probe.ok and probe.error == "auth" and probe.code
                and (probe.code in OAUTH_ERROR_CODES or probe.code.startswith("HTTP_")))


# ---- the Expensify OAuth 2.0/REST connection ---------------------------------------------------------

# What nsaudit's own OAuth 2.0 login (client credentials, same user and role) proves about the
# connection, and what it cannot: Expensify's own grant is an authorization-code grant nsaudit never sees.
OAUTH2_PROVES = (
    "the OAuth 2.0 and REST Web Services features are on",
    "the role has Log In using OAuth 2.0 Access Tokens and REST Web Services",
    "the user and the role are active and the role is the user's",
)
OAUTH2_CANNOT_PROVE = (
    "that Expensify's consent grant still stands (an admin can revoke it)",
    "the state of Expensify's integration record (enabled, its Authorization Code Grant and scopes)",
    "that Expensify's refresh token is still valid",
)


@dataclass(frozen=True)
class ConnectionCause:
    """One likely reason an OAuth 2.0/REST connection is refused, with where to look and the fix."""

    key: str
    sentence: str
    where: str
    fix: tuple[str, ...]


def oauth2_connection_causes(role: str) -> tuple[ConnectionCause, ...]:
    """The likely causes when NetSuite refuses the Expensify OAuth 2.0/REST connection (NS0109), in order."""
    from netsuite_audit.audit import remedies as r

    return (
        ConnectionCause(
            "role-lacks-rest", f"role {role!r} lacks REST Web Services or Log In using OAuth 2.0 Access Tokens",
            f"{MANAGE_ROLES} > {role} > Edit > Permissions > Setup",
            (r.UPDATE_BUNDLE, f"Or in {MANAGE_ROLES} > {role} > Edit > Permissions > Setup add REST Web Services "
             "and Log In using OAuth 2.0 Access Tokens at Full; save.", r.REAPPROVE_CONSENT)),
        ConnectionCause(
            "user-or-role-inactive", "the connection user or the role is inactive, or the role was removed from "
            "the user", f"{r.EMPLOYEES} > the connection user > Access tab (Give Access, Roles) and {MANAGE_ROLES}",
            ("Reactivate the user (Give Access) and the role, and add the role on the user's Access tab; save.",
             r.REAPPROVE_CONSENT)),
        ConnectionCause(
            "consent-revoked", "the consent Expensify was given was revoked",
            "Setup > Users/Roles > OAuth 2.0 Authorized Applications (the user's authorized applications)",
            (r.REAPPROVE_CONSENT,)),
        ConnectionCause(
            "feature-off", "the OAuth 2.0 or the REST Web Services feature is off",
            f"{r.ENABLE_FEATURES} > SuiteCloud (Manage Authentication; SuiteTalk (Web Services))",
            (r.ENABLE_OAUTH2, r.ENABLE_REST, r.REAPPROVE_CONSENT)),
    )
