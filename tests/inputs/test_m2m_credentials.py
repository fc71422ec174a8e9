"""OAuth 2.0 client-credentials inputs and the client: where the key comes from, the key-file mode rule,
algorithms, the assertion as Oracle documents it, and the access token's life in memory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest
import requests
import responses
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.inputs.credentials import load_credentials
from netsuite_audit.netsuite import m2m
from netsuite_audit.netsuite.errors import AuthenticationError
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.simulator.m2m_keys import KeyPair, generate_key_pair, write_private_key
from netsuite_audit.support.errors import InputError
from tests.inputs.test_credentials import MemoryKeyring, memory_keyring  # noqa: F401  (fixture)

CLIENT_ID = "client-0123456789abcdef"
CERT_ID = "cert-fedcba9876543210"


@pytest.fixture(scope="module")
def ec_pair() -> KeyPair:
    return generate_key_pair("ec")


@pytest.fixture(scope="module")
def rsa_pair() -> KeyPair:
    return generate_key_pair("rsa")


def _env(key_file: Path, **extra: str) -> dict[str, str]:
    return {"NSAUDIT_ACCOUNT": "1234567_SB1", "NSAUDIT_CLIENT_ID": CLIENT_ID, "NSAUDIT_CERTIFICATE_ID": CERT_ID,
            "NSAUDIT_PRIVATE_KEY_FILE": str(key_file), **extra}


# ---- sources ----------------------------------------------------------------------------------------
def test_env_key_file_gives_oauth2_only(ec_pair: KeyPair, tmp_path: Path) -> None:
    creds = load_credentials(env=_env(write_private_key(ec_pair.private_pem, tmp_path)),
                             profiles_file=tmp_path / "none.toml")
    assert creds.auth == "oauth2" and not creds.has_tba
    assert creds.oauth2 is not None and creds.oauth2.algorithm == "ES256"
    described = creds.describe()
    assert described["auth"] == "oauth2" and described["certificate_id"] == "****3210"
    assert ec_pair.private_pem not in repr(creds) and "PRIVATE" not in repr(creds)


def test_env_pem_text_and_rsa_default_to_ps256(rsa_pair: KeyPair, tmp_path: Path) -> None:
    env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CLIENT_ID": CLIENT_ID, "NSAUDIT_CERTIFICATE_ID": CERT_ID,
           "NSAUDIT_PRIVATE_KEY": rsa_pair.private_pem}
    creds = load_credentials(env=env, profiles_file=tmp_path / "none.toml")
    assert creds.oauth2 is not None and creds.oauth2.algorithm == "PS256"
    assert creds.oauth2.key_source == "env NSAUDIT_PRIVATE_KEY"


def test_both_kinds_from_env(ec_pair: KeyPair, tmp_path: Path) -> None:
    env = _env(write_private_key(ec_pair.private_pem, tmp_path), NSAUDIT_CONSUMER_KEY="ck",
               NSAUDIT_CONSUMER_SECRET="cs", NSAUDIT_TOKEN_ID="tk", NSAUDIT_TOKEN_SECRET="ts")
    assert load_credentials(env=env, profiles_file=tmp_path / "none.toml").auth == "both"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_key_file_readable_by_others_is_refused(mode: int, ec_pair: KeyPair, tmp_path: Path) -> None:
    key_file = write_private_key(ec_pair.private_pem, tmp_path)
    key_file.chmod(mode)
    with pytest.raises(InputError, match="accessible to other users") as caught:
        load_credentials(env=_env(key_file), profiles_file=tmp_path / "none.toml")
    assert "chmod 600" in str(caught.value) and "\n" not in str(caught.value)


def test_cli_refuses_open_key_file_with_one_line_exit_2(ec_pair: KeyPair, tmp_path: Path) -> None:
    key_file = write_private_key(ec_pair.private_pem, tmp_path)
    key_file.chmod(0o644)
    result = CliRunner().invoke(cli, ["run", "--no-progress"],
                                env={**_env(key_file), "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "NSAUDIT_PRIVATE_KEY_FILE" in lines[0] and "Traceback" not in result.output


@pytest.mark.parametrize(("algorithm", "words"), [
    ("RS256", "not accepted by NetSuite"), ("HS256", "is not one of"), ("ES256", "needs an EC key"),
])
def test_algorithm_requests_that_cannot_work_are_refused(algorithm: str, words: str, rsa_pair: KeyPair,
                                                          tmp_path: Path) -> None:
    env = _env(write_private_key(rsa_pair.private_pem, tmp_path), NSAUDIT_OAUTH2_ALGORITHM=algorithm)
    with pytest.raises(InputError, match=words):
        load_credentials(env=env, profiles_file=tmp_path / "none.toml")


def test_ps512_on_request(rsa_pair: KeyPair, tmp_path: Path) -> None:
    env = _env(write_private_key(rsa_pair.private_pem, tmp_path), NSAUDIT_OAUTH2_ALGORITHM="ps512")
    creds = load_credentials(env=env, profiles_file=tmp_path / "none.toml")
    assert creds.oauth2 is not None and creds.oauth2.algorithm == "PS512"


def test_not_a_key_is_one_line_without_the_text(tmp_path: Path) -> None:
    env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CLIENT_ID": CLIENT_ID, "NSAUDIT_CERTIFICATE_ID": CERT_ID,
           "NSAUDIT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXRleHQ=\n-----END PRIVATE KEY-----"}
    with pytest.raises(InputError) as caught:
        load_credentials(env=env, profiles_file=tmp_path / "none.toml")
    assert "c2VjcmV0" not in str(caught.value) and "not a PEM private key" in str(caught.value)


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(body, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_profile_with_oauth2(ec_pair: KeyPair, tmp_path: Path) -> None:
    key_file = write_private_key(ec_pair.private_pem, tmp_path)
    path = _profile(tmp_path, f'[profiles.m2m]\nauth = "oauth2"\naccount = "1234567"\nclient_id = "{CLIENT_ID}"\n'
                              f'certificate_id = "{CERT_ID}"\nprivate_key_file = "{key_file}"\n'
                              'scopes = ["rest_webservices"]\n')
    creds = load_credentials("m2m", profiles_file=path, env={})
    assert creds.auth == "oauth2" and creds.oauth2 is not None
    assert creds.oauth2.scopes == ("rest_webservices",)


def test_profile_tba_fields_in_oauth2_profile_are_refused(ec_pair: KeyPair, tmp_path: Path) -> None:
    key_file = write_private_key(ec_pair.private_pem, tmp_path)
    path = _profile(tmp_path, f'[profiles.m2m]\nauth = "oauth2"\naccount = "1234567"\nclient_id = "{CLIENT_ID}"\n'
                              f'certificate_id = "{CERT_ID}"\nprivate_key_file = "{key_file}"\ntoken_id = "x"\n')
    with pytest.raises(InputError, match=r"profiles\.m2m\.token_id"):
        load_credentials("m2m", profiles_file=path, env={})


def test_profile_key_from_keyring(ec_pair: KeyPair, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:  # noqa: F811
    memory_keyring.set_password("nsaudit", "m2m:private_key", ec_pair.private_pem)
    path = _profile(tmp_path, f'[profiles.m2m]\nauth = "oauth2"\naccount = "1234567"\nclient_id = "{CLIENT_ID}"\n'
                              f'certificate_id = "{CERT_ID}"\nsecrets = "keyring"\n')
    creds = load_credentials("m2m", profiles_file=path, env={})
    assert creds.oauth2 is not None and creds.oauth2.key_source == "keyring nsaudit/m2m:private_key"


# ---- the assertion ----------------------------------------------------------------------------------
@pytest.mark.parametrize("pair_name", ["ec_pair", "rsa_pair"])
def test_assertion_as_oracle_documents_it(pair_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    pair: KeyPair = request.getfixturevalue(pair_name)
    creds = load_credentials(env=_env(write_private_key(pair.private_pem, tmp_path)),
                             profiles_file=tmp_path / "none.toml")
    assert creds.oauth2 is not None
    now = time.time()
    token = m2m.build_assertion(creds.oauth2, audience=m2m.token_audience(creds), scopes=("rest_webservices",),
                                now=now)
    header = jwt.get_unverified_header(token)
    assert header == {"typ": "JWT", "alg": creds.oauth2.algorithm, "kid": CERT_ID}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == CLIENT_ID and claims["scope"] == ["rest_webservices"]
    assert claims["aud"] == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"
    assert claims["iat"] == int(now) and 0 < claims["exp"] - claims["iat"] <= 3600
    with pytest.raises(ValueError):
        m2m.build_assertion(creds.oauth2, audience="x", scopes=(), now=now, lifetime=3601)


# ---- the token in memory: reuse, refresh before expiry, once more after a 401 ---------------------------
def _client_creds(pair: KeyPair, tmp_path: Path) -> object:
    env = _env(write_private_key(pair.private_pem, tmp_path), NSAUDIT_BASE_URL="https://ns.test")
    return load_credentials(env=env, profiles_file=tmp_path / "none.toml")


def _token_body(sub: str = "1001;5", lifetime: int = 3600) -> str:
    value = jwt.encode({"sub": sub, "scope": ["rest_webservices"], "exp": int(time.time()) + lifetime},
                       "simulated-netsuite-signing-key-32b", algorithm="HS256")
    return json.dumps({"access_token": value, "expires_in": str(lifetime), "token_type": "Bearer"})


@responses.activate
def test_token_reused_refreshed_near_expiry_and_after_401(ec_pair: KeyPair, tmp_path: Path) -> None:
    creds = _client_creds(ec_pair, tmp_path)
    token_url = "https://ns.test" + m2m.TOKEN_PATH
    time_url = "https://ns.test/services/rest/system/v1/serverTime"
    responses.add(responses.POST, token_url, body=_token_body(), content_type="application/json")
    responses.add(responses.GET, time_url, json={"serverTime": "2026-12-01T10:00:00.000Z"})
    responses.add(responses.GET, time_url, status=401, json={"o:errorDetails": [{"detail": "x",
                                                                                "o:errorCode": "INVALID_LOGIN"}]})
    responses.add(responses.GET, time_url, json={"serverTime": "2026-12-01T10:00:01.000Z"})
    client = RestClient(creds, retry=RetryPolicy(attempts=1), scopes=("rest_webservices",))  # type: ignore[arg-type]
    client.server_time()
    assert client.tokens is not None and client.tokens.fetches == 1
    client.server_time()  # 401 -> the token is dropped and fetched again, the call repeated once
    assert client.tokens.fetches == 2
    sent = [c.request for c in responses.calls]
    assert [r.method for r in sent] == ["POST", "GET", "GET", "POST", "GET"]
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in sent if r.method == "GET")
    form = dict(p.split("=", 1) for p in str(sent[0].body).split("&"))
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
    assert sent[0].headers["Content-Type"] == "application/x-www-form-urlencoded"


@responses.activate
def test_token_fetched_again_shortly_before_expiry(ec_pair: KeyPair, tmp_path: Path) -> None:
    creds = _client_creds(ec_pair, tmp_path)
    responses.add(responses.POST, "https://ns.test" + m2m.TOKEN_PATH, body=_token_body(),
                  content_type="application/json")
    now = [1_000_000.0]
    client = m2m.TokenClient(creds, session=requests.Session(), scopes=("rest_webservices",),  # type: ignore[arg-type]
                             clock=lambda: now[0])
    first = client.token()
    now[0] += 3600 - m2m.REFRESH_MARGIN_S - 5
    assert client.token() is first
    now[0] += 10
    assert client.token() is not first and client.fetches == 2


@responses.activate
def test_refusal_is_remembered_not_repeated(ec_pair: KeyPair, tmp_path: Path) -> None:
    creds = _client_creds(ec_pair, tmp_path)
    responses.add(responses.POST, "https://ns.test" + m2m.TOKEN_PATH, status=401,
                  json={"error": "invalid_client"}, headers={"Date": "Tue, 01 Dec 2026 10:00:00 GMT"})
    client = m2m.TokenClient(creds, session=requests.Session(), scopes=("rest_webservices",))  # type: ignore[arg-type]
    for _ in range(3):
        with pytest.raises(m2m.TokenRefused) as caught:
            client.token()
    assert isinstance(caught.value, AuthenticationError)
    assert caught.value.code == "invalid_client" and caught.value.date_header
    assert len(responses.calls) == 1


@pytest.mark.parametrize("key", ["private_key", "private_key_file", "client_id", "certificate_id"])
def test_oauth2_credentials_are_refused_in_the_configuration_file(key: str, tmp_path: Path) -> None:
    from netsuite_audit.commands.config import load_config

    path = tmp_path / "nsaudit.toml"
    path.write_text(f'{key} = "value-that-must-not-be-here"\n', encoding="utf-8")
    with pytest.raises(InputError, match="credentials do not belong") as caught:
        load_config(path)
    assert "value-that-must-not-be-here" not in str(caught.value)
