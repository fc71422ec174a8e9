"""A pending report's verdict and the findings about it never disagree (issue 9 §4)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netsuite_audit.audit.model import Finding, Severity, Status, Subject
from netsuite_audit.audit.verdicts import finding_targets, report_verdicts, submitters
from netsuite_audit.inputs.pending import PendingReports

EMAILS = ("dana@example.com", "Sam@example.com", "sam@example.com", "lee@example.com")
IDS = ("R1", "R2", "R3", "R10")


@st.composite
def cases(draw: st.DrawFn) -> tuple[PendingReports, list[Finding], list[set[str]]]:
    count = draw(st.integers(1, 4))
    reports = PendingReports.model_validate({"reports": [
        {"id": IDS[i], "employee": draw(st.sampled_from(EMAILS)),
         "lines": [{"amount": "1.00"} for _ in range(draw(st.integers(1, 3)))]}
        for i in range(count)]})
    by_email: dict[str, set[str]] = {}
    for report in reports.reports:
        by_email.setdefault(report.employee, set()).add(report.id)
    findings, named = [], []
    for n in range(draw(st.integers(0, 6))):
        status = draw(st.sampled_from(list(Status)))
        how = draw(st.sampled_from(["lines", "subject", "line-subject", "used_by", "used_by_line", "email",
                                    "employee", "none"]))
        report_id = draw(st.sampled_from(IDS))
        email = draw(st.sampled_from(EMAILS))
        evidence: dict[str, object] = {}
        subject = None
        targets: set[str] = set()
        if how == "lines":
            evidence["report_lines"] = [f"{report_id}/{draw(st.integers(1, 3))}"]
            targets = {report_id}
        elif how == "subject":
            subject = Subject(kind="report", id=report_id)
            targets = {report_id}
        elif how == "line-subject":
            subject = Subject(kind="report-line", id=f"{report_id}/2")
            targets = {report_id}
        elif how in ("used_by", "used_by_line"):
            where = f"report {report_id}" + (" line 1" if how == "used_by_line" else "")
            evidence["used_by"] = ["workspace member", where]
            targets = {report_id}
        elif how in ("email", "employee"):
            evidence[how] = email
            targets = set(by_email.get(email, ()))
        findings.append(Finding(id=f"c{n}", check_id=f"c{n}", code="NS0023", status=status,
                                severity=Severity.HIGH, title="t", message="m", subject=subject,
                                evidence=evidence))
        named.append(targets if status in (Status.FAIL, Status.ERROR) else set())
    return reports, findings, named


@settings(max_examples=300, deadline=None)
@given(cases())
def test_verdicts_follow_every_finding_that_names_a_report(case: tuple[PendingReports, list[Finding],
                                                                         list[set[str]]]) -> None:
    reports, findings, named = case
    verdicts = {v.report_id: v for v in report_verdicts(reports, findings)}
    assert set(verdicts) == {r.id for r in reports.reports}
    for finding, targets in zip(findings, named, strict=True):
        for report_id in targets & set(verdicts):
            verdict = verdicts[report_id]
            assert not verdict.exports_cleanly, (finding, verdict)
            assert finding.id in verdict.findings
            if finding.code:
                assert finding.code in verdict.codes
    for report_id, verdict in verdicts.items():
        blocking = [f for f, t in zip(findings, named, strict=True) if report_id in t]
        assert verdict.exports_cleanly == (not blocking), (report_id, verdict)
        assert set(verdict.findings) == {f.id for f in blocking}


def test_a_finding_about_one_report_does_not_name_the_submitters_other_reports() -> None:
    reports = PendingReports.model_validate({"reports": [
        {"id": "R1", "employee": "dana@example.com", "lines": [{"amount": "1.00"}]},
        {"id": "R2", "employee": "dana@example.com", "lines": [{"amount": "2.00"}]}]})
    about_r1 = Finding(id="a", check_id="a", status=Status.FAIL, severity=Severity.HIGH, title="t", message="m",
                       subject=Subject(kind="report", id="R1"), evidence={"employee": "dana@example.com"})
    about_dana = about_r1.model_copy(update={"id": "b", "subject": None})
    assert finding_targets(about_r1, submitters(reports)) == {("R1", None)}
    assert finding_targets(about_dana, submitters(reports)) == {("R1", None), ("R2", None)}


def test_submitter_match_is_exact() -> None:
    reports = PendingReports.model_validate({"reports": [
        {"id": "R9", "employee": "nobody@northwind.example", "lines": [{"amount": "10.00"}]}]})
    exact = Finding(id="a", check_id="a", status=Status.FAIL, severity=Severity.HIGH, title="t", message="m",
                    evidence={"email": "nobody@northwind.example"})
    other = exact.model_copy(update={"id": "b", "evidence": {"email": "Nobody@northwind.example"}})
    assert finding_targets(exact, submitters(reports)) == {("R9", None)}
    assert finding_targets(other, submitters(reports)) == set()
