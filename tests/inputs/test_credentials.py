"""Credentials from the environment, the profiles file and the keyring; secrets never shown."""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from netsuite_audit.inputs.credentials import (
    Credentials,
    Secret,
    default_profiles_file,
    keyring_username,
    list_profiles,
    load_credentials,
)
from netsuite_audit.support.errors import InputError

CS = "cs-7f3a9c0d5e1b2a4c6e8f0a1b3c5d7e9f"
TS = "ts-0e2c4a6b8d0f1e3c5a7b9d1f3e5c7a9b"
CK = "ck-1111222233334444"
TK = "tk-5555666677778888"

ENV = {
    "NSAUDIT_ACCOUNT": "1234567_SB1",
    "NSAUDIT_CONSUMER_KEY": CK,
    "NSAUDIT_CONSUMER_SECRET": CS,
    "NSAUDIT_TOKEN_ID": TK,
    "NSAUDIT_TOKEN_SECRET": TS,
}


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def write_profiles(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


INLINE = f"""
[profiles.default]
account = "7654321"
consumer_key = "{CK}"
consumer_secret = "{CS}"
token_id = "{TK}"
token_secret = "{TS}"

[profiles.sandbox]
account = "7654321-sb2"
consumer_key = "{CK}"
consumer_secret = "{CS}"
token_id = "{TK}"
token_secret = "{TS}"
base_url = "http://127.0.0.1:9000/"

[profiles.vault]
account = "TSTDRV1234567"
consumer_key = "{CK}"
token_id = "{TK}"
secrets = "keyring"
"""


def assert_no_secret(text: str) -> None:
    assert CS not in text
    assert TS not in text


# -- Secret ----------------------------------------------------------------------------------


def test_secret_never_shows_itself() -> None:
    secret = Secret(CS)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>20}", "%s" % secret):  # noqa: UP031
        assert_no_secret(text)
        assert "********" in text
    assert secret.reveal() == CS


def test_secret_equality_and_hash() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert len({Secret("a"), Secret("a"), Secret("b")}) == 2


def test_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(CS))


# -- environment -----------------------------------------------------------------------------


def test_from_env(tmp_path: Path) -> None:
    creds = load_credentials(env=ENV, profiles_file=tmp_path / "none.toml")
    assert creds.account.realm == "1234567_SB1"
    assert creds.consumer_key == CK and creds.token_id == TK
    assert creds.consumer_secret.reveal() == CS and creds.token_secret.reveal() == TS
    assert creds.base_url == "https://1234567-sb1.suitetalk.api.netsuite.com"
    assert creds.source == "env"
    assert creds.profile is None
    assert creds.base_url_overridden is False


def test_env_base_url_override(tmp_path: Path) -> None:
    env = {**ENV, "NSAUDIT_BASE_URL": "http://127.0.0.1:8080/"}
    creds = load_credentials(env=env, profiles_file=tmp_path / "none.toml")
    assert creds.base_url == "http://127.0.0.1:8080"
    assert creds.base_url_overridden is True


