"""Shared test fixtures: account fixture paths, a small in-code account, and a simulator factory.

* ``healthy_fixture`` / ``demo_fixture``: paths to fixtures/accounts/*.json (skip when absent);
* ``mini_account``: a fresh dict for a small account (edit it, then ``parse_fixture`` or hand it to
  ``sim_server``) with tokens for every login refusal the tests need;
* ``sim_server(fixture, **options)``: starts a :class:`SimServer` on 127.0.0.1 and stops it at the
  end of the test, failing the test if a handler raised an unexpected exception;
* ``sim``: a running simulator on the healthy fixture;
* ``tba(sim, token_id)``: a requests auth object signing like NetSuite clients do (OAuth 1.0a,
  HMAC-SHA256, realm in ``_SB1`` form), built with requests-oauthlib, not with nsaudit's client.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from requests_oauthlib import OAuth1

from netsuite_audit.simulator.fixture import AccountFixture, parse_fixture
from netsuite_audit.simulator.server import SimServer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _history_away_from_the_user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every run a test makes is recorded in a history file of the test session, never in the user's
    data directory: XDG_DATA_HOME (where platformdirs puts the default history file on Linux, the
    platform the suite runs on) points into the session's temporary folder, for this process and every
    subprocess, including those that drop every NSAUDIT_* variable. NSAUDIT_HISTORY stays unset, so
    `config show` and the option sources look as a user's would."""
    import os

    saved = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("history") / "data")
    yield
    if saved is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = saved
ACCOUNTS = REPO / "fixtures" / "accounts"
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real"

_FULL_ACCESS = {
    "ADMI_LOGIN_OAUTH": "Full",
    "ADMI_RESTWEBSERVICES": "Full",
    "ADMI_WEBSERVICES": "Full",
    "REPO_ANALYTICS": "Edit",
    "LIST_EMPLOYEE": "View",
    "LIST_EMPLOYEE_RECORD": "View",
    "LIST_CLASS": "View",
    "LIST_SUBSIDIARY": "View",
    "LIST_DEPARTMENT": "View",
    "ADMI_MANAGEROLES": "Full",
}

MINI_ACCOUNT: dict[str, Any] = {
    "account_id": "1234567_SB1",
    "company_name": "Mini Test Co",
    "oneworld": True,
    "concurrency_limit": 3,
    "features": {"TBA": True, "RESTWEBSERVICES": True, "SOAPWEBSERVICES": True},
    "preferences": {"TIMEEXPENSEJOBONLY": False, "CLASSMANDATORY": True},
    "restlet": {"script": 77, "deploy": 1},
    "subsidiaries": [
        {"id": 1, "name": "Parent Co", "payable_account": 25, "tax_required": False},
        {"id": 2, "name": "Child Co", "parent": 1, "corporate_card_account": 26, "tax_required": True},
    ],
    "accounts": [
        {"id": 25, "name": "Accounts Payable", "type": "AcctPay"},
        {"id": 26, "name": "Corporate Card", "type": "CredCard"},
    ],
    "roles": [
        {"id": 3, "name": "Expense Integration", "permissions": _FULL_ACCESS},
        {"id": 4, "name": "SOAP Only",
         "permissions": {**_FULL_ACCESS, "ADMI_RESTWEBSERVICES": "None"}},
        {"id": 5, "name": "Retired Role", "inactive": True, "permissions": _FULL_ACCESS},
        {"id": 6, "name": "No Classes",
         "permissions": {**_FULL_ACCESS, "LIST_CLASS": "None"}},
        {"id": 7, "name": "No Token Login",
         "permissions": {**_FULL_ACCESS, "ADMI_LOGIN_OAUTH": "None"}},
    ],
    "employees": [
        {"id": 10, "entityid": "Ada Integrator", "email": "ada@example.com", "subsidiary": 1,
         "give_access": True, "roles": [3, 4, 5, 6, 7]},
        {"id": 11, "entityid": "Former Employee", "subsidiary": 1, "give_access": True,
         "inactive": True, "roles": [3]},
    ],
    "integrations": [
        {"id": 1, "name": "Expensify", "consumer_key": "ck-expensify-0001",
         "consumer_secret": "cs-expensify-secret-0001"},
        {"id": 2, "name": "Blocked App", "consumer_key": "ck-blocked-0002",
         "consumer_secret": "cs-blocked-secret-0002", "state": "blocked"},
    ],
    "tokens": [
        {"id": 1, "name": "Expensify - Ada", "token_id": "tk-0001", "token_secret": "ts-secret-0001",
         "user": 10, "role": 3, "integration": 1},
        {"id": 2, "name": "Revoked token", "token_id": "tk-0002", "token_secret": "ts-secret-0002",
         "user": 10, "role": 3, "integration": 1, "revoked": True},
        {"id": 3, "name": "SOAP-only role", "token_id": "tk-0003", "token_secret": "ts-secret-0003",
         "user": 10, "role": 4, "integration": 1},
        {"id": 4, "name": "Inactive role", "token_id": "tk-0004", "token_secret": "ts-secret-0004",
         "user": 10, "role": 5, "integration": 1},
        {"id": 5, "name": "No classes", "token_id": "tk-0005", "token_secret": "ts-secret-0005",
         "user": 10, "role": 6, "integration": 1},
        {"id": 6, "name": "Blocked app token", "token_id": "tk-0006", "token_secret": "ts-secret-0006",
         "user": 10, "role": 3, "integration": 2},
        {"id": 7, "name": "Inactive user", "token_id": "tk-0007", "token_secret": "ts-secret-0007",
         "user": 11, "role": 3, "integration": 1},
        {"id": 8, "name": "No token login", "token_id": "tk-0008", "token_secret": "ts-secret-0008",
         "user": 10, "role": 7, "integration": 1},
    ],
    "classes": [
        {"id": 100 + n, "name": f"Class {n:02d}", "subsidiaries": [1], "inactive": n == 3}
        for n in range(1, 8)
    ],
}


