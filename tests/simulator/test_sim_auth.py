"""The simulator's token-based login checks: Oracle's published vectors, every refusal over real HTTP,
the generic 401 body, and the Login Audit Trail recording the real cause."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from netsuite_audit.simulator.account import SimAccount
from netsuite_audit.simulator.auth import Authenticator, LoginRefused, OAuthRequest
from netsuite_audit.simulator.fixture import AccountFixture, parse_fixture
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.simulator.trail import Cause

GENERIC_401 = {
    "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [
        {
            "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI "
            "at Setup > Users/Roles > User Management > View Login Audit Trail.",
            "o:errorCode": "INVALID_LOGIN",
        }
    ],
}
SERVER_TIME = "/services/rest/system/v1/serverTime"

# Oracle's published TBA example (netsuite-api.md section 1.4).
ORACLE = {
    "token": "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
    "token_secret": "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
    "consumer_key": "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
    "consumer_secret": "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
    "nonce": "fjaLirsIcCGVZWzBX0pg",
    "timestamp": 1508242306,
}


def vector_account(account_id: str, consumer_key: str, consumer_secret: str, token: str,
                   token_secret: str) -> AccountFixture:
    perms = {"ADMI_LOGIN_OAUTH": "Full", "ADMI_RESTWEBSERVICES": "Full", "ADMI_WEBSERVICES": "Full"}
    return parse_fixture({
        "account_id": account_id,
        "company_name": "Vector Co",
        "features": {"TBA": True, "RESTWEBSERVICES": True, "SOAPWEBSERVICES": True},
        "subsidiaries": [{"id": 1, "name": "HQ"}],
        "roles": [{"id": 3, "name": "Integration", "permissions": perms}],
        "employees": [{"id": 40, "entityid": "Vector User", "give_access": True, "roles": [3]}],
        "integrations": [{"id": 1, "name": "App", "consumer_key": consumer_key,
                          "consumer_secret": consumer_secret}],
        "tokens": [{"id": 1, "name": "Vector token", "token_id": token, "token_secret": token_secret,
                    "user": 40, "role": 3, "integration": 1}],
    })


def oracle_authenticator() -> Authenticator:
    fixture = vector_account("123456", ORACLE["consumer_key"], ORACLE["consumer_secret"], ORACLE["token"],
                             ORACLE["token_secret"])
    return Authenticator(fixture, clock=lambda: ORACLE["timestamp"] + 10)


def oracle_header(signature: str) -> str:
    return (
        f'OAuth realm="123456", oauth_token="{ORACLE["token"]}", '
        f'oauth_consumer_key="{ORACLE["consumer_key"]}", oauth_nonce="{ORACLE["nonce"]}", '
        f'oauth_timestamp="{ORACLE["timestamp"]}", oauth_signature_method="HMAC-SHA256", '
        f'oauth_version="1.0", oauth_signature="{signature}"'
    )


ORACLE_URL = "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"


def test_oracle_rest_vector_is_accepted() -> None:
    auth = oracle_authenticator()
    header = oracle_header("B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D")
    principal = auth.authenticate_oauth(OAuthRequest("GET", ORACLE_URL, header), protocol="rest")
    assert principal.employee.id == 40
    assert principal.role.name == "Integration"


def test_oracle_rest_vector_on_another_path_is_refused() -> None:
    auth = oracle_authenticator()
    header = oracle_header("B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D")
    with pytest.raises(LoginRefused) as refused:
        auth.authenticate_oauth(OAuthRequest("GET", ORACLE_URL[:-2] + "41", header), protocol="rest")
    assert refused.value.cause is Cause.INVALID_SIGNATURE


def test_query_parameters_are_part_of_the_signed_string() -> None:
    fixture = vector_account("123456_SB1", "ck", "cs", "tk", "ts")
    auth = Authenticator(fixture, clock=lambda: 1_700_000_000)
    header = (
        'OAuth realm="123456_SB1", oauth_nonce="abcdefabcdef", oauth_timestamp="1700000000", '
        'oauth_version="1.0", oauth_signature_method="HMAC-SHA256", oauth_consumer_key="ck", '
        'oauth_token="tk", oauth_signature="2IRAPx21Dxft3gIanSRu7uLQSBEsyqEU3yWW8Bz18lo%3D"'
    )
    url = "https://123456-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0"
    assert auth.authenticate_oauth(OAuthRequest("POST", url, header), protocol="rest").token.token_id == "tk"
    with pytest.raises(LoginRefused) as refused:
        auth.authenticate_oauth(OAuthRequest("POST", url.replace("offset=0", "offset=1000"), header),
                                protocol="rest")
    # The first attempt used the nonce; the tampered one fails on the signature before that matters.
    assert refused.value.cause is Cause.INVALID_SIGNATURE


# ---------------------------------------------------------------------------------------- SOAP
def oracle_account() -> SimAccount:
    fixture = vector_account("123456", ORACLE["consumer_key"], ORACLE["consumer_secret"], ORACLE["token"],
                             ORACLE["token_secret"])
    return SimAccount(fixture, clock_offset=ORACLE["timestamp"] + 5 - time.time())


def passport(**overrides: str) -> dict[str, str]:
    values = {
        "account": "123456",
        "consumer_key": ORACLE["consumer_key"],
        "token": ORACLE["token"],
        "nonce": ORACLE["nonce"],
        "timestamp": str(ORACLE["timestamp"]),
        "signature": "tIcC5zyKUmycB5Ml/cNxOHDusw03Y5KPQiXVNUHHp4U=",
        "algorithm": "HMAC-SHA256",
    }
    values.update(overrides)
    return values


def test_oracle_soap_passport_vector_is_accepted_and_trailed() -> None:
    account = oracle_account()
    principal = account.verify_passport(**passport())
    assert principal is not None and principal.employee.id == 40
    entry = account.trail.last()
    assert entry is not None and entry.success and entry.protocol == "soap"
    assert entry.token == "Vector token"
    assert account.can_use_soap(principal)


def test_soap_accepts_the_underscore_algorithm_spelling() -> None:
    assert oracle_account().verify_passport(**passport(algorithm="HMAC_SHA256")) is not None


@pytest.mark.parametrize(
    ("overrides", "cause"),
    [
        ({"account": "123456-sb1"}, Cause.PARAMETER_REJECTED),
        ({"algorithm": "HMAC-SHA1"}, Cause.UNKNOWN_ALGORITHM),
        ({"signature": "tIcC5zyKUmycB5Ml/cNxOHDusw03Y5KPQiXVNUHHp4V="}, Cause.INVALID_SIGNATURE),
        ({"nonce": ""}, Cause.MISSING_FIELDS),
        ({"timestamp": str(ORACLE["timestamp"] - 400)}, Cause.INVALID_TIMESTAMP),
        ({"consumer_key": "nope"}, Cause.CONSUMER_KEY_UNKNOWN),
        ({"token": "nope"}, Cause.TOKEN_REJECTED),
    ],
)
def test_soap_passport_refusals_record_the_cause(overrides: dict[str, str], cause: Cause) -> None:
    account = oracle_account()
    assert account.verify_passport(**passport(**overrides)) is None
    entry = account.trail.last()
    assert entry is not None and not entry.success
    assert entry.cause == cause


def test_soap_passport_nonce_cannot_be_reused() -> None:
    account = oracle_account()
    assert account.verify_passport(**passport()) is not None
    assert account.verify_passport(**passport()) is None
    assert account.trail.causes() == [Cause.NONCE_USED]


def test_soap_permission_is_checked_separately() -> None:
    fixture = vector_account("123456", ORACLE["consumer_key"], ORACLE["consumer_secret"], ORACLE["token"],
                             ORACLE["token_secret"])
    data = fixture.model_dump(by_alias=True)
    data["roles"][0]["permissions"]["ADMI_WEBSERVICES"] = "None"
    account = SimAccount(parse_fixture(data), clock_offset=ORACLE["timestamp"] - time.time())
    principal = account.verify_passport(**passport())
    assert principal is not None
    assert not account.can_use_soap(principal)
    assert account.counters.refusals == {"permission": 1}


# ---------------------------------------------------------------------------- REST over HTTP
def get_time(server: SimServer, auth: Any) -> requests.Response:
    return requests.get(server.url + SERVER_TIME, auth=auth, timeout=5)


def assert_refused(response: requests.Response, server: SimServer, cause: str) -> None:
    assert response.status_code == 401
    assert response.json() == GENERIC_401
    assert response.headers.get("Date")
    entry = server.trail.last()
    assert entry is not None and not entry.success
    assert entry.cause == cause, entry.line()


TbaFactory = Callable[..., OAuth1]


def test_valid_login_is_accepted_and_trailed(sim_server: Any, mini_account: dict[str, Any],
                                             tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    response = get_time(server, tba(server, 1))
    assert response.status_code == 200, response.text
    entry = server.trail.last()
    assert entry is not None and entry.success
    assert (entry.protocol, entry.token, entry.user, entry.role) == (
        "rest", "Expensify - Ada", "Ada Integrator", "Expense Integration")


@pytest.mark.parametrize(
    ("token_id", "options", "cause"),
    [
        (1, {"consumer_secret": "not-the-secret"}, Cause.INVALID_SIGNATURE),
        (2, {}, Cause.TOKEN_REJECTED),  # revoked
        (1, {"realm": "1234567-sb1"}, Cause.PARAMETER_REJECTED),
        (1, {"realm": "1234567_sb1"}, Cause.PARAMETER_REJECTED),
        (1, {"realm": "1234567"}, Cause.PARAMETER_REJECTED),
        (4, {}, Cause.PERMISSION_DENIED),  # inactive role
        (3, {}, Cause.PERMISSION_DENIED),  # role without REST Web Services
        (7, {}, Cause.PERMISSION_DENIED),  # inactive user
        (8, {}, Cause.PERMISSION_DENIED),  # role without Log in using Access Tokens
        (6, {}, Cause.CONSUMER_KEY_REFUSED),  # blocked integration
        (1, {"timestamp": str(int(time.time()) - 4000)}, Cause.INVALID_TIMESTAMP),  # set at collection:
        (1, {"timestamp": str(int(time.time()) + 4000)}, Cause.INVALID_TIMESTAMP),  # far off, stays off
        (1, {"nonce": "abc12"}, Cause.NONCE_REJECTED),
        (1, {"nonce": "abc-defghij"}, Cause.NONCE_REJECTED),
        (1, {"nonce": "a" * 65}, Cause.NONCE_REJECTED),
        (1, {"signature_method": "HMAC-SHA1"}, Cause.UNKNOWN_ALGORITHM),
    ],
)
def test_rest_refusals(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory, token_id: int,
                       options: dict[str, str], cause: Cause) -> None:
    server = sim_server(mini_account)
    assert_refused(get_time(server, tba(server, token_id, **options)), server, cause)


def test_unknown_consumer_key(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    auth = OAuth1("ck-nobody", "cs", "tk-0001", "ts-secret-0001", signature_method="HMAC-SHA256",
                  realm="1234567_SB1")
    assert_refused(get_time(server, auth), server, Cause.CONSUMER_KEY_UNKNOWN)


def test_token_of_another_integration_is_rejected(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    # Consumer key of integration 1 with the token that belongs to integration 2.
    auth = OAuth1("ck-expensify-0001", "cs-expensify-secret-0001", "tk-0006", "ts-secret-0006",
                  signature_method="HMAC-SHA256", realm="1234567_SB1")
    assert_refused(get_time(server, auth), server, Cause.TOKEN_REJECTED)


def test_reused_nonce_is_refused(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    stamp = str(int(time.time()))
    first = get_time(server, tba(server, 1, nonce="SameNonce123", timestamp=stamp))
    assert first.status_code == 200
    assert_refused(get_time(server, tba(server, 1, nonce="SameNonce123", timestamp=stamp)), server,
                   Cause.NONCE_USED)


def test_wrong_oauth_version_is_refused(sim_server: Any, mini_account: dict[str, Any],
                                        tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    prepared = requests.Request("GET", server.url + SERVER_TIME, auth=tba(server, 1)).prepare()
    raw = prepared.headers["Authorization"]
    header = raw.decode() if isinstance(raw, bytes) else raw
    assert 'oauth_version="1.0"' in header
    prepared.headers["Authorization"] = header.replace('oauth_version="1.0"', 'oauth_version="2.0"')
    with requests.Session() as session:
        response = session.send(prepared, timeout=5)
    assert_refused(response, server, Cause.VERSION_REJECTED)


def test_missing_authorization_header(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account)
    assert_refused(requests.get(server.url + SERVER_TIME, timeout=5), server, Cause.PARAMETER_REJECTED)


@pytest.mark.parametrize(("feature", "cause"), [("TBA", Cause.FEATURE_DISABLED),
                                                 ("RESTWEBSERVICES", Cause.FEATURE_DISABLED)])
def test_features_off_refuse_login(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory,
                                   feature: str, cause: Cause) -> None:
    mini_account["features"][feature] = False
    server = sim_server(mini_account)
    assert_refused(get_time(server, tba(server, 1)), server, cause)


def test_server_clock_offset_makes_fresh_requests_stale(sim_server: Any, mini_account: dict[str, Any],
                                                        tba: TbaFactory) -> None:
    server = sim_server(mini_account, clock_offset=900)
    response = get_time(server, tba(server, 1))
    assert_refused(response, server, Cause.INVALID_TIMESTAMP)
    # The Date header runs on the skewed server clock, which lets a client diagnose the skew.
    skew = parsedate_to_datetime(response.headers["Date"]).timestamp() - time.time()
    assert 880 < skew < 920


def test_restlet_needs_no_rest_permission_but_the_same_login(sim_server: Any, mini_account: dict[str, Any],
                                                             tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    url = server.url + "/app/site/hosting/restlet.nl"
    ok = requests.get(url, params={"script": 77, "deploy": 1}, auth=tba(server, 3), timeout=5)
    assert ok.status_code == 200  # token 3's role lacks REST Web Services; RESTlets do not need it
    bad = requests.get(url, params={"script": 77, "deploy": 1}, auth=tba(server, 2), timeout=5)
    assert bad.status_code == 401
    assert bad.json() == {"error": {"code": "INVALID_LOGIN_ATTEMPT", "message": "Invalid login attempt."}}
    entry = server.trail.last()
    assert entry is not None and (entry.protocol, entry.cause) == ("restlet", Cause.TOKEN_REJECTED)


def test_no_secret_reaches_trail_body_or_reprs(sim_server: Any, mini_account: dict[str, Any],
                                               tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    bodies = [get_time(server, tba(server, n)).text for n in (1, 2, 3, 6)]
    bodies.append(get_time(server, tba(server, 1, consumer_secret="wrong")).text)
    texts = [e.line() for e in server.trail.entries()] + [repr(e) for e in server.trail.entries()]
    texts += [*bodies, repr(server.fixture.tokens), repr(server.fixture.integrations)]
    secrets = [t["token_secret"] for t in mini_account["tokens"]]
    secrets += [i["consumer_secret"] for i in mini_account["integrations"]]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_trail_listener_sees_entries_as_they_happen(sim_server: Any, mini_account: dict[str, Any],
                                                    tba: TbaFactory) -> None:
    server = sim_server(mini_account)
    seen: list[str] = []
    server.trail.subscribe(lambda entry: seen.append(entry.line()))
    get_time(server, tba(server, 2))
    assert len(seen) == 1 and "token_rejected" in seen[0] and "Revoked token" in seen[0]


def test_healthy_fixture_tokens_log_in(sim: SimServer, tba: TbaFactory) -> None:
    for token_id in (1, 2):
        response = get_time(sim, tba(sim, token_id))
        assert response.status_code == 200, (token_id, response.text)
    assert [e.success for e in sim.trail.entries()] == [True, True]


def test_fixture_copy_is_independent(mini_account: dict[str, Any]) -> None:
    # Guard for the shared conftest data: editing one test's copy never leaks into another.
    other = copy.deepcopy(mini_account)
    other["features"]["TBA"] = False
    assert mini_account["features"]["TBA"] is True
    assert json.dumps(mini_account)
