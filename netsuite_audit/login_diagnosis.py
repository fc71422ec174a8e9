"""What can be learned from outside NetSuite when a token login fails.

NetSuite's answer to a refused token login never says why (the reason is only in the Login Audit
Trail), so the login check adds what the snapshot does show: the account id as the admin typed it
against the form NetSuite wants, the clock skew between this machine and NetSuite, and whether a
network failure looks like a name-resolution failure (usually a wrong account id).
"""

from __future__ import annotations

from typing import Any

from netsuite_audit.account_id import AccountId, Environment
from netsuite_audit.errors import InputError
from netsuite_audit.snapshot import AccountSnapshot, Probe

# NetSuite refuses a token signature whose timestamp is more than five minutes off its own clock.
MAX_SKEW_SECONDS = 300.0

LOGIN_AUDIT_STEP = (
    "In NetSuite open Setup > Users/Roles > User Management > View Login Audit Trail, find the "
    "integration user's failed attempts and read the Detail column (for example InvalidSignature, "
    "token_rejected, InvalidTimestamp): it names the real reason."
)

SYNC_NOW = (
    "Then in the workspace open Accounting, use the three-dot menu beside the NetSuite connection, "
    "choose Sync Now, and retry."
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
