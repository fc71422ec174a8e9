"""`nsaudit run --demo`: the bundled demo account served by the simulator, in-process, on loopback.

``--auth oauth2`` logs in with OAuth 2.0 client credentials instead of the demo tokens: a key pair is
made for this run only (the private key in a 0600 file in a temporary directory, removed afterwards),
and its certificate is mapped in the in-process account to the same user and roles as the tokens.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import SIMULATED, Credentials
from netsuite_audit.inputs.m2m_keys import build_key, read_key_file
from netsuite_audit.inputs.secret import Secret
from netsuite_audit.support.paths import fixtures_dir

if TYPE_CHECKING:  # the simulator loads only when the demo runs
    from netsuite_audit.simulator.fixture import AccountFixture


@dataclass(frozen=True)
class DemoSession:
    creds: Credentials
    audit_creds: Credentials
    workspace: Path
    url: str
    expensify_creds: Any = None  # ExpensifyCredentials for the fixture's Expensify side, if it has one
    expensify_policy: str | None = None


def token_credentials(fixture: AccountFixture, token_index: int, base_url: str, profile: str) -> Credentials:
    """Credentials for the fixture's ``token_index``-th token, pointed at ``base_url``."""
    token = fixture.tokens[token_index]
    integration = next(i for i in fixture.integrations if i.id == token.integration)
    return Credentials(
        account=AccountId.parse(fixture.account_id),
        consumer_key=integration.consumer_key,
        consumer_secret=Secret(integration.consumer_secret),
        token_id=token.token_id,
        token_secret=Secret(token.token_secret),
        base_url=base_url,
        source=f"demo fixture {SIMULATED}",
        profile=profile,
    )


def m2m_credentials(fixture: AccountFixture, key_file: Path, certificate_id: str, client_id: str,
                    base_url: str, profile: str) -> Credentials:
    """OAuth 2.0 credentials with the key in ``key_file`` (read as any key file is: 0600 or refused)."""
    source = f"demo key {key_file}"
    key = build_key(client_id=client_id, certificate_id=certificate_id,
                    pem=read_key_file(key_file, source=source), algorithm=None, scopes=None,
                    key_source=f"file {key_file}", source=source)
    return Credentials(account=AccountId.parse(fixture.account_id), base_url=base_url,
                       source=f"demo key pair made for this run {SIMULATED}", profile=profile, oauth2=key)


@contextmanager
def demo_session(account: Path | None = None, workspace: Path | None = None,
                 auth: str = "tba", connection: str = "tba-soap") -> Iterator[DemoSession]:
    from netsuite_audit.simulator.fixture import load_fixture
    from netsuite_audit.simulator.server import SimServer

    account = account or fixtures_dir() / "accounts" / "demo.json"
    workspace = workspace or fixtures_dir() / "workspaces" / "demo.toml"
    fixture = load_fixture(account)
    if connection == "oauth2-rest":
        workspace = workspace if workspace != fixtures_dir() / "workspaces" / "demo.toml" else \
            fixtures_dir() / "workspaces" / "demo-oauth2-rest.toml"
        with _oauth2_rest_demo(fixture, workspace) as session:
            yield session
        return
    if auth == "oauth2":
        with _m2m_demo(fixture, workspace) as session:
            yield session
        return
    with SimServer(fixture) as server:
        yield DemoSession(
            creds=token_credentials(fixture, 0, server.url, "demo"),
            audit_creds=token_credentials(fixture, 1, server.url, "demo-audit"),
            workspace=workspace,
            url=server.url,
            **expensify_side(fixture, server.url),
        )


def expensify_side(fixture: AccountFixture, url: str) -> dict[str, Any]:
    """The demo's Expensify partner credentials and policy id, served by the simulator at ``url``."""
    if fixture.expensify is None:
        return {}
    from netsuite_audit.expensify.credentials import ExpensifyCredentials

    side = fixture.expensify
    creds = ExpensifyCredentials(side.partner_user_id, Secret(side.partner_user_secret), url,
                                 "demo fixture (simulated Expensify)")
    return {"expensify_creds": creds, "expensify_policy": side.policy.id}


@contextmanager
def _oauth2_rest_demo(fixture: AccountFixture, workspace: Path) -> Iterator[DemoSession]:
    """The account with its Expensify connection on OAuth 2.0 over REST (simulator/connections.py). nsaudit
    logs in with its own client-credentials mapping (its own integration record, the Expensify connection's
    user and role); the audit profile is nsaudit's admin token, as in the TBA demo."""
    from netsuite_audit.simulator.connections import EXPENSIFY, oauth2_rest
    from netsuite_audit.simulator.m2m_keys import generate_key_pair, with_mapping, write_private_key
    from netsuite_audit.simulator.server import SimServer

    expensify = next(i for i in fixture.integrations if i.name == EXPENSIFY)
    connection_token = next(t for t in fixture.tokens if t.integration == expensify.id)
    own = next(i for i in fixture.integrations if i.id != expensify.id and i.client_credentials)
    admin_index = next(n for n, t in enumerate(fixture.tokens) if t.integration == own.id)
    fixture = oauth2_rest(fixture, role=connection_token.role)
    with tempfile.TemporaryDirectory(prefix="nsaudit-demo-") as folder:
        pair = generate_key_pair("ec")
        certificate_id = secrets.token_urlsafe(24)
        fixture = with_mapping(fixture, certificate=pair.certificate_pem, certificate_id=certificate_id,
                               entity=connection_token.user, role=connection_token.role, application=own.id)
        key_file = write_private_key(pair.private_pem, Path(folder), "demo-oauth2.pem")
        admin_index = next(n for n, t in enumerate(fixture.tokens) if t.integration == own.id)
        with SimServer(fixture) as server:
            yield DemoSession(
                creds=m2m_credentials(fixture, key_file, certificate_id, own.consumer_key, server.url, "demo"),
                audit_creds=token_credentials(fixture, admin_index, server.url, "demo-audit"),
                workspace=workspace, url=server.url, **expensify_side(fixture, server.url))


@contextmanager
def _m2m_demo(fixture: AccountFixture, workspace: Path) -> Iterator[DemoSession]:
    """The demo tokens' user, role and application, each mapped to a certificate made for this run."""
    from netsuite_audit.simulator.m2m_keys import generate_key_pair, with_mapping, write_private_key
    from netsuite_audit.simulator.server import SimServer

    with tempfile.TemporaryDirectory(prefix="nsaudit-demo-") as folder:
        made: list[tuple[Path, str, str]] = []
        for index in (0, 1):
            token = fixture.tokens[index]
            integration = next(i for i in fixture.integrations if i.id == token.integration)
            pair = generate_key_pair("ec")
            certificate_id = secrets.token_urlsafe(24)
            fixture = with_mapping(fixture, certificate=pair.certificate_pem, certificate_id=certificate_id,
                                   entity=token.user, role=token.role, application=integration.id)
            key_file = write_private_key(pair.private_pem, Path(folder), f"demo-{index}.pem")
            made.append((key_file, certificate_id, integration.consumer_key))
        with SimServer(fixture) as server:
            creds = [m2m_credentials(fixture, key_file, cert_id, client_id, server.url, name)
                     for (key_file, cert_id, client_id), name in zip(made, ("demo", "demo-audit"), strict=True)]
            yield DemoSession(creds=creds[0], audit_creds=creds[1], workspace=workspace, url=server.url,
                              **expensify_side(fixture, server.url))
