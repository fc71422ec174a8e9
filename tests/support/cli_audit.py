"""The command line against the simulator with the integration's token alone: run nsaudit and count
what it left unverified (tests/test_e2e_token_only.py, tests/commands/test_init.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import token_env


def integration_env(server: SimServer, tmp: Path) -> dict[str, str]:
    """The integration's token (token 0 of the fixture) and nothing else."""
    return token_env(server, profiles_dir=tmp)


def audit_cli(server: SimServer, tmp: Path, workspace: Path) -> tuple[int, str, list[dict[str, Any]]]:
    """(exit code, text report, findings) of ``nsaudit run`` with the integration token only."""
    out = tmp / "result.json"
    result = CliRunner().invoke(cli, ["run", "--no-progress", "--workspace", str(workspace), "-f", f"json:{out}",
                                      "-f", "text"], env=integration_env(server, tmp), catch_exceptions=False)
    return result.exit_code, result.stdout, json.loads(out.read_text())["findings"]


def only_unverifiable(findings: list[dict[str, Any]]) -> list[str]:
    by_check: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        by_check[f["check_id"]].append(f["status"])
    return sorted(c for c, statuses in by_check.items() if set(statuses) == {"UNVERIFIABLE"})
