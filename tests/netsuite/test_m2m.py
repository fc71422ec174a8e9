"""OAuth 2.0 client credentials end to end: `nsaudit run` against the simulator with a key pair made
here, every token-endpoint refusal cause with its diagnosis, scopes, Bearer on SOAP, and the same
findings as a TBA run for everything REST can read."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.netsuite import m2m
from netsuite_audit.simulator.fixture import parse_fixture
from netsuite_audit.simulator.m2m_keys import KeyPair, generate_key_pair, with_mapping, write_private_key
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.simulator.trail import Cause
from tests.support.e2e import FIXTURES, account_data, find

WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
CERT_ID = "cert-4d9a1c2e7b"
USER, ROLE, APP = 5, 1001, 1


@pytest.fixture(scope="module")
def pair() -> KeyPair:
    return generate_key_pair("ec")


def _serve(data: dict[str, Any], pair: KeyPair, *, revoked: bool = False, expires: dt.date | None = None,
           clock_offset: float = 0.0) -> SimServer:
    fixture = with_mapping(parse_fixture(copy.deepcopy(data), "test"), certificate=pair.certificate_pem,
                           certificate_id=CERT_ID, entity=USER, role=ROLE, application=APP, revoked=revoked,
                           expires=expires)
    return SimServer(fixture, clock_offset=clock_offset)


def _env(server: SimServer, tmp: Path, pem: str, **override: str) -> dict[str, str]:
    key_file = write_private_key(pem, tmp)
    data = server.account.fixture
    env = {
        "NSAUDIT_ACCOUNT": data.account_id,
        "NSAUDIT_CLIENT_ID": next(i for i in data.integrations if i.id == APP).consumer_key,
        "NSAUDIT_CERTIFICATE_ID": CERT_ID,
        "NSAUDIT_PRIVATE_KEY_FILE": str(key_file),
        "NSAUDIT_BASE_URL": server.url,
        "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml"),
    }
    env.update(override)
    return env


def _run(env: dict[str, str], out: Path) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["run", "--workspace", str(WORKSPACE), "--no-progress", "-f",
                                      f"json:{out}", "-f", "text"], env=env, catch_exceptions=False)
    body = json.loads(out.read_text()) if out.exists() else {}
    return result.exit_code, body, result.stdout + result.stderr


def _login(body: dict[str, Any]) -> dict[str, Any]:
    found = [f for f in body["findings"] if f["check_id"] == "login"]
    assert len(found) == 1, found
    return found[0]


# ---- logging in with OAuth 2.0 alone -----------------------------------------------------------------
def test_oauth2_alone_logs_in_and_reads_over_rest(pair: KeyPair, tmp_path: Path) -> None:
    with _serve(account_data("demo"), pair) as server:
        code, body, _ = _run(_env(server, tmp_path, pair.private_pem), tmp_path / "r.json")
        counters = server.counters
        trail = server.trail.entries()
    assert code == 1
    login = _login(body)
    assert login["status"] == "UNVERIFIABLE"
    assert "accept only token-based authentication" in login["message"]
    assert login["evidence"]["token_subject"] == f"{ROLE};{USER}"
    assert not any(k.startswith("soap.") for k in counters.requests), counters.requests
    assert counters.requests["rest.token"] == 1  # one token for the whole run
    assert [e.protocol for e in trail if e.protocol == "token"] == ["token"]
    assert all(e.success for e in trail)


def _problems(body: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {(f["id"], f["status"], f.get("code")) for f in body["findings"]}


def test_same_findings_as_tba_for_everything_rest_reads(tmp_path: Path) -> None:
    runner = CliRunner()
    bodies = []
    for auth in ("tba", "oauth2"):
        out = tmp_path / f"{auth}.json"
        result = runner.invoke(cli, ["run", "--demo", "--auth", auth, "--no-progress", "-f", f"json:{out}"],
                               env={"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")})
        assert result.exit_code == 1, result.output
        bodies.append(json.loads(out.read_text()))
    tba, oauth2 = (_problems(b) for b in bodies)
    assert len(tba) > 40
    # Only the SOAP login differs: it needs TBA, so with OAuth 2.0 alone it is UNVERIFIABLE with the reason.
    assert tba - oauth2 == {("login", "PASS", None)}
    assert oauth2 - tba == {("login", "UNVERIFIABLE", "NS0109")}
    assert bodies[1]["exit_code"] == bodies[0]["exit_code"]


def test_both_kinds_each_transport_uses_its_own(pair: KeyPair, tmp_path: Path) -> None:
    data = account_data("demo")
    token = find(data["tokens"], id=1)
    integration = find(data["integrations"], id=token["integration"])
    with _serve(data, pair) as server:
        env = _env(server, tmp_path, pair.private_pem, NSAUDIT_CONSUMER_KEY=integration["consumer_key"],
                   NSAUDIT_CONSUMER_SECRET=integration["consumer_secret"], NSAUDIT_TOKEN_ID=token["token_id"],
                   NSAUDIT_TOKEN_SECRET=token["token_secret"])
        code, body, _ = _run(env, tmp_path / "r.json")
        trail = server.trail.entries()
    assert code == 1
    assert _login(body)["status"] == "PASS"
    soap = [e for e in trail if e.protocol == "soap"]
    rest = [e for e in trail if e.protocol == "rest"]
    assert soap and all(e.token == token["name"] for e in soap)  # SOAP with the TBA token
    assert rest and all(e.token == f"M2M certificate {CERT_ID}" for e in rest)  # REST with the Bearer token


# ---- every refusal cause, end to end -------------------------------------------------------------------
def _rs256(key: m2m.M2MKey, *, audience: str, scopes: tuple[str, ...], now: float, lifetime: int = 300) -> str:
    """What a client signing with RSA PKCS#1 v1.5 would send (nsaudit itself refuses to)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode({"iss": key.client_id, "scope": list(scopes), "aud": audience, "iat": int(now),
                       "exp": int(now) + 300}, private, algorithm="RS256",
                      headers={"kid": key.certificate_id, "typ": "JWT"})