@pytest.fixture
def mini_account() -> dict[str, Any]:
    """A fresh, editable copy of the small account used by the simulator tests."""
    return copy.deepcopy(MINI_ACCOUNT)


@pytest.fixture
def mini_fixture(mini_account: dict[str, Any]) -> AccountFixture:
    return parse_fixture(mini_account, "mini_account")


def _account_file(name: str) -> Path:
    path = ACCOUNTS / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"fixtures/accounts/{name}.json is not in this checkout")
    return path


@pytest.fixture
def healthy_fixture() -> Path:
    """fixtures/accounts/healthy.json (integration token: token 1, audit token: token 2)."""
    return _account_file("healthy")


@pytest.fixture
def demo_fixture() -> Path:
    return _account_file("demo")


SimFactory = Callable[..., SimServer]


@pytest.fixture
def sim_server() -> Iterator[SimFactory]:
    """Factory: ``sim_server(fixture_or_path_or_dict, **SimServer options)`` -> a running server."""
    started: list[SimServer] = []

    def start(fixture: AccountFixture | Path | dict[str, Any], **options: Any) -> SimServer:
        if isinstance(fixture, dict):
            fixture = parse_fixture(fixture, "test account")
        server = SimServer(fixture, **options).start()
        started.append(server)
        return server

    yield start
    problems = []
    for server in started:
        server.stop()
        problems.extend(server.errors)
    assert not problems, "simulator handler raised:\n" + "\n".join(problems)


@pytest.fixture
def sim(sim_server: SimFactory, healthy_fixture: Path) -> SimServer:
    """A running simulator serving the healthy account."""
    return sim_server(healthy_fixture)


def make_tba(
    server: SimServer,
    token_id: int,
    *,
    realm: str | None = None,
    nonce: str | None = None,
    timestamp: str | None = None,
    consumer_secret: str | None = None,
    signature_method: str = "HMAC-SHA256",
) -> OAuth1:
    """OAuth1 signer for the fixture token with internal id ``token_id`` on ``server``."""
    fixture = server.fixture
    token = next(t for t in fixture.tokens if t.id == token_id)
    integration = next(i for i in fixture.integrations if i.id == token.integration)
    return OAuth1(
        client_key=integration.consumer_key,
        client_secret=consumer_secret if consumer_secret is not None else integration.consumer_secret,
        resource_owner_key=token.token_id,
        resource_owner_secret=token.token_secret,
        signature_method=signature_method,
        realm=realm if realm is not None else fixture.account.realm,
        nonce=nonce,
        timestamp=timestamp,
    )


@pytest.fixture
def tba() -> Callable[..., OAuth1]:
    return make_tba


pytest_plugins = ["tests.support.write_guard"]
