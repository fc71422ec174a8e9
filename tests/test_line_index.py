"""The line index the pending-report reader builds while reading equals one built by walking the lines."""

from __future__ import annotations

import json
from pathlib import Path

from netsuite_audit.audit.line_index import COMMON_FIELDS, LineIndex, line_index
from netsuite_audit.pending import PendingReports

REPORTS = [
    {"id": "R1", "employee": "a@example.com", "lines": [
        {"amount": "1.00", "merchant": "Cafe", "currency": "USD", "class": 7, "project": "P 1"},
        {"amount": "2.00", "merchant": "Taxi", "currency": "EUR", "class": "Seven"},
    ]},
    {"id": "R2", "employee": "b@example.com", "lines": [
        {"amount": "3.00", "merchant": "Cafe", "currency": "USD", "class": 7, "department": 3},
        {"amount": "4.00", "customer": 12, "project": "P 1", "location": "7"},
    ]},
]


def test_the_index_built_while_reading_equals_a_walk_of_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "reports.json"
    path.write_text(json.dumps({"reports": REPORTS}), encoding="utf-8")
    loaded = PendingReports.load(path)
    from_reader = line_index(loaded)
    walked = LineIndex(PendingReports.model_validate({"reports": REPORTS}).reports)
    for field in COMMON_FIELDS:
        got = {value: list(numbers) for value, numbers in from_reader.values(field).items()}
        assert got == {value: list(numbers) for value, numbers in walked.values(field).items()}, field
        assert list(got) == list(walked.values(field)), field  # same order of first use
    assert {k: list(v) for k, v in from_reader.values("class_").items()} == {7: [0, 2], "Seven": [1]}
    assert from_reader.where(3) == "report R2 line 2"
