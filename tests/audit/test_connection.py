"""Connection kinds: the kind from the workspace, what the account shows, the requirement table per kind
(every permission id in Oracle's list), and a TBA connection's readiness for OAuth 2.0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsuite_audit.audit.connection import decide, oauth2_readiness
from netsuite_audit.audit.requirements import (
    LOGIN_PERMISSIONS,
    OAUTH2_GUIDE,
    TABLES_BY_KIND,
    profile,
    required,
    token_proofs,
)
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.permissions import PERMISSIONS, Level
from tests.support.check_cases import build_snapshot

ORACLE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "oracle" / "permissions.json"
TBA_ONLY = {"ADMI_WEBSERVICES", "ADMI_LOGIN_OAUTH", "ADMI_MANAGE_OWN_OAUTH_TOKENS", "ADMI_MANAGE_OAUTH_TOKENS"}
OAUTH2_ONLY = {"ADMI_LOGIN_OAUTH2", "ADMI_RESTWEBSERVICES"}


def _ws(**connection: object) -> Workspace:
    return Workspace.model_validate({"connection": connection})


def _oracle() -> dict[str, set[str]]:
    if not ORACLE.is_file():
        pytest.skip(f"Oracle's permission list is absent ({ORACLE.name} under ../shared/reference/oracle)")
    data = json.loads(ORACLE.read_text())
    names: dict[str, set[str]] = {}
    for category in data["permissions"].values():
        for entry in category["permissions"]:
            names.setdefault(entry["id"], set()).add(entry["name"])
    return names


def test_every_permission_id_of_every_table_is_in_oracles_list() -> None:
    oracle = _oracle()
    for kind, table in TABLES_BY_KIND.items():
        for name, reqs in table.items():
            missing = [r.permkey for r in reqs if r.permkey not in oracle]
            assert not missing, (kind, name, missing)
    # the two OAuth 2.0/REST permissions, by Oracle's own names
    assert "REST Web Services" in oracle["ADMI_RESTWEBSERVICES"]
    assert "Log In using OAuth 2.0 Access Tokens" in oracle["ADMI_LOGIN_OAUTH2"]
    for key in OAUTH2_ONLY:  # the names the findings show are Oracle's
        assert PERMISSIONS[key].name in oracle[key], key


@pytest.mark.parametrize("name", ["standard", "strict"])
def test_oauth2_rest_table_swaps_the_login_permissions_and_keeps_the_lists(name: str) -> None:
    tba = {r.permkey for r in profile(name, "tba-soap")}
    oauth2 = {r.permkey for r in profile(name, "oauth2-rest")}
    assert tba >= TBA_ONLY and not TBA_ONLY & oauth2
    assert oauth2 >= OAUTH2_ONLY and not OAUTH2_ONLY & tba
    assert tba - TBA_ONLY == oauth2 - OAUTH2_ONLY  # the lists stay
    for req in profile(name, "oauth2-rest"):
        assert req.source and req.assumed, req.permkey  # no OAuth 2.0 row is published as a list
        if req.permkey in OAUTH2_ONLY:
            assert req.source == OAUTH2_GUIDE and req.level == Level.FULL
    assert all(not r.assumed for r in profile(name, "tba-soap") if r.permkey in TBA_ONLY)


def test_required_follows_the_workspace_connection() -> None:
    assert {r.permkey for r in required(_ws(kind="oauth2-rest"))} >= OAUTH2_ONLY
    assert {r.permkey for r in required(_ws(auth="oauth2", soap=False))} >= OAUTH2_ONLY
    assert {r.permkey for r in required(Workspace())} >= TBA_ONLY
    assert set(LOGIN_PERMISSIONS["oauth2-rest"]) == OAUTH2_ONLY


def _login(rest_ok: bool, rest_auth: str = "oauth2") -> dict[str, object]:
    probe = {"protocol": "rest", "ok": rest_ok, "http_status": 200 if rest_ok else 401,
             "error": None if rest_ok else "auth"}
    return {"rest": probe, "soap": None, "rest_auth": rest_auth, "soap_auth": "none"}


def test_a_bearer_rest_call_proves_both_oauth2_permissions_and_not_the_tba_login() -> None:
    proofs = token_proofs(build_snapshot({"login": _login(True)}))
    assert proofs["ADMI_LOGIN_OAUTH2"].at_least == Level.FULL
    assert proofs["ADMI_RESTWEBSERVICES"].at_least == Level.FULL
    assert "ADMI_LOGIN_OAUTH" not in proofs
    refused = token_proofs(build_snapshot({"login": _login(False)}))
    assert "ADMI_LOGIN_OAUTH2" not in refused and "ADMI_RESTWEBSERVICES" not in refused


def _tokens(*rows: dict[str, object]) -> dict[str, object]:
    return {"tables": {"oauthtoken": [{"id": n + 1, **r} for n, r in enumerate(rows)]}}


EXPENSIFY_TOKEN = {"tba_token_name": "Expensify - Ada", "tba_app_name": "Expensify",
                   "role_name": "Expensify Integration"}


@pytest.mark.parametrize(("connection", "rows", "agrees"), [
    ({"kind": "tba-soap"}, [EXPENSIFY_TOKEN], True),
    ({"kind": "tba-soap"}, [], False),
    ({"kind": "tba-soap"}, [{**EXPENSIFY_TOKEN, "brevoked": True}], False),
    ({"kind": "oauth2-rest"}, [], True),
    ({"auth": "oauth2", "soap": False}, [EXPENSIFY_TOKEN], False),
    ({"kind": "oauth2-rest"}, [{**EXPENSIFY_TOKEN, "tba_app_name": "nsaudit"}], True),
])
def test_the_account_backs_or_contradicts_the_workspace(connection: dict[str, object], rows: list[dict[str, object]],
                                                        agrees: bool) -> None:
    decision = decide(build_snapshot(_tokens(*rows)), _ws(**connection))
    assert decision.agrees is agrees
    assert decision.kind == _ws(**connection).connection.resolved_kind
    assert decision.decided_by.startswith("The workspace says")
    assert decision.account  # always a sentence of what was found


def test_unreadable_token_list_and_no_workspace_are_said_not_guessed() -> None:
    snap = build_snapshot({"unread": {"oauthtoken": "denied"}})
    decision = decide(snap, None)
    assert decision.kind == "tba-soap" and decision.agrees is None
    assert "No workspace" in decision.decided_by and "could not be read" in decision.account
    assert "assumed" in decide(snap, Workspace()).decided_by


def test_readiness_reads_the_role_permission_list() -> None:
    snap = build_snapshot({
        "login": _login(True, "tba"),
        "tables": {"role": [{"id": 1001, "name": "Expensify Integration"}],
                   "rolepermissions": [{"role": 1001, "permkey": "ADMI_RESTWEBSERVICES", "permlevel": 4}]},
    })
    items = {i.what.split(" (")[0]: i.ready for i in oauth2_readiness(snap, Workspace())}
    assert items["REST Web Services feature"] is True
    assert items["OAuth 2.0 feature"] is None  # a TBA login says nothing about it
    assert items["REST Web Services"] is True
    assert items["Log In using OAuth 2.0 Access Tokens"] is False
    assert items["Expensify Connect bundle"] is None  # no API shows a bundle's version


def test_features_per_kind() -> None:
    from netsuite_audit.audit.connection import FEATURES

    assert [f for f, _ in FEATURES["oauth2-rest"]] == ["OAuth 2.0", "REST Web Services"]
    assert FEATURES["tba-soap"][0][0] == "Token-Based Authentication"
    # a Bearer REST call of nsaudit's proves both OAuth 2.0/REST features
    items = {i.what: i.ready for i in oauth2_readiness(build_snapshot({"login": _login(True)}), Workspace())}
    assert items["OAuth 2.0 feature"] is True and items["REST Web Services feature"] is True