def _tampered(**claims: Any) -> Callable[..., str]:
    def build(key: m2m.M2MKey, *, audience: str, scopes: tuple[str, ...], now: float, lifetime: int = 300) -> str:
        from netsuite_audit.inputs.m2m_keys import load_private_key

        payload = {"iss": key.client_id, "scope": list(scopes), "aud": audience, "iat": int(now),
                   "exp": int(now) + 300, **claims}
        if "exp_after" in claims:
            payload["exp"] = int(now) + payload.pop("exp_after")
        private = load_private_key(key.private_key.reveal(), source="test")
        return jwt.encode(payload, private, algorithm=key.algorithm,  # type: ignore[arg-type]
                          headers={"kid": key.certificate_id, "typ": "JWT"})
    return build


def _patch(path: list[str], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        section, ident, field = path
        find(data[section], id=int(ident))[field] = value
    return apply


@dataclass(frozen=True)
class RefusalCase:
    name: str
    cause: Cause
    key: str  # the diagnosis' cause key
    words: str  # a phrase the finding's message must contain
    data: Callable[[dict[str, Any]], None] | None = None
    env: dict[str, str] | None = None
    mapping: dict[str, Any] | None = None
    assertion: Callable[..., str] | None = None
    other_key: bool = False
    status: str = "FAIL"


CASES = [
    RefusalCase("wrong account id", Cause.M2M_WRONG_ACCOUNT, "wrong_account", "different account",
                env={"NSAUDIT_ACCOUNT": "1234567_SB1"}),
    RefusalCase("unknown client id", Cause.M2M_CLIENT_UNKNOWN, "client_unknown", "no integration record",
                env={"NSAUDIT_CLIENT_ID": "0" * 64}),
    RefusalCase("grant not ticked", Cause.M2M_GRANT_NOT_ALLOWED, "grant_not_allowed", "client credentials grant",
                data=_patch(["integrations", "1", "client_credentials"], False)),
    RefusalCase("certificate id unknown", Cause.M2M_CERTIFICATE_UNKNOWN, "certificate_unknown",
                "certificate id is not known", env={"NSAUDIT_CERTIFICATE_ID": "cert-not-mapped"}),
    RefusalCase("certificate revoked", Cause.M2M_CERTIFICATE_REVOKED, "certificate_revoked", "was revoked",
                mapping={"revoked": True}),
    RefusalCase("certificate expired", Cause.M2M_CERTIFICATE_EXPIRED, "certificate_expired", "has expired",
                mapping={"expires": dt.date.today() - dt.timedelta(days=2)}),
    RefusalCase("signature does not verify", Cause.M2M_INVALID_SIGNATURE, "signature", "does not verify",
                other_key=True),
    RefusalCase("algorithm not accepted", Cause.M2M_ALGORITHM_REJECTED, "algorithm", "never RS256",
                assertion=_rs256),
    RefusalCase("aud wrong", Cause.M2M_AUDIENCE_REJECTED, "audience", "aud is not this account",
                assertion=_tampered(aud="https://login.example.invalid/token")),
    RefusalCase("exp too far ahead", Cause.M2M_EXPIRY_TOO_FAR, "exp_too_far", "more than an hour",
                assertion=_tampered(exp_after=7200)),
    RefusalCase("scope not granted", Cause.M2M_SCOPE_REJECTED, "scope", "scope asked for",
                data=_patch(["integrations", "1", "scopes"], ["restlets"])),
    RefusalCase("user inactive", Cause.M2M_ENTITY_INACTIVE, "entity_inactive", "user (entity) is inactive",
                data=_patch(["employees", "5", "inactive"], True)),
    RefusalCase("role inactive", Cause.M2M_ROLE_INACTIVE, "role_inactive", "role is inactive",
                data=_patch(["roles", "1001", "inactive"], True)),
    RefusalCase("OAuth 2.0 feature off", Cause.M2M_FEATURE_DISABLED, "feature_off", "OAuth 2.0 feature is off",
                data=lambda d: d["features"].update(OAUTH2=False)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_token_refusal_diagnosis(case: RefusalCase, pair: KeyPair, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = account_data("demo")
    if case.data is not None:
        case.data(data)
    if case.assertion is not None:
        monkeypatch.setattr(m2m, "build_assertion", case.assertion)
    key_pem = generate_key_pair("ec").private_pem if case.other_key else pair.private_pem
    with _serve(data, pair, **(case.mapping or {})) as server:
        code, body, output = _run(_env(server, tmp_path, key_pem, **(case.env or {})), tmp_path / "r.json")
        causes = server.trail.causes()
        requests_made = server.counters.requests
    assert causes == [case.cause.value], causes  # one refused token request, nothing more
    assert requests_made.get("rest.token") == 1
    assert code == 3, output
    login = _login(body)
    assert login["status"] == case.status
    assert login["code"] == "NS0109"
    assert case.words in login["message"], login["message"]
    assert login["evidence"]["oauth2"]["causes"] == [case.key]
    assert "RFC 6749" in login["evidence"]["oauth2"]["documented"]
    assert login["fix"]


def test_clock_skew_is_diagnosed_from_the_date_header(pair: KeyPair, tmp_path: Path) -> None:
    with _serve(account_data("demo"), pair, clock_offset=900) as server:
        code, body, _ = _run(_env(server, tmp_path, pair.private_pem), tmp_path / "r.json")
        causes = server.trail.causes()
    assert causes == [Cause.M2M_CLOCK_SKEW.value]
    assert code == 3
    login = _login(body)
    assert login["status"] == "UNVERIFIABLE"
    assert "clock is 900 seconds behind" in login["message"] or "clock is 899 seconds behind" in login["message"]
    assert login["missing"] == "a correct clock on the machine running nsaudit"


def test_unknown_description_lists_every_cause_of_the_code() -> None:
    from netsuite_audit.audit.login_diagnosis import token_causes

    assert [c.key for c in token_causes("invalid_scope", None)] == ["scope"]
    many = [c.key for c in token_causes("invalid_client", "")]
    assert {"signature", "certificate_unknown", "client_unknown", "wrong_account"} <= set(many)


# ---- scopes, Bearer checks, SOAP refuses Bearer ---------------------------------------------------------
def _token(server: SimServer, pair: KeyPair, scopes: tuple[str, ...]) -> str:
    creds = _creds(server, pair)
    client = m2m.TokenClient(creds, session=requests.Session(), scopes=scopes)
    return client.token().value.reveal()


def _creds(server: SimServer, pair: KeyPair, tmp: Path | None = None) -> Any:
    from netsuite_audit.inputs.account_id import AccountId
    from netsuite_audit.inputs.credentials import Credentials
    from netsuite_audit.inputs.m2m_keys import build_key

    fixture = server.account.fixture
    key = build_key(client_id=next(i for i in fixture.integrations if i.id == APP).consumer_key,
                    certificate_id=CERT_ID, pem=pair.private_pem, algorithm=None, scopes=None,
                    key_source="test", source="test")
    return Credentials(account=AccountId.parse(fixture.account_id), base_url=server.url, source="test", oauth2=key)


def test_scopes_are_enforced_per_endpoint(pair: KeyPair) -> None:
    with _serve(account_data("demo"), pair) as server:
        rest_only = _token(server, pair, ("rest_webservices",))
        restlet_only = _token(server, pair, ("restlets",))
        script, deploy = server.account.fixture.restlet.script, server.account.fixture.restlet.deploy
        restlet_url = f"{server.url}/app/site/hosting/restlet.nl?script={script}&deploy={deploy}"
        time_url = f"{server.url}/services/rest/system/v1/serverTime"
        assert requests.get(time_url, headers={"Authorization": f"Bearer {rest_only}"}).status_code == 200
        assert requests.get(restlet_url, headers={"Authorization": f"Bearer {rest_only}"}).status_code == 401
        assert requests.get(restlet_url, headers={"Authorization": f"Bearer {restlet_only}"}).status_code == 200
        assert requests.get(time_url, headers={"Authorization": f"Bearer {restlet_only}"}).status_code == 401
        forged = rest_only[:-4] + ("AAAA" if not rest_only.endswith("AAAA") else "BBBB")
        assert requests.get(time_url, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        causes = server.trail.causes()
    assert causes == [Cause.BEARER_SCOPE_MISSING.value, Cause.BEARER_SCOPE_MISSING.value, Cause.BEARER_REJECTED.value]


def test_access_token_carries_role_and_entity_and_lives_an_hour(pair: KeyPair) -> None:
    with _serve(account_data("demo"), pair) as server:
        creds = _creds(server, pair)
        client = m2m.TokenClient(creds, session=requests.Session(), scopes=("rest_webservices",))
        token = client.token()
        again = client.token()
    assert again is token and client.fetches == 1  # kept in memory, not fetched per request
    assert token.subject == f"{ROLE};{USER}" and (token.role_id, token.entity_id) == (ROLE, USER)
    assert token.expires_in == 3600
    claims = jwt.decode(token.value.reveal(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600 and claims["iss"] == "https://system.netsuite.com"


def test_soap_refuses_bearer(pair: KeyPair) -> None:
    with _serve(account_data("demo"), pair) as server:
        token = _token(server, pair, ("rest_webservices",))
        envelope = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
                    '<soapenv:Body><getServerTime xmlns="urn:messages_2025_2.platform.webservices.netsuite.com"/>'
                    '</soapenv:Body></soapenv:Envelope>')
        answer = requests.post(f"{server.url}/services/NetSuitePort_2025_2", data=envelope,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "text/xml",
                                        "SOAPAction": "getServerTime"})
        causes = server.trail.causes()
    assert answer.status_code == 500 and "invalidCredentialsFault" in answer.text
    assert causes == [Cause.BEARER_ON_SOAP.value]


# ---- who the token runs as: the sub claim, without the oauthtoken table --------------------------------
@pytest.mark.parametrize(("role", "status"), [(ROLE, "PASS"), (3, "UNVERIFIABLE")])
def test_token_role_from_sub_for_an_oauth2_connection(role: int, status: str, pair: KeyPair,
                                                      tmp_path: Path) -> None:
    data = account_data("demo")
    fixture = with_mapping(parse_fixture(copy.deepcopy(data), "test"), certificate=pair.certificate_pem,
                           certificate_id=CERT_ID, entity=USER, role=role, application=APP)
    workspace = tmp_path / "ws.toml"
    workspace.write_text(WORKSPACE.read_text().replace('application = "Expensify"\n',
                                                        'application = "Expensify"\nauth = "oauth2"\n'))
    with SimServer(fixture) as server:
        env = _env(server, tmp_path, pair.private_pem)
        result = CliRunner().invoke(cli, ["run", "--workspace", str(workspace), "--no-progress", "-f",
                                          f"json:{tmp_path / 'r.json'}"], env=env, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    body = json.loads((tmp_path / "r.json").read_text())
    found = [f for f in body["findings"] if f["check_id"] == "token-role" and f["status"] != "WARN"
             and (f["subject"] or {}).get("kind") == "integration"]
    # the demo account still has the Expensify TBA tokens: the account contradicts the workspace, said as such
    assert any(f["check_id"] == "token-role" and f["status"] == "WARN" and "does not guess" in f["message"]
               for f in body["findings"])
    assert [f["status"] for f in found] == [status]
    assert found[0]["evidence"]["subject"] == f"{role};{USER}"
    assert "oauthtoken table is not needed" in found[0]["evidence"]["source"]
    # no access-token-list finding: an OAuth 2.0 connection has no access tokens
    assert not any(f["check_id"] == "token-role" and (f["subject"] or {}).get("kind") == "token"
                   for f in body["findings"])


def test_demo_key_pair_is_made_for_the_run_and_removed() -> None:
    import stat

    from netsuite_audit.simulator.demo import demo_session

    with demo_session(auth="oauth2") as session:
        assert session.creds.oauth2 is not None and session.audit_creds.oauth2 is not None
        key_file = Path(session.creds.oauth2.key_source.removeprefix("file "))
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert not session.creds.has_tba and session.creds.auth == "oauth2"
    assert not key_file.exists() and not key_file.parent.exists()


@pytest.mark.parametrize(("kind", "algorithm"), [("rsa", None), ("rsa", "PS384"), ("rsa", "PS512"),
                                                 ("ec", None), ("ec384", None)])
def test_simulator_verifies_every_accepted_algorithm(kind: str, algorithm: str | None) -> None:
    from netsuite_audit.inputs.account_id import AccountId
    from netsuite_audit.inputs.credentials import Credentials
    from netsuite_audit.inputs.m2m_keys import build_key

    pair = generate_key_pair(kind)  # type: ignore[arg-type]
    with _serve(account_data("demo"), pair) as server:
        fixture = server.account.fixture
        key = build_key(client_id=next(i for i in fixture.integrations if i.id == APP).consumer_key,
                        certificate_id=CERT_ID, pem=pair.private_pem, algorithm=algorithm, scopes=None,
                        key_source="test", source="test")
        creds = Credentials(account=AccountId.parse(fixture.account_id), base_url=server.url, source="test",
                            oauth2=key)
        token = m2m.TokenClient(creds, session=requests.Session(), scopes=("rest_webservices",)).token()
        header = jwt.get_unverified_header(server.account.seen_assertions[-1])
    assert token.subject == f"{ROLE};{USER}"
    assert header["alg"] == (algorithm or {"rsa": "PS256", "ec": "ES256", "ec384": "ES384"}[kind])


# ---- the access token's sub claim ------------------------------------------------------------------
def test_sub_documented_form_is_role_then_entity() -> None:
    from netsuite_audit.netsuite.m2m import parse_sub

    claim = parse_sub("1111;10")
    assert (claim.form, claim.role_id, claim.entity_id, claim.certain) == ("role;entity", 1111, 10, True)


def test_sub_of_oracles_sample_token_is_accepted_but_not_certain() -> None:
    from netsuite_audit.netsuite.m2m import parse_sub

    claim = parse_sub("4030059;0;3;7;N")
    assert claim.form == "five-part" and not claim.certain
    assert (claim.role_id, claim.entity_id) == (4030059, 0)


@pytest.mark.parametrize("sub", ["", None, "1001", "1001;5;6", "a;b", "-3;5", "1;2;3;4;5", "1001;5;x"])
def test_sub_in_any_other_form_names_no_role(sub: str | None) -> None:
    from netsuite_audit.netsuite.m2m import parse_sub

    claim = parse_sub(sub)
    assert claim.role_id is None and claim.entity_id is None and not claim.certain
