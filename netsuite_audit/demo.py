"""`nsaudit run --demo`: the bundled demo account served by the simulator, in-process, on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsuite_audit.account_id import AccountId
from netsuite_audit.credentials import Credentials, Secret
from netsuite_audit.paths import fixtures_dir

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
        source="demo fixture (simulated account)",
        profile=profile,
    )


@contextmanager
def demo_session(account: Path | None = None, workspace: Path | None = None) -> Iterator[DemoSession]:
    from netsuite_audit.simulator.fixture import load_fixture
    from netsuite_audit.simulator.server import SimServer

    account = account or fixtures_dir() / "accounts" / "demo.json"
    workspace = workspace or fixtures_dir() / "workspaces" / "demo.toml"
    fixture = load_fixture(account)
    with SimServer(fixture) as server:
        expensify_creds, policy = None, None
        if fixture.expensify is not None:
            from netsuite_audit.expensify.credentials import ExpensifyCredentials

            side = fixture.expensify
            expensify_creds = ExpensifyCredentials(side.partner_user_id, Secret(side.partner_user_secret), server.url,
                                                   "demo fixture (simulated Expensify)")
            policy = side.policy.id
        yield DemoSession(
            creds=token_credentials(fixture, 0, server.url, "demo"),
            audit_creds=token_credentials(fixture, 1, server.url, "demo-audit"),
            workspace=workspace,
            url=server.url,
            expensify_creds=expensify_creds,
            expensify_policy=policy,
        )
