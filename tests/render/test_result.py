"""Exit codes, summaries and the text renderer, on findings built by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netsuite_audit.audit.model import Finding, Severity, Status, Subject
from netsuite_audit.render.text import render_text
from netsuite_audit.result import Selection, build_result, exit_code, summarize
from tests.support.check_cases import build_snapshot


def finding(status: Status, severity: Severity = Severity.HIGH, check: str = "c1", code: str | None = "NS0770",
            **extra: object) -> Finding:
    return Finding(id=f"{check}/x:{status}", check_id=check, code=code, status=status, severity=severity,
                   title="t", message=f"{status} message", **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "fail_on", "expected"),
    [
        ([Status.PASS], Severity.LOW, 0),
        ([Status.FAIL], Severity.LOW, 1),
        ([Status.FAIL], Severity.CRITICAL, 0),  # high finding below a critical threshold
        ([Status.WARN], Severity.HIGH, 1),
        ([Status.MUTED], Severity.INFO, 0),
        ([Status.UNVERIFIABLE], Severity.LOW, 0),  # not asked for: reported, not fatal
        ([Status.ERROR, Status.FAIL], Severity.LOW, 3),
    ],
)
def test_exit_code(statuses: list[Status], fail_on: Severity, expected: int) -> None:
    assert exit_code([finding(s) for s in statuses], login_ok=True, fail_on=fail_on) == expected


def test_unverifiable_fails_under_strict_or_when_named() -> None:
    found = [finding(Status.UNVERIFIABLE, check="role-permissions")]
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, strict=True) == 3
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, explicit={"role-permissions"}) == 3
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, explicit={"other"}) == 0


def test_checks_not_run_for_want_of_a_workspace_fail_only_under_strict_or_when_named() -> None:
    found = [finding(Status.PASS)]
    skipped = [("employee-match", "needs a workspace description (--workspace)"),
               ("billable-coding", "needs pending reports (--reports)")]
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, skipped=skipped) == 0
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, skipped=skipped, strict=True) == 3
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, skipped=skipped[1:], strict=True) == 0
    assert exit_code(found, login_ok=True, fail_on=Severity.LOW, skipped=skipped[1:],
                     explicit={"billable-coding"}) == 3


def test_no_login_is_could_not_audit() -> None:
    assert exit_code([finding(Status.FAIL)], login_ok=False, fail_on=Severity.LOW) == 3


def test_summary_counts() -> None:
    summary = summarize([finding(Status.FAIL), finding(Status.FAIL, Severity.LOW), finding(Status.PASS)], 3, 1)
    assert summary.by_status["FAIL"] == 2 and summary.by_status["PASS"] == 1
    assert summary.by_severity == {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0}
    assert summary.checks_run == 3 and summary.checks_skipped == 1


def test_text_groups_by_code_with_evidence_and_fix() -> None:
    snap = build_snapshot(None)
    found = [
        finding(Status.FAIL, subject=Subject(kind="job", id="100", name="Acme"), evidence={"isinactive": True},
                fix=("Reactivate it.", "Sync Now.")),
        finding(Status.UNVERIFIABLE, check="c2", code="NS0384", missing="Lists > Classes (LIST_CLASS)",
                manual=("Open the role.",)),
        finding(Status.PASS, check="c3", code=None),
    ]
    now = datetime.now(UTC)
    result = build_result(snapshot=snap, findings=found, checks=[], skipped=[], started_at=now, finished_at=now,
                          selection=Selection(), role="Expensify Integration")
    text = render_text(result, color=False, width=120, verbose=True)
    assert text.index("NS0770") < text.index("NS0384")  # FAIL group before UNVERIFIABLE group
    assert "job 100 Acme: FAIL message" in text and "isinactive: yes" in text
    assert "1. Reactivate it." in text and "2. Sync Now." in text
    assert "missing: Lists > Classes (LIST_CLASS)" in text and "check by hand:" in text
    assert "Passed (1 check): c3" in text
    assert "Result: 1 finding needs action (exit 1" in text
    brief = render_text(result, color=False, width=120)
    assert "NS0770 FAIL" in brief and "Reactivate it." not in brief  # one line; --verbose has the steps
    assert "1. t (NS0384) · missing: Lists > Classes (LIST_CLASS)" in brief and "1) Open the role." in brief
