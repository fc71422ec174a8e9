"""Pending reports: the expense reports about to be exported, line by line (JSON or CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netsuite_audit.errors import InputError
from netsuite_audit.gcpause import cycle_collection_paused
from netsuite_audit.inputs import error_from_validation, parsing, read_text, validate
from netsuite_audit.workspace import Ref


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ReportLine(_Model):
    merchant: str | None = None
    amount: Decimal
    currency: str | None = None
    category: Ref | None = None
    project: Ref | None = None
    customer: Ref | None = None
    class_: Ref | None = Field(None, alias="class")
    department: Ref | None = None
    location: Ref | None = None
    billable: bool = False
    reimbursable: bool = True
    date: dt.date | None = None
    tax: str | None = None


class Report(_Model):
    id: str
    employee: str = Field(description="Submitter's email")
    title: str | None = None
    currency: str | None = None
    lines: tuple[ReportLine, ...] = ()


class PendingReports(_Model):
    reports: tuple[Report, ...] = ()

    @classmethod
    def load(cls, path: Path) -> PendingReports:
        with parsing(str(path)):
            return cls._load(path)

    @classmethod
    def _load(cls, path: Path) -> PendingReports:
        text = read_text(path)
        if path.suffix.lower() == ".csv":
            rows, lines = _rows_to_reports(text, str(path))
            try:
                return cls.model_validate({"reports": rows})
            except ValidationError as exc:
                raise error_from_validation(exc, str(path), lines.locate) from None
        streamed = _stream_reports(text)
        if streamed is not None:
            loaded = cls(reports=streamed[0])
            if len(_FIELD_INDEXES) >= 4:  # a few kept at most (one per file read by a run)
                _FIELD_INDEXES.pop(next(iter(_FIELD_INDEXES)))
            _FIELD_INDEXES[id(loaded.reports)] = (loaded.reports, streamed[1])
            return loaded
        # Not the plain shape, or not valid: the whole file is parsed, then validated, so errors (invalid
        # JSON, the first bad field) read exactly as they always have.
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path)) from exc
        if isinstance(data, list):
            data = {"reports": data}
        return validate(cls, data, str(path))


# Line fields whose values repeat (merchants, currencies, ids, dates): read once per distinct value.
_SHARED_VALUES = ("merchant", "currency", "category", "project", "customer", "class_", "department", "location",
                  "date", "tax")
_DECODER = json.JSONDecoder()  # what json.loads uses
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON whitespace, as json.loads skips it


def _skip(text: str, pos: int) -> int:
    """The position of the first non-whitespace character from ``pos`` on."""
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


# The line indexes the streaming reader built on its way (``value as written -> line numbers`` per
# shared field, lines numbered 0-based in file order), by the reports tuple they describe; taken once
# by :func:`take_field_index` (netsuite_audit.audit.line_index), so nothing stays here.
_FIELD_INDEXES: dict[int, tuple[tuple[Report, ...], dict[str, dict[Any, array[int]]]]] = {}


def take_field_index(reports: tuple[Report, ...]) -> dict[str, dict[Any, array[int]]] | None:
    """The per-field line index built while these reports were read (``None`` if they were not read
    by the streaming reader); handed out once."""
    kept = _FIELD_INDEXES.pop(id(reports), None)
    if kept is None or kept[0] is not reports:
        return None
    return kept[1]


def _stream_reports(text: str) -> tuple[tuple[Report, ...], dict[str, dict[Any, array[int]]]] | None:
    """``[report, ...]`` or ``{"reports": [report, ...]}`` validated one report at a time, with the
    index of the shared line fields built on the way (see :func:`take_field_index`).

    The same values as json.loads + model_validate, but only one report's parsed JSON exists at a
    time (parsing a large file whole held several times its size in dicts), and lines share equal
    values and equal sets of fields given (``model_fields_set``) instead of holding a copy each: a
    100,000-line file takes about half the memory. ``None`` when the text has another shape or
    anything in it is invalid: the caller then takes the slow path, which reports the problem.
    """
    with cycle_collection_paused(keep=True):  # the models form no reference cycles
        return _parse_stream(text)


def _parse_stream(text: str) -> tuple[tuple[Report, ...], dict[str, dict[Any, array[int]]]] | None:
    try:
        pos = _skip(text, 0)
        wrapped = text.startswith("{", pos)
        if wrapped:
            pos = _skip(text, pos + 1)
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if key != "reports" or not text.startswith(":", pos):
                return None
            pos = _skip(text, pos + 1)
        if not text.startswith("[", pos):
            return None
        pos = _skip(text, pos + 1)
        reports: list[Report] = []
        field_sets: dict[frozenset[str], set[str]] = {}
        # per field: value -> (the one copy kept, numbers of the lines that use it)
        shared_values: list[tuple[str, dict[Any, tuple[Any, array[int]]]]] = [(name, {}) for name in _SHARED_VALUES]
        g = 0  # the line's number over the whole file, as LineIndex numbers it
        if text.startswith("]", pos):
            pos += 1
        else:
            while True:
                data, pos = _DECODER.raw_decode(text, pos)
                report = Report.model_validate(data)
                for line in report.lines:
                    given = line.__pydantic_fields_set__
                    shared = field_sets.setdefault(frozenset(given), given)
                    if shared is not given:  # lines are frozen: the set is only read
                        object.__setattr__(line, "__pydantic_fields_set__", shared)
                    values = line.__dict__
                    for name, known in shared_values:  # an equal value, of the same type, read before
                        value = values[name]
                        if value is not None:
                            entry = known.get(value)
                            if entry is None:
                                entry = known[value] = (value, array("i"))
                            else:
                                values[name] = entry[0]
                            entry[1].append(g)
                    g += 1
                reports.append(report)
                pos = _skip(text, pos)
                if text.startswith("]", pos):
                    pos += 1
                    break
                if not text.startswith(",", pos):
                    return None
                pos = _skip(text, pos + 1)
        if wrapped:
            pos = _skip(text, pos)
            if not text.startswith("}", pos):
                return None
            pos += 1
        if _skip(text, pos) != len(text):
            return None
        return tuple(reports), {name: dict(known.values())
                                for name, known in shared_values}
    except (ValueError, ValidationError):  # json.JSONDecodeError is a ValueError
        return None


CSV_COLUMNS = (
    "report_id", "employee", "report_title", "report_currency", "merchant", "amount", "currency",
    "category", "project", "customer", "class", "department", "location", "billable", "reimbursable",
    "date", "tax",
)
_ASCII_ID = re.compile(r"[0-9]{1,18}")  # an internal id; anything else stays a name
_REQUIRED = ("report_id", "employee", "amount")


@dataclass
class CsvLines:
    """Where each report and report line came from in the CSV, so errors name a line and a column."""

    reports: list[int] = field(default_factory=list)  # report index -> its first row's line number
    lines: dict[tuple[int, int], int] = field(default_factory=dict)  # (report, line index) -> line number

    def locate(self, loc: tuple[int | str, ...]) -> str:
        parts = list(loc)
        if len(parts) >= 2 and parts[0] == "reports" and isinstance(parts[1], int):
            report = parts[1]
            if len(parts) >= 4 and parts[2] == "lines" and isinstance(parts[3], int):
                number = self.lines.get((report, parts[3]))
                column = _column(parts[4]) if len(parts) > 4 else None
            else:
                number = self.reports[report] if report < len(self.reports) else None
                column = _REPORT_COLUMNS.get(str(parts[2]), str(parts[2])) if len(parts) > 2 else None
            if number is not None:
                return f"line {number}" + (f", column {column}" if column else "")
        return ".".join(str(p) for p in parts) or "(top level)"


_REPORT_COLUMNS = {"id": "report_id", "title": "report_title", "currency": "report_currency"}


def _column(name: int | str) -> str:
    return "class" if name == "class_" else str(name)


def _rows_to_reports(text: str, source: str) -> tuple[list[dict[str, Any]], CsvLines]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _read_rows(reader, source)
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise InputError(f"not readable as CSV: {exc}", source=source, field=f"line {reader.line_num + 1}") from None


def _read_rows(reader: csv.DictReader[str], source: str) -> tuple[list[dict[str, Any]], CsvLines]:
    where = CsvLines()
    index_of: dict[str, int] = {}
    header = reader.fieldnames or []
    for name in _REQUIRED:
        if name not in header:
            raise InputError("missing required column", source=source, field=name)
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise InputError(f"unknown column (expected some of {', '.join(CSV_COLUMNS)})", source=source,
                         field=unknown[0])
    reports: dict[str, dict[str, Any]] = {}
    for row in reader:
        number = reader.line_num
        report_id = (row.get("report_id") or "").strip()
        if not report_id:
            raise InputError("empty report_id", source=source, field=f"line {number}")
        if report_id not in reports:
            index_of[report_id] = len(where.reports)
            where.reports.append(number)
        report = reports.setdefault(report_id, {
            "id": report_id, "employee": (row.get("employee") or "").strip(),
            "title": row.get("report_title") or None, "currency": row.get("report_currency") or None,
            "lines": [],
        })
        line = {k: v for k, v in row.items() if k in CSV_COLUMNS[4:] and v not in (None, "")}
        for flag in ("billable", "reimbursable"):
            if flag in line:
                line[flag] = line[flag].strip().lower() in ("1", "true", "yes", "y", "t")
        for ref in ("category", "project", "customer", "class", "department", "location"):
            if ref in line and _ASCII_ID.fullmatch(line[ref].strip()):  # not isdigit(): "²" is a digit
                line[ref] = int(line[ref])
        where.lines[(index_of[report_id], len(report["lines"]))] = number
        report["lines"].append(line)
    return list(reports.values()), where
