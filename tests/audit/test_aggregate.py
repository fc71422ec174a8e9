"""Issue 10 item 9: a huge pending-reports file gives one finding per check and cause (a count and the
first examples), not one per line; the summary still counts every finding, per-report verdicts stay
exact, and the text output stays small. Sizes and counts are asserted, never timings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.audit.aggregate import EXAMPLES, LIMIT, aggregate, fold_findings
from netsuite_audit.audit.model import Finding, Severity, Status, Subject
from netsuite_audit.cli import cli
from netsuite_audit.result import summarize
from tests.support.check_cases import build_snapshot

LINES = 100_000
PER_REPORT = 10


def _finding(n: int, *, check: str = "c", status: Status = Status.FAIL, code: str | None = "NS0336") -> Finding:
    subject = Subject(kind="report", id=f"R{n}/1")
    return Finding(id=f"{check}/{subject.key}", check_id=check, code=code, status=status,
                   severity=Severity.MEDIUM, title="t", message=f"message {n}", subject=subject,
                   evidence={"report_lines": [f"R{n}/1"], "merchant": "x"})


def test_small_groups_are_untouched_and_in_order() -> None:
    findings = [_finding(n, check="a" if n % 2 else "b") for n in range(2 * LIMIT)]
    assert aggregate(findings) == findings


def test_a_large_group_folds_into_one_at_its_first_place() -> None:
    head = _finding(0, check="before")
    group = [_finding(n) for n in range(1, 5001)]
    other = [_finding(n, status=Status.WARN) for n in range(3)]
    out = aggregate([head, *group[:10], *other, *group[10:]])
    assert [f.check_id for f in out] == ["before", "c", "c", "c", "c"]
    folded = out[1]
    assert folded.count == 5000 and folded.status == Status.FAIL and folded.code == "NS0336"
    assert [e.id for e in folded.examples] == [f.id for f in group[:EXAMPLES]]
    assert "5,000 findings" in folded.message and "message 1" in folded.message
    assert "report_lines" not in folded.evidence and folded.evidence["merchant"] == "x"
    assert folded.subject is not None and folded.subject.kind == "aggregate"
    assert out[2:] == other  # another status is another cause: kept apart
    summary = summarize(out, 1, 0)
    assert summary.total == 5004 and summary.by_status["FAIL"] == 5001 and summary.by_severity["medium"] == 5004


def test_folding_reads_a_stream_once() -> None:
    produced = 0

    def stream():  # type: ignore[no-untyped-def]
        nonlocal produced
        for n in range(200_000):
            produced += 1
            yield _finding(n)

    out = list(fold_findings(stream()))
    assert produced == 200_000 and len(out) == 1 and out[0].count == 200_000


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("huge")
    with (folder / "reports.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["report_id", "employee", "amount", "merchant", "category", "currency"])
        for n in range(LINES):
            merchant = "Cafe" if n % PER_REPORT == 0 else ("Uber *Trip" if n % 3 else "Shop ™")
            writer.writerow([f"R{n // PER_REPORT:06d}", "sam.rivera@northwind.example", "12.50", merchant, "1", "USD"])
    (folder / "snap.json").write_text(build_snapshot(None).to_json(), encoding="utf-8")
    return folder


def test_a_100k_line_report_file_gives_bounded_findings_and_output(huge: Path) -> None:
    result = CliRunner().invoke(cli, [
        "run", "--snapshot", str(huge / "snap.json"), "--reports", str(huge / "reports.csv"),
        "--check", "merchant-characters", "--no-color", "-f", f"json:{huge / 'result.json'}", "-f", "text",
    ], env={"NSAUDIT_CONFIG": ""}, catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    data = json.loads((huge / "result.json").read_text())
    findings = data["findings"]
    assert len(findings) <= 4, [f["id"] for f in findings]
    rejected = sum(1 for n in range(LINES) if n % PER_REPORT and n % 3)
    unusual = sum(1 for n in range(LINES) if n % PER_REPORT and not n % 3)
    by_status = {f["status"]: f["count"] for f in findings}
    assert by_status == {"FAIL": rejected, "WARN": unusual}
    assert data["summary"]["total"] == rejected + unusual
    assert data["summary"]["by_status"]["FAIL"] == rejected
    for finding in findings:
        assert len(finding["examples"]) == EXAMPLES
    # Per-report verdicts come from every finding, not from the folded ones.
    verdicts = data["report_verdicts"]
    assert len(verdicts) == LINES // PER_REPORT
    first = verdicts[0]
    assert first["report_id"] == "R000000" and not first["exports_cleanly"] and first["codes"] == ["NS0336"]
    assert [lv["line"] for lv in first["lines"]] == [n + 1 for n in range(PER_REPORT) if n and n % 3]
    assert sum(len(v["lines"]) for v in verdicts) == rejected
    # The terminal text stays small: folded findings, and a bounded list of reports.
    assert len(result.stdout) < 60_000, len(result.stdout)
    assert f"{rejected:,} findings" in result.stdout
    assert "more reports" in result.stdout
