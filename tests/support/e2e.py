"""End-to-end helpers: serve a (patched) fixture account with the simulator on loopback, collect it
with the real clients, and run the real checks."""

from __future__ import annotations

import copy
import dataclasses
import json
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.audit.registry import load_checks, select
from netsuite_audit.cli import cli
from netsuite_audit.collect.collector import CollectOptions, Collector
from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.simulator.demo import token_credentials
from netsuite_audit.simulator.fixture import parse_fixture
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.snapshot import AccountSnapshot

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, timeout=10.0)


def account_data(name: str = "healthy") -> dict[str, Any]:
    return json.loads((FIXTURES / "accounts" / f"{name}.json").read_text())


def workspace_data(name: str = "healthy") -> dict[str, Any]:
    return tomllib.loads((FIXTURES / "workspaces" / f"{name}.toml").read_text())


def find(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    """The one record in a fixture section matching all fields (for patching in tests)."""
    found = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one record matching {match}, found {len(found)}"
    return found[0]


@dataclass
class Outcome:
    snapshot: AccountSnapshot
    findings: list[Finding]
    server: SimServer

    def problems(self) -> set[tuple[str, str | None, str | None]]:
        return {(f.status.value, f.code, f.subject.key if f.subject else None)
                for f in self.findings if f.status != Status.PASS}

    def by_check(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]


@contextmanager
def serve(data: dict[str, Any], **server_kwargs: Any) -> Iterator[SimServer]:
    fixture = parse_fixture(copy.deepcopy(data), "test fixture")
    with SimServer(fixture, **server_kwargs) as server:
        yield server


def collect_from(server: SimServer, *, token: int = 0, audit_token: int | None = 1,
                 options: CollectOptions | None = None, account: str | None = None) -> AccountSnapshot:
    fixture = server.account.fixture
    creds = token_credentials(fixture, token, server.url, "test")
    if account is not None:  # the admin typed another account id than the account's own
        creds = dataclasses.replace(creds, account=AccountId.parse(account))
    audit = token_credentials(fixture, audit_token, server.url, "test-audit") if audit_token is not None else None
    restlet = (fixture.restlet.script, fixture.restlet.deploy) if fixture.restlet else None
    options = options or CollectOptions(retry=FAST_RETRY, restlet=restlet)
    return Collector(creds, audit_creds=audit, options=options).collect()


def audit(data: dict[str, Any], workspace: dict[str, Any] | None, *, token: int = 0, audit_token: int | None = 1,
          reports: dict[str, Any] | None = None, checks: tuple[str, ...] = (),
          options: CollectOptions | None = None, account: str | None = None, **server_kwargs: Any) -> Outcome:
    with serve(data, **server_kwargs) as server:
        snapshot = collect_from(server, token=token, audit_token=audit_token, options=options, account=account)
    ws = Workspace.model_validate(workspace) if workspace is not None else None
    pending = PendingReports.model_validate(reports) if reports is not None else None
    selected = select(load_checks(), checks) if checks else load_checks()
    findings, _ = run_checks(selected, snapshot, ws, pending)
    return Outcome(snapshot, findings, server)


def token_env(server: SimServer, token: int = 0, profiles_dir: Path | None = None) -> dict[str, str]:
    """Environment for ``nsaudit`` with one token of the served fixture (token 0: the integration's),
    pointed at the simulator; with ``profiles_dir``, a profiles file that does not exist there (so no
    profile of the machine's user is read)."""
    data = server.account.fixture
    tok = data.tokens[token]
    integration = next(i for i in data.integrations if i.id == tok.integration)
    env = {
        "NSAUDIT_ACCOUNT": data.account_id, "NSAUDIT_CONSUMER_KEY": integration.consumer_key,
        "NSAUDIT_CONSUMER_SECRET": integration.consumer_secret, "NSAUDIT_TOKEN_ID": tok.token_id,
        "NSAUDIT_TOKEN_SECRET": tok.token_secret, "NSAUDIT_BASE_URL": server.url,
    }
    if profiles_dir is not None:
        env["NSAUDIT_PROFILES_FILE"] = str(profiles_dir / "no-profiles.toml")
    return env


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """``nsaudit ARGS`` in-process with only ``env`` set; exceptions propagate (a traceback fails the test)."""
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)
