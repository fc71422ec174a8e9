"""Pending reports: the expense reports about to be exported, line by line (JSON or CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import from_json

from netsuite_audit.inputs.files import error_from_validation, parsing, read_bounded, read_text, validate
from netsuite_audit.inputs.workspace import Ref
from netsuite_audit.support.errors import InputError
from netsuite_audit.support.fieldsets import FieldsSets
from netsuite_audit.support.gcpause import cycle_collection_paused


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
        if path.suffix.lower() == ".csv":
            text = read_text(path)
            try:
                with cycle_collection_paused(keep=True):
                    return cls(reports=_read_csv_lines_typed(text, str(path)))
            except ValidationError:  # read and validated whole again, so every error is named as it always was
                rows, lines = _rows_to_reports(text, str(path))
                try:
                    return cls.model_validate({"reports": rows})
                except ValidationError as exc:
                    raise error_from_validation(exc, str(path), lines.locate) from None
        with cycle_collection_paused(keep=True):  # the models form no reference cycles
            reports = _read_json(_read_bytes(path))
        if reports is not None:
            return cls(reports=reports)
        # Not the plain shape, or not valid (not even UTF-8): the file is read again as text, parsed
        # whole, then validated, so errors (invalid JSON, the first bad field) read as they always have.
        text = read_text(path)
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path)) from exc
        if isinstance(data, list):
            data = {"reports": data}
        return validate(cls, data, str(path))


# The plain shapes, ``{"reports": [...]}`` and ``[...]``, around the list of reports (JSON whitespace is
# these four characters, as json.loads reads it).
_OPENING = re.compile(rb'[ \t\n\r]*(\{[ \t\n\r]*"reports"[ \t\n\r]*:[ \t\n\r]*)?\[')
_CLOSING = re.compile(rb'\][ \t\n\r]*\Z')
_CLOSING_WRAPPED = re.compile(rb'\][ \t\n\r]*\}[ \t\n\r]*\Z')
# Where one report ends and the next begins when ``lines`` is a report's last key: ``]}, {``. In a valid
# file nothing else reads so (a line holds no list, and a quote inside a string is escaped).
_BETWEEN_REPORTS = re.compile(rb'\][ \t\n\r]*\}[ \t\n\r]*(,)[ \t\n\r]*\{')
_PIECE = 1 << 18  # bytes of the file parsed at a time (about 50 reports of 20 lines)
# Validated straight from JSON, an amount written as a number becomes a Decimal of another form than
# from the float json.loads reads (100.0 -> Decimal('100') instead of Decimal('100.0')); everything
# else comes out the same. A piece with such an amount, or with a key that could spell "amount" with
# escapes, is parsed first and validated from Python, as the slow path does.
_AMOUNT_NOT_A_STRING = re.compile(rb'"amount"[ \t\n\r]*:[ \t\n\r]*[^" \t\n\r]')
_ESCAPED_LETTER = re.compile(rb'\\u00[4-7][0-9a-fA-F]')
# A line giving the class both by its name in the file ("class") and by the field's own name ("class_"):
# JSON-mode validation accepts it in some pydantic releases (2.13) where Python mode refuses it, so such
# a piece is also validated from Python.
_CLASS_BY_FIELD_NAME = b'"class_"'


def _read_json(text: bytes) -> tuple[Report, ...] | None:
    """``[report, ...]`` or ``{"reports": [report, ...]}`` (the file's bytes), validated; ``None`` when
    the file has another shape or anything in it is invalid (the caller's slow path then says what).

    The list is read a piece of about 256 KB at a time, cut between two reports, and each piece is
    validated by pydantic straight from its JSON (parsing and validating in one pass takes half the
    time json.loads then validation took; equal short strings come out as one object). Only one
    piece's parsed JSON exists at a time, so the memory a piece frees is what the next one takes
    (parsing the file whole held ~3 times its size, kept by the process to its end). A cut that is not
    between two reports leaves a piece that is not JSON, and the slow path runs. pydantic's parser is
    stricter than json.loads (lone surrogates, nesting over 200 levels) and reads UTF-8 only: what it
    refuses also goes the slow path, which reads it as before. Lines then share their equal sets of
    fields given.
    """
    opening = _OPENING.match(text)
    if opening is None:
        return None
    closing = (_CLOSING_WRAPPED if opening.group(1) else _CLOSING).search(text, max(opening.end(), len(text) - 4096))
    if closing is None:
        return None
    start, end = opening.end(), closing.start()
    reports: list[Report] = []
    fields_given = FieldsSets()
    try:
        while start < end:
            cut = _BETWEEN_REPORTS.search(text, start + _PIECE, end)
            stop = cut.start(1) if cut else end
            # Always a list: ``[piece]`` is JSON only when the piece is a run of whole values (wrapped in
            # {"reports": ...}, a piece could close the list and add a key of its own).
            if _AMOUNT_NOT_A_STRING.search(text, start, stop) or text.find(_CLASS_BY_FIELD_NAME, start, stop) >= 0 or (
                    text.find(b"\\", start, stop) >= 0 and _ESCAPED_LETTER.search(text, start, stop)):
                piece = _report_list().validate_python(from_json(b"[" + text[start:stop] + b"]", cache_strings="all"))
            else:  # parsed and validated in one pass: the same values when every amount is a string
                piece = _report_list().validate_json(b"[" + text[start:stop] + b"]")
            fields_given.share(report_lines(piece))  # now, so the next piece's sets take the memory these free
            reports += piece
            start = stop + 1 if cut else end
    except ValueError:  # not JSON, or not valid (pydantic's ValidationError is a ValueError)
        return None
    return tuple(reports)


_SHARE_EVERY = 4096  # CSV lines typed between two sharings of their fields sets


def _read_csv_lines_typed(text: str, source: str) -> tuple[Report, ...]:
    """A CSV's reports with each line validated as it is read (its dict dropped at once) and the lines'
    fields sets shared every few thousand lines: a million-line file never holds a million dicts, nor
    the table of where each line came from (only an error needs it, and then the slow path builds it).
    A ValidationError means: read the file the slow way, which names every error as it always has."""
    fields_given = FieldsSets()
    recent: list[ReportLine] = []

    def typed(line: dict[str, Any]) -> ReportLine:
        model = ReportLine.model_validate(line)
        recent.append(model)
        if len(recent) >= _SHARE_EVERY:
            fields_given.share(recent)
            recent.clear()
        return model

    rows, _ = _rows_to_reports(text, source, typed)
    fields_given.share(recent)
    return tuple(Report.model_validate(row) for row in rows)


def _read_bytes(path: Path) -> bytes:
    return read_bounded(path)  # a regular file of bounded size: never a FIFO or /dev/zero


@cache
def _report_list() -> TypeAdapter[list[Report]]:
    return TypeAdapter(list[Report])  # built on first use: not every run reads a reports file


_LINES = attrgetter("lines")


def report_lines(reports: Sequence[Report]) -> list[ReportLine]:
    """Every line of these reports, in file order."""
    return list(chain.from_iterable(map(_LINES, reports)))


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


def _rows_to_reports(text: str, source: str, typed: Callable[[dict[str, Any]], Any] | None = None,
                     ) -> tuple[list[dict[str, Any]], CsvLines]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _read_rows(reader, source, typed)
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise InputError(f"not readable as CSV: {exc}", source=source, field=f"line {reader.line_num + 1}") from None


def _read_rows(reader: csv.DictReader[str], source: str,
               typed: Callable[[dict[str, Any]], Any] | None = None) -> tuple[list[dict[str, Any]], CsvLines]:
    """The CSV's reports as dicts (``typed`` turns each line as it is read, and then where each line came
    from is not kept: it is only for naming a validation error)."""
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
        if typed is not None:
            report["lines"].append(typed(line))
            continue
        where.lines[(index_of[report_id], len(report["lines"]))] = number
        report["lines"].append(line)
    return list(reports.values()), where
