"""`nsaudit run --demo --demo-connection oauth2-rest`: the demo account with its Expensify connection on OAuth
2.0 over REST finds the same planted defects as the TBA/SOAP demo, minus those only a TBA/SOAP connection has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from netsuite_audit.cli import cli
from tests.support.e2e import FIXTURES

AS_OF = "2026-12-07"
TBA_ONLY_FINDINGS = {("tba-retirement", "connection.auth"), ("soap-retirement", "connection.soap"),
                     ("token-role", "3")}  # token-role: the Expensify token on the Administrator role


def _demo(tmp: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    out = tmp / f"r{len(extra)}.json"
    result = CliRunner().invoke(cli, ["run", "--demo", "--no-progress", "--as-of", AS_OF, "-f", f"json:{out}",
                                      "-f", "text", *extra], catch_exceptions=False)
    return result.exit_code, json.loads(out.read_text()), result.stdout


def _problems(body: dict[str, Any]) -> set[tuple[str, str, str | None, str | None]]:
    return {(f["check_id"], f["status"], f["code"], (f["subject"] or {}).get("id"))
            for f in body["findings"] if f["status"] not in ("PASS", "MUTED")}


def test_demo_workspace_for_oauth2_rest_differs_only_in_the_connection_kind() -> None:
    tba = (FIXTURES / "workspaces" / "demo.toml").read_text().splitlines()
    oauth2 = (FIXTURES / "workspaces" / "demo-oauth2-rest.toml").read_text().splitlines()
    body = [line for line in oauth2 if not line.startswith("#")]
    plain = [line for line in tba if not line.startswith("#")]
    assert [line for line in body if not line.startswith("kind = ")] == plain
    assert [line.split("#")[0].strip() for line in body if line.startswith("kind = ")] == ['kind = "oauth2-rest"']


def test_oauth2_rest_demo_finds_the_planted_defects(tmp_path: Path) -> None:
    tba_code, tba, _ = _demo(tmp_path)
    code, body, text = _demo(tmp_path, "--demo-connection", "oauth2-rest")
    assert code == tba_code == 1
    assert body["connection"]["kind"] == "oauth2-rest" and tba["connection"]["kind"] == "tba-soap"
    # the audit profile read the token list: the account backs the workspace (no Expensify token left)
    assert body["connection"]["agrees"] is True and body["connection"]["active_tokens"] == []
    assert "OAuth 2.0/REST (workspace" in " ".join(" ".join(text.splitlines()[:4]).split())
    expected = {p for p in _problems(tba) if (p[0], p[3]) not in TBA_ONLY_FINDINGS}
    assert _problems(body) == expected
    # nothing of the TBA/SOAP connection is judged, and no client-credentials advice anywhere
    judged = {(f["subject"] or {}).get("id") for f in body["findings"] if f["check_id"] == "role-permissions"}
    assert not judged & {"ADMI_WEBSERVICES", "ADMI_LOGIN_OAUTH", "ADMI_MANAGE_OAUTH_TOKENS",
                         "ADMI_MANAGE_OWN_OAUTH_TOKENS"}
    for result in (body, tba):
        assert not any("Client Credentials" in step for f in result["findings"] for step in f["fix"])


def test_tba_demo_gives_expensifys_oauth2_steps_not_a_client_credentials_record(tmp_path: Path) -> None:
    _, tba, _ = _demo(tmp_path)
    found = {f["check_id"]: f for f in tba["findings"] if f["check_id"] in ("tba-retirement", "soap-retirement")}
    assert found["tba-retirement"]["severity"] == "info" and found["soap-retirement"]["severity"] == "info"
    assert "Ready to reconnect with OAuth 2.0" in found["tba-retirement"]["message"]
    for finding in found.values():
        steps = " ".join(finding["fix"])
        assert "283395" in steps and "consent screen" in steps and "REST Web Services" in steps


def test_demo_connection_needs_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--demo-connection", "oauth2-rest", "--snapshot",
                                      str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "--demo-connection" in result.stderr
    result = CliRunner().invoke(cli, ["run", "--demo", "--demo-connection", "oauth2-rest", "--auth", "tba"])
    assert result.exit_code == 2 and "--auth" in result.stderr


def test_every_report_format_names_the_connection_audited(tmp_path: Path) -> None:
    """Through the CLI: HTML, Markdown, SARIF and JUnit of the OAuth 2.0/REST demo carry its connection."""
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in ("html", "markdown", "sarif", "junit")}
    result = CliRunner().invoke(cli, ["run", "--demo", "--no-progress", "--as-of", AS_OF,
                                      "--demo-connection", "oauth2-rest",
                                      *(arg for fmt, path in files.items() for arg in ("-f", f"{fmt}:{path}"))],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    out = {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}
    assert "<dt>Connection audited</dt><dd>OAuth 2.0/REST (oauth2-rest)</dd>" in out["html"]
    assert "| Connection audited | OAuth 2.0/REST (oauth2-rest) |" in out["markdown"]
    assert "| What the account shows | agrees: " in out["markdown"]
    sarif = json.loads(out["sarif"])["runs"][0]["properties"]["connection"]
    assert sarif["kind"] == "oauth2-rest" and sarif["agrees"] is True
    assert '<property name="connection.kind" value="oauth2-rest"/>' in out["junit"]
    assert '<property name="connection.agrees" value="agrees"/>' in out["junit"]
