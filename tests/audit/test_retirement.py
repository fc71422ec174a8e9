"""Oracle's retirement dates: severity by the run's date (the clock is pinned here), and info findings
that leave the exit code alone."""

from __future__ import annotations

from datetime import date

import pytest

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.audit.registry import load_checks, select
from netsuite_audit.audit.retirement import SOAP_REMOVED, TBA_NO_NEW_INTEGRATIONS, rising_severity, version_key
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.result import exit_code
from tests.support.check_cases import build_snapshot

CHECKS = select(load_checks(), ("tba-retirement", "soap-retirement", "soap-version"), ())


def _run(today: date, workspace: Workspace | None = None, soap_version: str = "2025_2") -> dict[str, object]:
    snapshot = build_snapshot(None)
    snapshot = snapshot.model_copy(update={"login": snapshot.login.model_copy(update={"soap_version": soap_version})})
    findings, _ = run_checks(CHECKS, snapshot, workspace, today=today)
    return {f.check_id: f for f in findings}


@pytest.mark.parametrize(("today", "status", "severity"), [
    (date(2026, 12, 1), Status.WARN, Severity.INFO),
    (date(2027, 9, 1), Status.WARN, Severity.LOW),
    (date(2028, 5, 1), Status.WARN, Severity.MEDIUM),
    (date(2028, 7, 31), Status.WARN, Severity.MEDIUM),
    (date(2028, 8, 2), Status.FAIL, Severity.HIGH),
])
def test_soap_removal_rises_as_the_date_nears(today: date, status: Status, severity: Severity) -> None:
    finding = _run(today)["soap-retirement"]
    assert (finding.status, finding.severity) == (status, severity)
    assert "NetSuite 2028.2 (expected from August 2028)" in finding.message
    assert any("OAuth 2.0 over REST" in step for step in finding.fix)  # Expensify's connection
    assert not any("Client Credentials" in step for step in finding.fix)  # never advice for Expensify
    assert finding.evidence["days_left"] == SOAP_REMOVED.days_left(today)


def test_tba_is_info_until_2027_1_then_low() -> None:
    before = _run(date(2027, 1, 31))["tba-retirement"]
    after = _run(date(2027, 2, 1))["tba-retirement"]
    assert (before.status, before.severity) == (Status.WARN, Severity.INFO)
    assert "1 day after this run" in before.message
    assert (after.status, after.severity) == (Status.WARN, Severity.LOW)
    assert TBA_NO_NEW_INTEGRATIONS.when() in after.message


def test_oauth2_without_soap_has_nothing_to_retire() -> None:
    found = _run(date(2026, 12, 1), Workspace.model_validate({"connection": {"auth": "oauth2", "soap": False}}))
    assert {k: f.status for k, f in found.items()} == dict.fromkeys(found, Status.PASS)


def test_old_soap_version_is_a_warning_with_the_date() -> None:
    finding = _run(date(2026, 12, 1), soap_version="2024_2")["soap-version"]
    assert finding.status == Status.WARN and finding.severity == Severity.MEDIUM
    assert "2024_2" in finding.message and "NetSuite 2027.1" in finding.message
    assert _run(date(2026, 12, 1))["soap-version"].status == Status.PASS
    assert version_key("2024_2") < version_key("2025_2") < version_key("2026_1")


def test_info_findings_leave_the_default_exit_code_alone() -> None:
    found = _run(date(2026, 12, 1))
    assert {f.severity for f in found.values() if f.status == Status.WARN} == {Severity.INFO}
    assert exit_code(list(found.values()), login_ok=True, fail_on=Severity.LOW) == 0
    later = _run(date(2027, 9, 1))  # a year before SOAP goes, the severity is low: it now counts
    assert exit_code(list(later.values()), login_ok=True, fail_on=Severity.LOW) == 1


def test_rising_severity_thresholds() -> None:
    assert [rising_severity(d) for d in (400, 366, 365, 184, 183, 0, -1)] == [
        Severity.INFO, Severity.INFO, Severity.LOW, Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH]
