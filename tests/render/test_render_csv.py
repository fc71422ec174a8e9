"""CSV: one row per finding, spreadsheet-safe."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.render.csv_out import COLUMNS, render_csv, safe_cell
from tests.support.render_sample import make_finding, sample_findings, sample_result


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_and_one_row_per_finding() -> None:
    text = render_csv(sample_result())
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(text)
    assert [row["finding_id"] for row in rows] == [f.id for f in sample_findings()]


def test_row_values() -> None:
    rows = {row["finding_id"]: row for row in _rows(render_csv(sample_result()))}
    apollo = rows["project-active/job:100"]
    assert apollo["check_id"] == "project-active" and apollo["code"] == "NS0770"
    assert apollo["status"] == "FAIL" and apollo["severity"] == "high"
    assert (apollo["subject_kind"], apollo["subject_id"], apollo["subject_name"]) == ("job", "100", "Apollo <Phase 2>")
    assert json.loads(apollo["evidence"]) == {"isinactive": True, "used_by": ["jane@example.com", "raj@example.com"]}
    assert " " not in apollo["evidence"].replace("@example.com", "")  # compact
    assert apollo["fix"] == ("In NetSuite open project Apollo and clear 'Project is inactive'. | "
                             "Choose Sync Now in the workspace.")
    assert rows["role-permissions/role:1042"]["missing"] == "Setup > Manage Roles (ADMI_MANAGEROLES)"
    muted = rows["category-active/expensecategory:9"]
    assert (muted["muted_by"], muted["mute_reason"], muted["mute_expires"]) == (
        "ap-team@example.com", "Contractor paid outside NetSuite", "2026-12-31")
    assert rows["class-mandatory"]["subject_kind"] == "" and rows["posting-period"]["code"] == ""


def test_multiline_message_survives() -> None:
    rows = {row["finding_id"]: row for row in _rows(render_csv(sample_result()))}
    assert rows["project-active/job:101"]["message"] == "Project Zephyr | legacy is not active.\nIt closed in 2024."


def test_formula_cells_are_neutralised() -> None:
    rows = {row["finding_id"]: row for row in _rows(render_csv(sample_result()))}
    zephyr = rows["project-active/job:101"]
    assert zephyr["subject_name"] == "'=HYPERLINK(\"http://x\")"
    assert zephyr["fix"] == "'@admin: reactivate it."
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("a=b", "a=b"), ("", ""), (None, ""), (42, "42")],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


@given(st.text())
def test_safe_cell_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    safe = safe_cell(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)


def test_empty_result_is_just_the_header() -> None:
    assert render_csv(sample_result([])) == ",".join(COLUMNS) + "\r\n"


def test_baseline_column() -> None:
    known = make_finding("project-active", Status.FAIL, Severity.HIGH, "old", code="NS0770", baseline=True)
    rows = _rows(render_csv(sample_result([known, *sample_findings()[:1]])))
    assert [row["baseline"] for row in rows] == ["yes", ""]
