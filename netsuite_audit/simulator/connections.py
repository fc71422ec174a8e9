"""The Expensify connection of a simulated account: TBA over SOAP (the fixtures as written) or OAuth 2.0
over REST (the connection Expensify sets up today), made from the same account.

The OAuth 2.0/REST variant, modelled on Expensify's Connect to NetSuite guide (docs/connections.md):

* the Expensify integration record has the Authorization Code Grant (the admin approves access on
  NetSuite's consent screen), no Token-based Authentication and no Client Credentials grant, and the
  REST web services scope;
* the integration role holds Log In using OAuth 2.0 Access Tokens and REST Web Services at Full (what
  the bundle's latest version grants), and none of SOAP Web Services, Log In using Access Tokens, User
  Access Tokens or Access Token Management;
* the OAuth 2.0 and REST Web Services features are on; there is no access token of the Expensify
  integration (an OAuth 2.0 connection makes none).

nsaudit cannot use Expensify's own OAuth 2.0 tokens: it logs in with its own client-credentials
mapping for the same user and role (simulator/demo.py makes the key pair for the run).
"""

from __future__ import annotations

from typing import Any

from netsuite_audit.simulator.fixture import AccountFixture
from netsuite_audit.simulator.oauth2 import FEATURE_OAUTH2

EXPENSIFY = "Expensify"
TBA_ONLY = ("ADMI_WEBSERVICES", "ADMI_LOGIN_OAUTH", "ADMI_MANAGE_OWN_OAUTH_TOKENS", "ADMI_MANAGE_OAUTH_TOKENS")
OAUTH2_REST = ("ADMI_LOGIN_OAUTH2", "ADMI_RESTWEBSERVICES")


def oauth2_rest(fixture: AccountFixture, *, role: int = 1001, drop: tuple[str, ...] = ()) -> AccountFixture:
    """``fixture`` with its Expensify connection on OAuth 2.0 over REST; ``drop`` removes permissions from the
    integration role as well (a planted defect, e.g. ``("ADMI_RESTWEBSERVICES",)``)."""
    data: dict[str, Any] = fixture.model_dump(by_alias=True)
    app = next(i for i in data["integrations"] if i["name"] == EXPENSIFY)
    app.update(tba_enabled=False, client_credentials=False, authorization_code=True, scopes=["rest_webservices"])
    for entry in data["roles"]:
        if entry["id"] == role:
            perms = {k: v for k, v in entry["permissions"].items() if k not in TBA_ONLY}
            perms.update(dict.fromkeys(OAUTH2_REST, "Full"))
            entry["permissions"] = {k: v for k, v in perms.items() if k not in drop}
    data["tokens"] = [t for t in data["tokens"] if t["integration"] != app["id"]]
    data["features"] = {**data["features"], FEATURE_OAUTH2: True, "RESTWEBSERVICES": True}
    return AccountFixture.model_validate(data)
