"""What the login check can say from outside NetSuite: account id form, clock skew, DNS."""

from __future__ import annotations

from typing import Any

import pytest

from netsuite_audit.audit.login_diagnosis import (
    account_id_notes,
    clock_skew,
    host_hint,
    looks_like_dns,
    probe_evidence,
)
from netsuite_audit.snapshot import AccountSnapshot, Probe
from tests.support.check_cases import build_snapshot


def _snap(account: dict[str, Any] | None = None, **login: dict[str, Any]) -> AccountSnapshot:
    patch: dict[str, Any] = {}
    if account is not None:
        patch["account"] = account
    if login:
        patch["login"] = login
    return build_snapshot(patch)


def test_clock_skew_takes_the_largest_either_way() -> None:
    snap = _snap(
        soap={"protocol": "soap", "ok": False, "date_header": "2026-11-22T12:00:00Z",
              "local_time": "2026-11-22T11:50:00Z"},
        rest={"protocol": "rest", "ok": False, "date_header": "2026-11-22T12:00:00Z",
              "local_time": "2026-11-22T12:01:00Z"},
    )
    assert clock_skew(snap) == -600.0
    assert clock_skew(_snap(soap={"protocol": "soap", "ok": False})) is None


@pytest.mark.parametrize(("typed", "realm", "env", "expect"), [
    ("1234567", "1234567", "production", []),
    ("1234567-sb1", "1234567_SB1", "sandbox", ["expects '1234567_SB1'", "sandbox"]),
    ("1234567_sb1", "1234567_SB1", "sandbox", ["expects '1234567_SB1'", "sandbox"]),
    ("1234567_SB1", "1234567_SB1", "sandbox", ["sandbox"]),
    ("7654321", "1234567", "production", ["not the account entered"]),
    ("acme corp", "1234567", "production", ["not a form NetSuite accepts"]),
])
def test_account_id_notes(typed: str, realm: str, env: str, expect: list[str]) -> None:
    notes = account_id_notes(_snap({"account_id": realm, "typed_account_id": typed, "environment": env}))
    assert len(notes) == len(expect), notes
    for note, text in zip(notes, expect, strict=True):
        assert text in note


def test_dns_failure_points_at_the_account_id() -> None:
    detail = "Failed to resolve '1234567.suitetalk.api.netsuite.com' ([Errno -2] Name or service not known)"
    snap = _snap(soap={"protocol": "soap", "ok": False, "error": "network", "detail": detail})
    assert looks_like_dns(snap.login.soap)
    hint = host_hint(snap)
    assert "account id is wrong" in hint and "https://1234567.suitetalk.api.netsuite.com" in hint


def test_other_network_failure_just_names_the_host() -> None:
    snap = _snap(soap={"protocol": "soap", "ok": False, "error": "network", "detail": "Connection refused"})
    assert not looks_like_dns(snap.login.soap)
    assert host_hint(snap) == "Host tried: https://1234567.suitetalk.api.netsuite.com."
    assert not looks_like_dns(None)


def test_probe_evidence_has_no_secrets_and_skips_empty_fields() -> None:
    snap = _snap(soap=Probe(protocol="soap", ok=False, error="auth", code="INVALID_LOGIN_ATTEMPT").model_dump())
    evidence = probe_evidence(snap)
    assert evidence["soap"] == {"ok": False, "error": "auth", "code": "INVALID_LOGIN_ATTEMPT"}
    assert "rest" not in evidence and "clock_skew_seconds" not in evidence
    assert not any("secret" in key.lower() for key in evidence)
