"""Wire-value parsers (netsuite/values.py) and real SuiteQL rows through the record models."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsuite_audit.netsuite.records import Account, Classification, Department, Employee
from netsuite_audit.netsuite.values import (
    parse_bool,
    parse_bool_default_false,
    parse_date,
    parse_decimal,
    parse_int,
    parse_multiselect,
    parse_text,
    to_wire,
)

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real" / "suiteql-columns"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("T", True), ("F", False), ("t", True), ("true", True), ("false", False), (True, True), (False, False),
     ("", None), (None, None)],
)
def test_parse_bool(wire: object, expected: bool | None) -> None:
    assert parse_bool(wire) is expected


@pytest.mark.parametrize("wire", ["X", "maybe", "2"])
def test_parse_bool_rejects_other_text(wire: str) -> None:
    with pytest.raises(ValueError):
        parse_bool(wire)


def test_missing_boolean_defaults_to_false() -> None:
    assert parse_bool_default_false(None) is False
    assert parse_bool_default_false("T") is True


def test_parse_int() -> None:
    assert parse_int("12") == 12
    assert parse_int(" -7 ") == -7
    assert parse_int(5) == 5
    assert parse_int("") is None and parse_int(None) is None
    with pytest.raises(ValueError):
        parse_int(True)
    with pytest.raises(ValueError):
        parse_int("1.5")


def test_parse_decimal() -> None:
    assert parse_decimal("100.50") == Decimal("100.50")
    assert parse_decimal("") is None
    with pytest.raises(ValueError):
        parse_decimal("ten")
    with pytest.raises(ValueError):
        parse_decimal(False)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("1, 3", (1, 3)), ("1, 3, 4, 6", (1, 3, 4, 6)), ("5", (5,)), ("1,3", (1, 3)), ("", ()), (None, ()),
     ([2, "4"], (2, 4)), (7, (7,))],
)
def test_parse_multiselect(wire: object, expected: tuple[int, ...]) -> None:
    assert parse_multiselect(wire) == expected


def test_parse_text() -> None:
    assert parse_text("") is None
    assert parse_text(None) is None
    assert parse_text("Ann") == "Ann"
    assert parse_text(12) == "12"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("2024-03-31", date(2024, 3, 31)), ("03/31/2024", date(2024, 3, 31)), ("2024-03-31 10:00:00", date(2024, 3, 31)),
     (datetime(2024, 3, 31, 8), date(2024, 3, 31)), ("", None)],
)
def test_parse_date(wire: object, expected: date | None) -> None:
    assert parse_date(wire) == expected


def test_parse_date_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_date("yesterday")


def test_to_wire() -> None:
    assert to_wire(True) == "T"
    assert to_wire(False) == "F"
    assert to_wire((1, 3)) == "1, 3"
    assert to_wire(()) is None
    assert to_wire(None) is None
    assert to_wire(date(2024, 1, 2)) == "2024-01-02"
    assert to_wire(Decimal("1.50")) == "1.50"


@given(st.booleans())
def test_bool_round_trip(value: bool) -> None:
    assert parse_bool(to_wire(value)) is value


@given(st.lists(st.integers(min_value=-5, max_value=10**7), min_size=1, max_size=12).map(tuple))
def test_multiselect_round_trip(ids: tuple[int, ...]) -> None:
    assert parse_multiselect(to_wire(ids)) == ids


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9))
def test_decimal_round_trip(value: Decimal) -> None:
    assert parse_decimal(to_wire(value)) == value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_date_round_trip(value: date) -> None:
    assert parse_date(to_wire(value)) == value


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_int_round_trip(value: int) -> None:
    assert parse_int(to_wire(value)) == value


def test_item_with_missing_column_validates() -> None:
    item = {"id": "42", "isinactive": "T", "giveaccess": "F", "rolesforsearch": "1, 3", "class": "9"}
    employee = Employee.model_validate(item)
    assert employee.isinactive is True and employee.giveaccess is False
    assert employee.rolesforsearch == (1, 3)
    assert employee.class_ == 9
    assert employee.supervisor is None and employee.email is None


# -- real SuiteQL rows -----------------------------------------------------------------------


def real_rows(name: str) -> list[dict[str, str]]:
    if not REAL.is_dir():
        pytest.skip(f"real SuiteQL samples not found at {REAL} (clone the shared reference beside the repo)")
    with (REAL / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        # An empty cell stands for a null column, which SuiteQL leaves out of the item.
        return [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(handle)]


def test_real_employee_rows() -> None:
    rows = real_rows("employee")
    employees = [Employee.model_validate(row) for row in rows]
    by_id = {e.id: e for e in employees}
    assert by_id[523532].supervisor == 431513
    assert by_id[513513].supervisor is None
    assert by_id[523532].isinactive is False
    assert all(e.expenselimit is None or isinstance(e.expenselimit, Decimal) for e in employees)


def test_real_multiselect_subsidiaries() -> None:
    classes = {c.id: c for c in map(Classification.model_validate, real_rows("classification"))}
    assert classes[15].subsidiary == (1, 3, 4, 6)
    assert classes[15].includechildren is True
    departments = {d.id: d for d in map(Department.model_validate, real_rows("department"))}
    assert departments[10].subsidiary == (1,)
    assert departments[10].parent == 5
    assert departments[5].parent is None
    accounts = [Account.model_validate(row) for row in real_rows("account")]
    assert any(len(a.subsidiary) > 1 for a in accounts)
