"""netsuite_audit.audit.partial: the judged part gets its PASS only when the rest stays unknown."""

from __future__ import annotations

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.audit.partial import counted, with_judged_part


def _f(status: Status) -> Finding:
    return Finding(id=f"probe/{status}", check_id="probe", status=status, severity=Severity.LOW, title="t",
                   message=str(status))


JUDGED = _f(Status.PASS).model_copy(update={"message": "Judged: 3 classes"})


def _run(*statuses: Status, judged: Finding | None = JUDGED) -> list[str]:
    return [f.message for f in with_judged_part(map(_f, statuses), lambda: judged)]


def test_only_unknown_adds_the_judged_pass() -> None:
    assert _run(Status.UNVERIFIABLE, Status.UNVERIFIABLE) == ["UNVERIFIABLE", "UNVERIFIABLE", "Judged: 3 classes"]


def test_beside_a_fail_warn_or_pass_nothing_is_added() -> None:
    assert _run(Status.UNVERIFIABLE, Status.FAIL) == ["UNVERIFIABLE", "FAIL"]
    assert _run(Status.WARN, Status.UNVERIFIABLE) == ["WARN", "UNVERIFIABLE"]
    assert _run(Status.PASS, Status.UNVERIFIABLE) == ["PASS", "UNVERIFIABLE"]


def test_no_findings_or_nothing_judged_adds_nothing() -> None:
    assert _run() == []
    assert _run(Status.UNVERIFIABLE, judged=None) == ["UNVERIFIABLE"]


def test_counted_words() -> None:
    assert counted({"class": 3, "department": 1, "location": 0}) == "3 classes and 1 department"
    assert counted({"class": 1, "department": 2, "location": 4}) == "1 class, 2 departments and 4 locations"
    assert counted({"project": 2}) == "2 projects"
    assert counted({"category": 2, "workspace member": 3}) == "2 categories and 3 workspace members"
