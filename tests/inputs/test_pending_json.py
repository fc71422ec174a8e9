"""The pending-reports JSON reader (pending.py, ``_read_json``) gives exactly what json.loads and
validation give: the same values of the same types, the same fields given, the same errors.

The reader cuts the file into pieces between reports and validates each piece straight from its JSON;
a piece with an amount written as a number is parsed first (pydantic would make Decimal('100') of the
number 100.0, json.loads then validation Decimal('100.0')). These tests force small pieces so every
file is cut many times, and compare with the plain route on generated files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from netsuite_audit.inputs import pending
from netsuite_audit.inputs.files import validate
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.support.errors import InputError

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _plain(text: str) -> PendingReports:
    """What the reader must give: json.loads, then validation."""
    data = json.loads(text)
    return PendingReports.model_validate({"reports": data} if isinstance(data, list) else data)


def _described(reports: PendingReports) -> list[Any]:
    """Every value with its type and form (Decimal('100') and Decimal('100.0') are equal, not the same),
    in field order, with the fields given."""
    return [([(name, type(value).__name__, repr(value)) for name, value in report.__dict__.items() if name != "lines"],
             sorted(report.model_fields_set),
             [([(name, type(value).__name__, repr(value)) for name, value in line.__dict__.items()],
               sorted(line.model_fields_set)) for line in report.lines])
            for report in reports.reports]


def _load(tmp_path: Path, text: str) -> PendingReports:
    path = tmp_path / "reports.json"
    path.write_text(text, encoding="utf-8")
    return PendingReports.load(path)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pending, "_PIECE", 40)  # a cut after (nearly) every report


def _report(number: int, **line: Any) -> dict[str, Any]:
    return {"id": f"R{number}", "employee": f"e{number}@example.com",
            "lines": [{"amount": "1.00", "class": number, **line}, {"amount": "2.50", "merchant": "Cafe"}]}


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("amount", ["100.0", "1e22", "100", "-0.0", "12.5"])
def test_an_amount_written_as_a_number_reads_as_json_loads_reads_it(tmp_path: Path, amount: str) -> None:
    reports = [_report(n) for n in range(6)]
    text = json.dumps({"reports": reports}).replace('"amount": "2.50"', f'"amount": {amount}', 1)
    loaded = _load(tmp_path, text)
    assert _described(loaded) == _described(_plain(text))
    assert loaded.reports[0].lines[1].amount == Decimal(json.loads(amount))
    if amount == "100.0":
        assert str(loaded.reports[0].lines[1].amount) == "100.0"


@pytest.mark.usefixtures("small_pieces")
def test_a_key_spelled_with_escapes_reads_as_json_loads_reads_it(tmp_path: Path) -> None:
    text = json.dumps({"reports": [_report(n) for n in range(4)]}).replace('"amount": "2.50"', '"\\u0061mount": 2.0')
    assert _described(_load(tmp_path, text)) == _described(_plain(text))
    assert str(_load(tmp_path, text).reports[3].lines[1].amount) == "2.0"


def _assert_read_as_the_slow_path_reads(tmp_path: Path, text: str) -> None:
    """The fast reader gives what json.loads + validation give, or refuses what they refuse."""
    try:
        expected = _described(_plain(text))
    except ValidationError:
        with pytest.raises(InputError):
            _load(tmp_path, text)
        return
    assert _described(_load(tmp_path, text)) == expected


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("text", [
    # the two shapes, with JSON whitespace anywhere it may be
    json.dumps([_report(n) for n in range(5)]),
    json.dumps({"reports": [_report(n) for n in range(5)]}, indent=2),
    "\n\t" + json.dumps({"reports": [_report(n) for n in range(5)]}, separators=(",", ":")) + " \r\n",
    # what reads like a cut between reports inside a string
    json.dumps({"reports": [_report(n, merchant='x"]}, {"id": "Q"') for n in range(5)]}),
    json.dumps({"reports": [_report(n, merchant="]}, {") for n in range(5)]}, separators=(",", ":")),
    # lines not the last key of a report (no cut found: one piece)
    json.dumps({"reports": [{"lines": [{"amount": "1"}], "id": f"R{n}", "employee": "e"} for n in range(5)]}),
    # repeated keys: the last one counts, as in json.loads
    '{"reports": [{"id": "R1", "id": "R2", "employee": "e", "lines": [{"amount": "1", "amount": 2.0}]}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1", "class": 3, "class_": "x"}]}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": []}, {"id": "R2", "employee": "e"}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1", "class": [1]}]}], "reports": []}',
    # the key repeated after a list long enough to be cut: only the last list counts
    '{"reports": ' + json.dumps([_report(n) for n in range(5)]) + ', "reports": ' + json.dumps([_report(9)]) + "}",
    '{"reports": ' + json.dumps([_report(n) for n in range(5)]) + ', "reports": ' + json.dumps([_report(9)])
    + ', "reports": [' + json.dumps(_report(8)).replace('"2.50"', "2.50") + "]}",
    # refused by pydantic's parser, read by json.loads: the slow path reads them
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1", "merchant": "\\ud800"}]}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1", "project": 1e400}]}]}',
    "[]", '{"reports": []}', "{}", ' [ ] ',
])
def test_the_reader_gives_what_json_loads_and_validation_give(tmp_path: Path, text: str) -> None:
    _assert_read_as_the_slow_path_reads(tmp_path, text)


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("text", [
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1"}]}], "extra": 1}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1"}]}, {"id": "R2"}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1", "x": [1]}, {"amount": "2"}]}]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "1"}]}, ]}',
    '{"reports": [{"id": "R1", "employee": "e", "lines": [{"amount": "one"}]}]}',
    '{"reports": [], "reports": [{"id": "R1"}]}',
])
def test_an_invalid_file_reads_as_before(tmp_path: Path, text: str) -> None:
    path = tmp_path / "reports.json"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        expected = f"{path}: invalid JSON: {exc.msg} (line {exc.lineno})"
    else:
        with pytest.raises(InputError) as plain:
            validate(PendingReports, {"reports": data} if isinstance(data, list) else data, str(path))
        expected = str(plain.value)
    with pytest.raises(InputError) as caught:
        _load(tmp_path, text)
    assert str(caught.value) == expected


def test_lines_share_one_set_of_fields_given_per_distinct_set(tmp_path: Path) -> None:
    lines = [{"amount": "1", "class": 1}, {"amount": "2", "merchant": "m"}, {"amount": "3", "class": 2},
             {"amount": "4", "date": "2026-11-01", "class": 1}]
    text = json.dumps({"reports": [{"id": f"R{n}", "employee": "e", "lines": lines} for n in range(300)]})
    loaded = _load(tmp_path, text)
    read = [line for report in loaded.reports for line in report.lines]
    assert {id(line.model_fields_set) for line in read} == {id(read[0].model_fields_set), id(read[1].model_fields_set),
                                                            id(read[3].model_fields_set)}
    assert read[1].model_fields_set == {"amount", "merchant"} and read[0].model_fields_set == {"amount", "class_"}
    assert read[0].model_fields_set is not read[1].model_fields_set  # as many fields, not the same ones
    assert _described(loaded) == _described(_plain(text))


_JUNK = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
                  st.floats(allow_nan=False), st.text(max_size=8), st.lists(st.integers(), max_size=2))
_TEXT = st.one_of(st.none(), st.text(max_size=8),
                  st.sampled_from(["USD", "Café", "]}, {", "\\", '"', "\u00e9", "a\nb"]))
_REF = st.one_of(st.none(), st.integers(min_value=-10**20, max_value=10**20), st.integers(0, 10**9).map(float),
                 st.sampled_from(["7", " 7 ", "07", "Seven", "1.0"]), st.booleans())
_FLAG = st.one_of(st.booleans(), st.sampled_from(["yes", "off", "1", "0", "true", 0, 1]))
_DATE = st.one_of(st.none(), st.sampled_from(["2026-11-01", "2026-11-01T00:00:00", "2026-02-30"]),
                  st.integers(0, 4 * 10**4).map(lambda days: days * 86400), st.dates().map(str))
_AMOUNT = st.one_of(st.sampled_from(["1.00", "12.5", " 3 ", "1e2", "-0", "1_000"]), st.decimals(allow_nan=False,
                    allow_infinity=False, places=2).map(str), st.floats(allow_nan=False, allow_infinity=False),
                    st.integers())
_KINDS: dict[str, st.SearchStrategy[Any]] = {
    "merchant": _TEXT, "currency": _TEXT, "tax": _TEXT, "billable": _FLAG, "reimbursable": _FLAG, "date": _DATE,
    **dict.fromkeys(["category", "project", "customer", "class", "department", "location"], _REF)}


def _mostly(kind: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's own kind of value, and now and then anything (so that most files are valid)."""
    return st.integers(0, 30).flatmap(lambda n: _JUNK if n == 0 else kind)


