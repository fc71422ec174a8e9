"""The line index (audit/line_index.py) equals a plain walk of the lines: per field, ``value as written ->
line numbers`` in file order, values in order of first use, lines without a value left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netsuite_audit.audit.line_index import COMMON_FIELDS, LineIndex, line_index
from netsuite_audit.inputs.pending import PendingReports

REPORTS = [
    {"id": "R1", "employee": "a@example.com", "lines": [
        {"amount": "1.00", "merchant": "Cafe", "currency": "USD", "class": 7, "project": "P 1"},
        {"amount": "2.00", "merchant": "Taxi", "currency": "EUR", "class": "Seven", "date": "2026-11-01"},
    ]},
    {"id": "R2", "employee": "b@example.com", "lines": [
        {"amount": "3.00", "merchant": "Cafe", "currency": "USD", "class": 7, "department": 3},
        {"amount": "4.00", "customer": 12, "project": "P 1", "location": "7", "date": "2026-11-01"},
    ]},
    {"id": "R3", "employee": "c@example.com"},
    {"id": "R4", "employee": "d@example.com", "lines": [{"amount": "5.00", "class": True, "category": 1.0}]},
]


def _walk(reports: PendingReports, field: str) -> dict[Any, list[int]]:
    found: dict[Any, list[int]] = {}
    lines = [line for report in reports.reports for line in report.lines]
    for g, line in enumerate(lines):
        value = getattr(line, field)
        if value is not None:
            found.setdefault(value, []).append(g)
    return found


def test_the_index_equals_a_walk_of_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "reports.json"
    path.write_text(json.dumps({"reports": REPORTS}), encoding="utf-8")
    loaded = PendingReports.load(path)
    index = line_index(loaded)
    for field in (*COMMON_FIELDS, "date", "tax", "billable"):
        got = {value: list(numbers) for value, numbers in index.values(field).items()}
        assert got == _walk(loaded, field), field
        assert list(got) == list(_walk(loaded, field)), field  # same order of first use
    assert {k: list(v) for k, v in index.values("class_").items()} == {7: [0, 2], "Seven": [1], 1: [4]}
    assert index.where(3) == "report R2 line 2" and index.where(4) == "report R4 line 1"
    assert list(index.report_of) == [0, 0, 1, 1, 3] and list(index.number_of) == [1, 2, 1, 2, 1]
    assert len(index) == 5 and index.report(4).id == "R4"


def test_an_index_of_no_reports_is_empty() -> None:
    index = LineIndex(())
    assert len(index) == 0 and index.values("class_") == {} and index.values("date") == {}
    assert line_index(None).values("merchant") == {}
