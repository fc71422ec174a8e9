"""Models naming the same fields share one fields set; the values and what each model says it was
given stay exactly as validated."""

from __future__ import annotations

import json
from pathlib import Path

from netsuite_audit.inputs.pending import PendingReports, _rows_to_reports
from netsuite_audit.netsuite.records import Employee
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.support.fieldsets import FieldsSets, share_fields_sets
from tests.support.check_cases import build_snapshot


def _employees() -> list[Employee]:
    rows = [{"id": n, "entityid": f"E{n}", "email": f"e{n}@example.com"} for n in range(5)]
    rows += [{"id": 10, "entityid": "E10"}, {"id": 11, "email": "x@example.com"}, {"id": 12, "entityid": "E12"}]
    return [Employee.model_validate(row) for row in rows]


def test_equal_sets_become_one_and_different_ones_stay_apart() -> None:
    rows = _employees()
    before = [set(row.model_fields_set) for row in rows]
    share_fields_sets(rows)
    assert [row.model_fields_set for row in rows] == before
    assert len({id(row.model_fields_set) for row in rows[:5]}) == 1
    # two rows naming two fields each, not the same two: each keeps what it was given
    assert rows[5].model_fields_set == {"id", "entityid"} and rows[6].model_fields_set == {"id", "email"}
    assert rows[5].model_fields_set is rows[7].model_fields_set


def test_sharing_across_batches_and_copies_keep_their_own() -> None:
    first, second = _employees(), _employees()
    sets = FieldsSets()
    sets.share(first)
    sets.share(second)
    assert first[0].model_fields_set is second[3].model_fields_set
    copy = first[0].model_copy(update={"entityid": "changed"})
    assert copy.entityid == "changed" and first[0].entityid == "E0"
    assert copy.model_fields_set is not first[0].model_fields_set  # pydantic gave the copy its own
    assert first[1].model_fields_set == {"id", "entityid", "email"}


def test_a_loaded_snapshot_shares_per_table_and_reads_back_the_same(tmp_path: Path) -> None:
    rows = [{"id": n, "entityid": f"E{n}", "email": f"e{n}@example.com"} for n in range(1, 30)]
    snap = build_snapshot({"tables": {"employee": rows}})
    path = tmp_path / "snap.json"
    path.write_text(snap.to_json(), encoding="utf-8")
    loaded = AccountSnapshot.load(path)
    employees = loaded.tables.employee or ()
    assert len(employees) == 29
    assert len({id(row.model_fields_set) for row in employees}) == 1
    assert json.loads(loaded.to_json()) == json.loads(snap.to_json())


def test_csv_reports_read_in_batches_share_sets_and_equal_whole_validation(tmp_path: Path) -> None:
    rows = ["report_id,employee,amount,merchant,class"]
    rows += [f"R{n:04d},a{n % 7}@example.com,{n}.50,Cafe {n % 3},{n % 5 + 1}" for n in range(1200)]
    rows += ["R9999,b@example.com,1.00,,"]  # fewer fields given: a set of its own
    path = tmp_path / "reports.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    loaded = PendingReports.load(path)
    lines = [line for report in loaded.reports for line in report.lines]
    assert len(lines) == 1201
    assert len({id(line.model_fields_set) for line in lines[:1200]}) == 1  # across the 500-report batches
    assert lines[-1].model_fields_set == {"amount"}
    whole = PendingReports.model_validate({"reports": _rows_to_reports(path.read_text(), str(path))[0]})
    assert loaded == whole