_LINES = st.lists(st.fixed_dictionaries(
    {"amount": _AMOUNT}, optional={name: _mostly(kind) for name, kind in _KINDS.items()}), max_size=4)
_REPORTS = st.lists(st.fixed_dictionaries({"id": st.sampled_from(["R1", "R2"]), "employee": st.just("e@x.example"),
                                           "lines": _LINES},
                                          optional={"title": _TEXT, "currency": _TEXT}), max_size=6)


@PROPERTY
@given(reports=_REPORTS, wrapped=st.booleans(), indent=st.sampled_from([None, 1]), ascii_only=st.booleans())
def test_generated_files_read_as_json_loads_and_validation_read_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: list[dict[str, Any]], wrapped: bool,
        indent: int | None, ascii_only: bool) -> None:
    monkeypatch.setattr(pending, "_PIECE", 60)
    text = json.dumps({"reports": reports} if wrapped else reports, indent=indent, ensure_ascii=ascii_only)
    _assert_read_as_the_slow_path_reads(tmp_path, text)


@pytest.mark.parametrize("raw", [
    b'{"reports": [{"id": "R1", "employee": "e\xff", "lines": []}]}',  # not UTF-8
    b'{"reports": [{"id": "R1", "employee": "e\xed\xa0\x80", "lines": []}]}',  # an encoded surrogate
    b'\xef\xbb\xbf{"reports": []}',  # a byte-order mark: json.loads refuses it
])
def test_a_file_that_is_not_plain_utf8_json_reads_as_before(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "reports.json"
    path.write_bytes(raw)
    expected = str(_old_error(path))
    with pytest.raises(InputError) as caught:
        PendingReports.load(path)
    assert str(caught.value) == expected


def _old_error(path: Path) -> InputError:
    """The error reading the file as text, then json.loads, gave."""
    from netsuite_audit.inputs.files import read_text

    try:
        text = read_text(path)
        data = json.loads(text)
    except InputError as exc:
        return exc
    except json.JSONDecodeError as exc:
        return InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path))
    raise AssertionError(f"{data!r} read without an error")


def test_windows_line_ends_read_as_json_loads_reads_them(tmp_path: Path) -> None:
    text = json.dumps({"reports": [_report(n) for n in range(3)]}, indent=2).replace("\n", "\r\n")
    path = tmp_path / "reports.json"
    path.write_bytes(text.encode())
    assert _described(PendingReports.load(path)) == _described(_plain(text))