@pytest.mark.parametrize(
    "missing", ["NSAUDIT_CONSUMER_KEY", "NSAUDIT_CONSUMER_SECRET", "NSAUDIT_TOKEN_ID", "NSAUDIT_TOKEN_SECRET"]
)
def test_env_missing_variable_is_named(tmp_path: Path, missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(InputError) as caught:
        load_credentials(env=env, profiles_file=tmp_path / "none.toml")
    assert caught.value.source == f"env {missing}"
    assert_no_secret(str(caught.value))


def test_env_bad_account_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials(env={**ENV, "NSAUDIT_ACCOUNT": "acme corp"}, profiles_file=tmp_path / "x.toml")
    assert caught.value.source == "env NSAUDIT_ACCOUNT"
    assert "acme corp" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://example.test", "not a url", "https://example.test/?a=1"])
def test_bad_base_url(tmp_path: Path, url: str) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials(env={**ENV, "NSAUDIT_BASE_URL": url}, profiles_file=tmp_path / "x.toml")
    assert caught.value.source == "env NSAUDIT_BASE_URL"


def test_base_url_with_password_is_refused_without_echo(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials(
            env={**ENV, "NSAUDIT_BASE_URL": "https://user:hunter2@proxy.test"}, profiles_file=tmp_path / "x"
        )
    assert "hunter2" not in str(caught.value)


# -- profiles file ---------------------------------------------------------------------------


def test_named_inline_profile(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE)
    creds = load_credentials("sandbox", profiles_file=path, env={})
    assert creds.account.realm == "7654321_SB2"
    assert creds.base_url == "http://127.0.0.1:9000"
    assert creds.source == f"profile:sandbox ({path})"
    assert creds.profile == "sandbox"
    assert creds.token_secret == Secret(TS)


def test_env_base_url_overrides_profile(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE)
    creds = load_credentials("sandbox", profiles_file=path, env={"NSAUDIT_BASE_URL": "http://127.0.0.1:7000"})
    assert creds.base_url == "http://127.0.0.1:7000"


def test_resolution_order(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE)
    # a named profile wins over the environment
    assert load_credentials("sandbox", profiles_file=path, env=ENV).profile == "sandbox"
    # the environment wins over the default profile
    assert load_credentials(profiles_file=path, env=ENV).source == "env"
    # the default profile when nothing else is given
    creds = load_credentials(profiles_file=path, env={})
    assert creds.profile == "default"
    assert creds.account.realm == "7654321"
    assert creds.base_url == "https://7654321.suitetalk.api.netsuite.com"


def test_profiles_file_location_from_env(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE)
    env = {"NSAUDIT_PROFILES_FILE": str(path)}
    assert default_profiles_file(env) == path
    assert load_credentials(env=env).profile == "default"
    assert list_profiles(env=env) == ["default", "sandbox", "vault"]


def test_default_profiles_file_is_in_the_user_config_dir() -> None:
    path = default_profiles_file({})
    assert path.name == "profiles.toml"
    assert "nsaudit" in str(path)


def test_nothing_configured_explains_the_three_options(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials(env={}, profiles_file=tmp_path / "absent.toml")
    text = str(caught.value)
    assert "NSAUDIT_ACCOUNT" in text and "NSAUDIT_TOKEN_SECRET" in text
    assert "[profiles.default]" in text
    assert "--profile" in text


def test_no_default_profile_and_no_env(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE.replace("[profiles.default]", "[profiles.prod]"))
    with pytest.raises(InputError):
        load_credentials(env={}, profiles_file=path)


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, INLINE)
    with pytest.raises(InputError) as caught:
        load_credentials("prod", profiles_file=path, env={})
    assert "sandbox" in str(caught.value)
    assert caught.value.source == str(path)


def test_named_profile_without_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials("prod", profiles_file=tmp_path / "absent.toml", env=ENV)
    assert caught.value.source == str(tmp_path / "absent.toml")


def test_list_profiles_without_file(tmp_path: Path) -> None:
    assert list_profiles(tmp_path / "absent.toml") == []


KEYS = 'consumer_key = "k"\ntoken_id = "t"\n'
BOTH = 'consumer_secret = "x"\ntoken_secret = "y"\n'


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('account = "1"\n' + KEYS + 'token_secret = "x"', "profiles.p.consumer_secret"),
        (KEYS + BOTH, "profiles.p.account"),
        ('account = "12_XY3"\n' + KEYS + BOTH, "profiles.p.account"),
        ('account = "1"\n' + KEYS + BOTH + 'base_url = "nowhere"', "profiles.p.base_url"),
        (
            'account = "1"\nconsumer_key = "k"\ntoken_id = "t"\nsecrets = "vault"',
            "profiles.p.secrets",
        ),
        (
            'account = "1"\nconsumer_key = "k"\ntoken_id = "t"\nsecrets = "keyring"\ntoken_secret = "y"',
            "profiles.p.token_secret",
        ),
        (
            'account = "1"\nconsumer_key = "k"\ntoken_id = "t"\nconsumer_secet = "x"\ntoken_secret = "y"',
            "profiles.p",
        ),
    ],
    ids=["no-secret", "no-account", "bad-account", "bad-url", "bad-secrets-mode", "both-places", "typo"],
)
def test_bad_profile_fields_are_named(tmp_path: Path, body: str, field: str) -> None:
    path = write_profiles(tmp_path, f"[profiles.p]\n{body}\n")
    with pytest.raises(InputError) as caught:
        load_credentials("p", profiles_file=path, env={})
    assert caught.value.source == str(path)
    assert caught.value.field == field


