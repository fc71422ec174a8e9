"""Account ids in the forms admins paste, and the realm/host forms NetSuite wants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsuite_audit.inputs.account_id import AccountId, Environment
from netsuite_audit.support.errors import InputError


@pytest.mark.parametrize(
    ("text", "realm", "host", "environment"),
    [
        ("1234567", "1234567", "1234567", Environment.PRODUCTION),
        ("1234567_SB1", "1234567_SB1", "1234567-sb1", Environment.SANDBOX),
        ("1234567-sb1", "1234567_SB1", "1234567-sb1", Environment.SANDBOX),
        ("1234567_sb1", "1234567_SB1", "1234567-sb1", Environment.SANDBOX),
        ("1234567-SB2", "1234567_SB2", "1234567-sb2", Environment.SANDBOX),
        ("TSTDRV1234567", "TSTDRV1234567", "tstdrv1234567", Environment.TEST_DRIVE),
        ("tstdrv1234567", "TSTDRV1234567", "tstdrv1234567", Environment.TEST_DRIVE),
        ("1234567_RP1", "1234567_RP1", "1234567-rp1", Environment.RELEASE_PREVIEW),
        ("  1234567_SB1 ", "1234567_SB1", "1234567-sb1", Environment.SANDBOX),
    ],
)
def test_forms(text: str, realm: str, host: str, environment: Environment) -> None:
    account = AccountId.parse(text)
    assert account.realm == realm
    assert str(account) == realm
    assert account.host == host
    assert account.environment is environment
    assert account.default_base_url() == f"https://{host}.suitetalk.api.netsuite.com"


def test_typed_in_realm_form() -> None:
    assert AccountId.parse("1234567_SB1").typed_in_realm_form
    assert not AccountId.parse("1234567-sb1").typed_in_realm_form
    assert not AccountId.parse("1234567_sb1").typed_in_realm_form


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "acme",
        "1234567_XX1",
        "1234567_SB",
        "1234567__SB1",
        "1234567 SB1",
        "_SB1",
        "1234567.app.netsuite.com",
        "https://1234567.app.netsuite.com",
        "TSTDRV",
    ],
)
def test_invalid_ids_name_the_field(text: str) -> None:
    with pytest.raises(InputError) as caught:
        AccountId.parse(text, source="profiles.toml", field="profiles.prod.account")
    error = caught.value
    assert error.source == "profiles.toml"
    assert error.field == "profiles.prod.account"
    assert "profiles.prod.account" in str(error)
    assert "1234567_SB1" in str(error)  # the message shows the expected forms


def test_non_string_is_refused() -> None:
    with pytest.raises(InputError):
        AccountId.parse(1234567)  # type: ignore[arg-type]


@given(
    base=st.integers(min_value=1, max_value=10**9),
    kind=st.sampled_from(["SB", "RP"]),
    number=st.integers(min_value=1, max_value=9),
    sep=st.sampled_from(["_", "-"]),
    upper=st.booleans(),
)
def test_every_spelling_gives_the_same_realm_and_host(
    base: int, kind: str, number: int, sep: str, upper: bool
) -> None:
    suffix = f"{kind}{number}" if upper else f"{kind}{number}".lower()
    account = AccountId.parse(f"{base}{sep}{suffix}")
    assert account.realm == f"{base}_{kind}{number}"
    assert account.host == f"{base}-{kind.lower()}{number}"
    assert AccountId.parse(account.host).realm == account.realm
    assert AccountId.parse(account.realm).host == account.host
