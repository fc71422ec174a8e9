"""Green means checked, no cause hidden, a report a reviewer can sign (issue 21), end to end through the
CLI against the simulator on loopback: each test names the numbered item it holds."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netsuite_audit.cli import cli
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, serve

AS_OF = "2026-12-01"
DEMO_WORKSPACE = FIXTURES / "workspaces" / "demo.toml"


def _env(server: SimServer) -> dict[str, str]:
    """The integration token of the fixture (token 0), pointed at the simulator."""
    data = server.account.fixture
    tok = data.tokens[0]
    integration = next(i for i in data.integrations if i.id == tok.integration)
    return {
        "NSAUDIT_ACCOUNT": data.account_id, "NSAUDIT_CONSUMER_KEY": integration.consumer_key,
        "NSAUDIT_CONSUMER_SECRET": integration.consumer_secret, "NSAUDIT_TOKEN_ID": tok.token_id,
        "NSAUDIT_TOKEN_SECRET": tok.token_secret, "NSAUDIT_BASE_URL": server.url,
    }


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_server() -> Iterator[SimServer]:
    with serve(account_data("demo")) as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- 2. a check whose inputs are absent is "not run", never PASS ------------------------------------------
@pytest.mark.parametrize("check", ["project-active", "classification-available", "customer-subsidiary",
                                   "project-resources"])
def test_2_a_check_with_nothing_to_judge_is_not_run(demo_server: SimServer, check: str) -> None:
    done = invoke("run", "--check", check, "--no-color", env=_env(demo_server))
    assert "1 passed" not in done.output
    assert "Passed" not in done.output
    assert f"Not run: {check} (needs a workspace description (--workspace) or pending reports" in done.output
    assert done.exit_code == 3  # asked for by name and not run: could not audit


def test_2_a_run_without_workspace_lists_none_of_them_as_passed(demo_server: SimServer, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = invoke("run", "--no-color", "-f", "text", "-f", f"json:{out}", env=_env(demo_server))
    result = json.loads(out.read_text())
    skipped = {s["check_id"] for s in result["skipped_checks"]}
    for check in ("project-active", "classification-available", "customer-subsidiary", "project-resources"):
        assert check in skipped
        assert not any(f["check_id"] == check and f["status"] == "PASS" for f in result["findings"])
    passed_line = next(line for line in done.output.splitlines() if line.startswith("Passed"))
    assert "project-active" not in passed_line


# ---- 3. selecting no check is an error, never a clean pass ----------------------------------------------
def test_3_selecting_no_check_is_exit_2(tmp_path: Path) -> None:
    done = invoke("run", "--demo", "--check", "low", "--workspace", str(DEMO_WORKSPACE))
    assert done.exit_code == 2
    assert "select no check" in done.output


def test_3_selecting_no_check_under_strict_is_exit_3() -> None:
    done = invoke("run", "--demo", "--check", "low", "--strict")
    assert done.exit_code == 3
    assert "select no check" in done.output