def test_non_string_secret_is_not_echoed(tmp_path: Path) -> None:
    text = '[profiles.p]\naccount = "1"\nconsumer_key = "k"\ntoken_id = "t"\ntoken_secret = "y"\n'
    text += "consumer_secret = 918273645546372819\n"
    path = write_profiles(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_credentials("p", profiles_file=path, env={})
    assert caught.value.field == "profiles.p.consumer_secret"
    assert "918273645546372819" not in str(caught.value)


def test_invalid_toml_names_the_file_without_echoing_it(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, f'[profiles.p]\nconsumer_secret = "{CS}\n')
    with pytest.raises(InputError) as caught:
        load_credentials("p", profiles_file=path, env={})
    assert caught.value.source == str(path)
    assert_no_secret(str(caught.value))


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o622, 0o620, 0o602, 0o610, 0o601])
def test_warns_once_on_any_group_or_other_access(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                 memory_keyring: MemoryKeyring, mode: int) -> None:
    """Write and execute bits count too (mode 622 used to be silent); the warning is printed once per file."""
    memory_keyring.set_password("nsaudit", "vault:consumer_secret", CS)
    memory_keyring.set_password("nsaudit", "vault:token_secret", TS)
    path = write_profiles(tmp_path, INLINE, mode=mode)
    with caplog.at_level(logging.WARNING, logger="netsuite_audit.inputs.credentials"):
        load_credentials("vault", profiles_file=path, env={})
        load_credentials("vault", profiles_file=path, env={})
        list_profiles(profiles_file=path)
    warnings = [r.getMessage() for r in caplog.records if "chmod 600" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert oct(mode) in warnings[0]
    assert_no_secret(caplog.text)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o622, 0o620, 0o602])
def test_inline_secrets_in_a_shared_file_are_refused(tmp_path: Path, mode: int) -> None:
    """Readable by others: the secrets are already out. Writable by others: someone else can point
    base_url at their own server. Either way an inline-secret profile is refused (exit 2)."""
    path = write_profiles(tmp_path, INLINE, mode=mode)
    with pytest.raises(InputError) as caught:
        load_credentials("sandbox", profiles_file=path, env={})
    assert caught.value.source == str(path)
    assert caught.value.field == "profiles.sandbox"
    assert "chmod 600" in str(caught.value)
    assert_no_secret(str(caught.value))


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_inline_secrets_with_only_execute_bits_load_with_a_warning(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    path = write_profiles(tmp_path, INLINE, mode=0o611)
    with caplog.at_level(logging.WARNING, logger="netsuite_audit.inputs.credentials"):
        assert load_credentials("sandbox", profiles_file=path, env={}).profile == "sandbox"
    assert any("others can execute" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_no_warning_for_a_private_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_profiles(tmp_path, INLINE, mode=0o600)
    with caplog.at_level(logging.WARNING, logger="netsuite_audit.inputs.credentials"):
        load_credentials("sandbox", profiles_file=path, env={})
    assert caplog.records == []


# -- keyring ---------------------------------------------------------------------------------


def test_keyring_profile(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("nsaudit", "vault:consumer_secret", CS)
    memory_keyring.set_password("nsaudit", keyring_username("vault", "token_secret"), TS)
    path = write_profiles(tmp_path, INLINE)
    creds = load_credentials("vault", profiles_file=path, env={})
    assert creds.consumer_secret.reveal() == CS
    assert creds.token_secret.reveal() == TS
    assert creds.source.startswith("keyring:vault")
    assert creds.account.realm == "TSTDRV1234567"
    assert_no_secret(repr(creds))


def test_keyring_missing_secret_says_how_to_add_it(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("nsaudit", "vault:consumer_secret", CS)
    path = write_profiles(tmp_path, INLINE)
    with pytest.raises(InputError) as caught:
        load_credentials("vault", profiles_file=path, env={})
    assert "keyring set nsaudit vault:token_secret" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_unusable_keyring_is_an_input_error(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        path = write_profiles(tmp_path, INLINE)
        with pytest.raises(InputError) as caught:
            load_credentials("vault", profiles_file=path, env={})
        assert "keyring" in str(caught.value)
    finally:
        keyring.set_keyring(previous)


# -- safe display ----------------------------------------------------------------------------


def test_repr_str_and_describe_hide_secrets(tmp_path: Path) -> None:
    creds = load_credentials(env=ENV, profiles_file=tmp_path / "none.toml")
    assert isinstance(creds, Credentials)
    assert_no_secret(repr(creds))
    assert_no_secret(str(creds))
    described = creds.describe()
    assert_no_secret(repr(described))
    assert described == {
        "account": "1234567_SB1",
        "environment": "sandbox",
        "base_url": "https://1234567-sb1.suitetalk.api.netsuite.com",
        "source": "env",
        "auth": "tba",
        "consumer_key": "****4444",
        "token_id": "****8888",
    }


def test_credentials_are_frozen(tmp_path: Path) -> None:
    creds = load_credentials(env=ENV, profiles_file=tmp_path / "none.toml")
    with pytest.raises(AttributeError):
        creds.base_url = "http://elsewhere"  # type: ignore[misc]
