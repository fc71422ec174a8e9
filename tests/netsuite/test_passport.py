"""tokenPassport signing: Oracle's published SOAP vector, fresh values per passport, no secret shown."""

from __future__ import annotations

import re
import time

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite.passport import ALGORITHM, build_passport, passport_signature

# Oracle's help page "The Signature for Web Services and RESTlets" (netsuite-api.md section 1.4).
VECTOR = {
    "account": "123456",
    "consumer_key": "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
    "token": "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
    "nonce": "fjaLirsIcCGVZWzBX0pg",
    "timestamp": "1508242306",
    "consumer_secret": "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
    "token_secret": "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
}
EXPECTED = "tIcC5zyKUmycB5Ml/cNxOHDusw03Y5KPQiXVNUHHp4U="


def _creds(account: str = "123456_sb1") -> Credentials:
    return Credentials(
        account=AccountId.parse(account),
        consumer_key=VECTOR["consumer_key"],
        consumer_secret=Secret(VECTOR["consumer_secret"]),
        token_id=VECTOR["token"],
        token_secret=Secret(VECTOR["token_secret"]),
        base_url="https://123456-sb1.suitetalk.api.netsuite.com",
        source="test",
    )


def test_reproduces_oracles_published_soap_signature() -> None:
    assert passport_signature(**VECTOR) == EXPECTED


def test_timestamp_may_be_an_int() -> None:
    assert passport_signature(**{**VECTOR, "timestamp": 1508242306}) == EXPECTED


def test_every_input_changes_the_signature() -> None:
    for key in VECTOR:
        changed = {**VECTOR, key: VECTOR[key] + "1"}
        assert passport_signature(**changed) != EXPECTED, key


def test_build_passport_with_fixed_values_matches_the_vector() -> None:
    creds = _creds("123456")
    passport = build_passport(creds, nonce=VECTOR["nonce"], timestamp=1508242306)
    assert passport.signature == EXPECTED
    assert passport.algorithm == ALGORITHM == "HMAC-SHA256"
    assert passport.account == "123456"


def test_passport_uses_realm_form_and_fresh_nonce_and_timestamp() -> None:
    creds = _creds("123456-SB1")
    before = int(time.time())
    first, second = build_passport(creds), build_passport(creds)
    assert first.account == second.account == "123456_SB1"
    assert first.nonce != second.nonce
    for passport in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9]{20,}", passport.nonce)
        assert before <= passport.timestamp <= int(time.time()) + 1
        assert passport.signature == passport_signature(
            account="123456_SB1", consumer_key=creds.consumer_key, token=creds.token_id,
            nonce=passport.nonce, timestamp=passport.timestamp,
            consumer_secret=VECTOR["consumer_secret"], token_secret=VECTOR["token_secret"],
        )


def test_passport_text_forms_hold_no_secret() -> None:
    passport = build_passport(_creds())
    shown = repr(passport) + str(passport) + repr(passport.as_header())
    assert VECTOR["consumer_secret"] not in shown
    assert VECTOR["token_secret"] not in shown
    assert passport.signature not in repr(passport)


def test_header_form_puts_algorithm_on_the_signature() -> None:
    header = build_passport(_creds(), nonce="abcdefghij0123456789", timestamp=1700000000).as_header()
    assert header["account"] == "123456_SB1"
    assert header["timestamp"] == 1700000000
    assert header["signature"] == {"_value_1": header["signature"]["_value_1"], "algorithm": "HMAC-SHA256"}  # type: ignore[index]
