"""`nsaudit run --demo`: the bundled demo account served by the simulator, in-process, on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from netsuite_audit.account_id import AccountId
from netsuite_audit.credentials import Credentials, Secret
from netsuite_audit.paths import fixtures_dir


@dataclass(frozen=True)
class DemoSession:
    creds: Credentials
    audit_creds: Credentials
    workspace: Path
    url: str


def token_credentials(fixture: object, token_index: int, base_url: str, profile: str) -> Credentials:
    token = fixture.tokens[token_index]  # type: ignore[attr-defined]
    integration = next(i for i in fixture.integrations if i.id == token.integration)  # type: ignore[attr-defined]
    return Credentials(
        account=AccountId.parse(fixture.account_id),  # type: ignore[attr-defined]
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
        yield DemoSession(
            creds=token_credentials(fixture, 0, server.url, "demo"),
            audit_creds=token_credentials(fixture, 1, server.url, "demo-audit"),
            workspace=workspace,
            url=server.url,
        )
