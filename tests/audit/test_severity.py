"""The severity scale: critical findings stop every sync, so --fail-on critical fails the demo; a selector
naming a valid severity that no check has today warns instead of failing the run."""

from __future__ import annotations

from click.testing import CliRunner

from netsuite_audit.audit.model import Severity
from netsuite_audit.audit.registry import load_checks, select
from netsuite_audit.cli import cli


def test_the_checks_that_stop_every_sync_are_critical() -> None:
    graded = {c.meta.id: c.meta.severity for c in load_checks()}
    for check in ("login", "token-role", "role-permissions", "classification-query", "account-id-form"):
        assert graded[check] == Severity.CRITICAL, check
    assert set(graded.values()) >= {Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM}


def test_a_severity_no_check_has_warns_and_selects_nothing() -> None:
    checks = [c for c in load_checks() if c.meta.severity != Severity.LOW]
    warned: list[str] = []
    assert select(checks, ["low"], warn=warned.append) == []
    assert warned and "no check has severity low" in warned[0]
    assert select(checks, [], ["low"], warn=warned.append) == checks


def test_a_typo_is_still_an_error() -> None:
    done = CliRunner().invoke(cli, ["run", "--demo", "--check", "hihg"])
    assert done.exit_code == 2 and "matches no check" in done.stderr


def test_fail_on_critical_fails_the_demo() -> None:
    done = CliRunner().invoke(cli, ["run", "--demo", "--fail-on", "critical", "--no-color"])
    assert done.exit_code == 1, done.stderr
    assert "Fix these first: they stop every sync" in done.stdout
