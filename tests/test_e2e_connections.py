"""Each Expensify connection kind end to end through the CLI against the simulator (docs/connections.md).

OAuth 2.0 over REST: the simulated account's Expensify connection is made OAuth 2.0/REST
(simulator/connections.py); nsaudit logs in with its own client-credentials mapping for the same user
and role, and the role may read role permissions (Bulk Manage Roles at View), as in the issue's account.
TBA over SOAP: the fixtures as written, audited as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.simulator.connections import oauth2_rest
from netsuite_audit.simulator.fixture import AccountFixture, load_fixture
from netsuite_audit.simulator.m2m_keys import KeyPair, generate_key_pair, with_mapping, write_private_key
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES

CERT_ID = "cert-i19-connections"
USER, ROLE = 5, 1001


@pytest.fixture(scope="module")
def pair() -> KeyPair:
    return generate_key_pair("ec")


def _oauth2_account(pair: KeyPair, drop: tuple[str, ...] = (), account: str = "healthy") -> AccountFixture:
    fixture = oauth2_rest(load_fixture(FIXTURES / "accounts" / f"{account}.json"), role=ROLE, drop=drop)
    data = fixture.model_dump(by_alias=True)
    for role in data["roles"]:
        if role["id"] == ROLE:  # the role may read role permissions, as in the account
            role["permissions"]["ADMI_MANAGEROLES"] = "View"
    fixture = AccountFixture.model_validate(data)
    own = next(i for i in fixture.integrations if i.name == "nsaudit")
    return with_mapping(fixture, certificate=pair.certificate_pem, certificate_id=CERT_ID, entity=USER,
                        role=ROLE, application=own.id)


def _workspace(tmp: Path, kind_line: str, account: str = "healthy") -> Path:
    text = (FIXTURES / "workspaces" / f"{account}.toml").read_text()
    assert 'application = "Expensify"\n' in text
    path = tmp / "ws.toml"
    path.write_text(text.replace('application = "Expensify"\n', f'application = "Expensify"\n{kind_line}\n', 1))
    return path


def _run_oauth2(fixture: AccountFixture, pair: KeyPair, tmp: Path, workspace: Path) -> tuple[int, dict[str, Any], str]:
    key_file = write_private_key(pair.private_pem, tmp)
    out = tmp / "r.json"
    with SimServer(fixture) as server:
        own = next(i for i in fixture.integrations if i.name == "nsaudit")
        env = {"NSAUDIT_ACCOUNT": fixture.account_id, "NSAUDIT_CLIENT_ID": own.consumer_key,
               "NSAUDIT_CERTIFICATE_ID": CERT_ID, "NSAUDIT_PRIVATE_KEY_FILE": str(key_file),
               "NSAUDIT_BASE_URL": server.url, "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml")}
        result = CliRunner().invoke(cli, ["run", "--workspace", str(workspace), "--no-progress", "-f",
                                          f"json:{out}", "-f", "text"], env=env, catch_exceptions=False)
    body = json.loads(out.read_text()) if out.exists() else {}
    return result.exit_code, body, result.stdout + result.stderr


def _bad(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["check_id"], f["status"], f["message"]) for f in body["findings"]
            if f["status"] in ("FAIL", "WARN", "ERROR") and f["severity"] != "info"]


@pytest.mark.parametrize("kind_line", ['kind = "oauth2-rest"', 'auth = "oauth2"\nsoap = false'])
def test_healthy_oauth2_rest_account_exits_0_with_info_only(pair: KeyPair, tmp_path: Path, kind_line: str) -> None:
    code, body, text = _run_oauth2(_oauth2_account(pair), pair, tmp_path, _workspace(tmp_path, kind_line))
    assert _bad(body) == [] and code == 0, text
    assert body["connection"]["kind"] == "oauth2-rest"
    assert "workspace says" in body["connection"]["decided_by"]
    header = " ".join(" ".join(text.splitlines()[:4]).split())  # the header lines, however they wrapped
    assert "OAuth 2.0/REST (workspace" in header
    # no TBA/SOAP requirement is judged for this connection
    judged = {f["subject"]["id"] for f in body["findings"] if f["check_id"] == "role-permissions" and f["subject"]}
    assert not judged & {"ADMI_WEBSERVICES", "ADMI_LOGIN_OAUTH", "ADMI_MANAGE_OWN_OAUTH_TOKENS",
                         "ADMI_MANAGE_OAUTH_TOKENS"}
    rows = {r["permkey"]: r["status"] for r in body["permissions"]}
    assert rows["ADMI_LOGIN_OAUTH2"] == "PASS" and rows["ADMI_RESTWEBSERVICES"] == "PASS"
    assert "ADMI_WEBSERVICES" not in rows
    login = [f for f in body["findings"] if f["check_id"] == "login"]
    assert [f["status"] for f in login] == ["PASS"]
    assert "consent" in login[0]["message"] and "refresh token" in login[0]["message"]


@pytest.mark.parametrize(("drop", "name"), [("ADMI_RESTWEBSERVICES", "REST Web Services"),
                                            ("ADMI_LOGIN_OAUTH2", "Log In using OAuth 2.0 Access Tokens")])
def test_a_missing_rest_permission_is_a_fail_naming_it(pair: KeyPair, tmp_path: Path, drop: str,
                                                       name: str) -> None:
    code, body, text = _run_oauth2(_oauth2_account(pair, (drop,)), pair, tmp_path,
                                   _workspace(tmp_path, 'kind = "oauth2-rest"'))
    fails = [f for f in body["findings"] if f["status"] == "FAIL"]
    assert code in (1, 3), text
    assert any(name in f["message"] for f in fails), [f["message"] for f in fails]


def test_tba_soap_account_through_the_cli(tmp_path: Path) -> None:
    fixture = load_fixture(FIXTURES / "accounts" / "healthy.json")
    token = fixture.tokens[0]
    app = next(i for i in fixture.integrations if i.id == token.integration)
    out = tmp_path / "r.json"
    with SimServer(fixture) as server:
        env = {"NSAUDIT_ACCOUNT": fixture.account_id, "NSAUDIT_CONSUMER_KEY": app.consumer_key,
               "NSAUDIT_CONSUMER_SECRET": app.consumer_secret, "NSAUDIT_TOKEN_ID": token.token_id,
               "NSAUDIT_TOKEN_SECRET": token.token_secret, "NSAUDIT_BASE_URL": server.url,
               "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
        result = CliRunner().invoke(cli, ["run", "--workspace", str(_workspace(tmp_path, 'kind = "tba-soap"')),
                                          "--no-progress", "-f", f"json:{out}", "-f", "text"], env=env,
                                    catch_exceptions=False)
    body = json.loads(out.read_text())
    assert result.exit_code == 0 and _bad(body) == [], result.stdout
    assert body["connection"]["kind"] == "tba-soap" and body["connection"]["agrees"] is True
    assert "TBA/SOAP (workspace, account agrees)" in " ".join(" ".join(result.stdout.splitlines()[:4]).split())
    rows = {r["permkey"] for r in body["permissions"]}
    assert {"ADMI_WEBSERVICES", "ADMI_LOGIN_OAUTH"} <= rows and "ADMI_LOGIN_OAUTH2" not in rows
    info = {f["check_id"] for f in body["findings"] if f["status"] == "WARN"}
    assert info == {"tba-retirement", "soap-retirement"}  # info advisories: the dates and the OAuth 2.0 steps


def test_rest_web_services_feature_off_is_named(pair: KeyPair, tmp_path: Path) -> None:
    data = _oauth2_account(pair).model_dump(by_alias=True)
    data["features"]["RESTWEBSERVICES"] = False
    code, body, text = _run_oauth2(AccountFixture.model_validate(data), pair, tmp_path,
                                   _workspace(tmp_path, 'kind = "oauth2-rest"'))
    login = [f for f in body["findings"] if f["check_id"] == "login"]
    assert [f["status"] for f in login] == ["FAIL"] and login[0]["code"] == "NS0109", text
    assert code == 3  # nothing could be read
    assert "REST Web Services feature is off" in login[0]["message"]
    steps = " ".join(login[0]["fix"])
    assert "283395" in steps and "consent screen" in steps and "SuiteTalk (Web Services)" in steps


def test_a_leftover_tba_token_contradicts_an_oauth2_workspace(pair: KeyPair, tmp_path: Path) -> None:
    healthy = load_fixture(FIXTURES / "accounts" / "healthy.json")
    data = _oauth2_account(pair).model_dump(by_alias=True)
    data["tokens"].append(healthy.tokens[0].model_dump())  # the Expensify token of the TBA connection, still active
    for role in data["roles"]:
        if role["id"] == ROLE:  # a role that may list tokens, so the account can show it
            role["permissions"]["ADMI_MANAGE_OAUTH_TOKENS"] = "Full"
    code, body, text = _run_oauth2(AccountFixture.model_validate(data), pair, tmp_path,
                                   _workspace(tmp_path, 'kind = "oauth2-rest"'))
    assert body["connection"]["agrees"] is False and body["connection"]["active_tokens"], body["connection"]
    assert "account DISAGREES" in " ".join(" ".join(text.splitlines()[:4]).split())
    warns = [f for f in body["findings"] if f["check_id"] == "token-role" and f["status"] == "WARN"]
    assert len(warns) == 1 and warns[0]["severity"] == "low" and "does not guess" in warns[0]["message"]
    assert code == 1
