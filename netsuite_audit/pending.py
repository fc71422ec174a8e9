"""Pending reports: the expense reports about to be exported, line by line (JSON or CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from netsuite_audit.errors import InputError
from netsuite_audit.inputs import read_text, validate
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
        text = read_text(path)
        if path.suffix.lower() == ".csv":
            return validate(cls, {"reports": _rows_to_reports(text, str(path))}, str(path))
        import json

        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path)) from exc
        if isinstance(data, list):
            data = {"reports": data}
        return validate(cls, data, str(path))


CSV_COLUMNS = (
    "report_id", "employee", "report_title", "report_currency", "merchant", "amount", "currency",
    "category", "project", "customer", "class", "department", "location", "billable", "reimbursable",
    "date", "tax",
)
_REQUIRED = ("report_id", "employee", "amount")


def _rows_to_reports(text: str, source: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for name in _REQUIRED:
        if name not in header:
            raise InputError("missing required column", source=source, field=name)
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise InputError(f"unknown column (expected some of {', '.join(CSV_COLUMNS)})", source=source,
                         field=unknown[0])
    reports: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=2):
        report_id = (row.get("report_id") or "").strip()
        if not report_id:
            raise InputError("empty report_id", source=source, field=f"line {number}")
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
            if ref in line and line[ref].strip().isdigit():
                line[ref] = int(line[ref])
        report["lines"].append(line)
    return list(reports.values())
