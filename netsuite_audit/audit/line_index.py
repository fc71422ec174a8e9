"""One index of the pending report lines, built once and shared by every check that reads them.

A check that asks "which lines use this class / project / category" used to walk every line itself;
at 100,000 lines each walk cost tens of milliseconds, and a dozen checks walked. ``line_index(reports)``
numbers the lines once (``g``, 0-based over the whole file, in file order) and, per line field asked
for, keeps ``value as written -> line numbers`` (each number list ascending). A check then works per
distinct value, and turns line numbers into "report X line N" only for the values it reports.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable
from functools import partial
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from netsuite_audit.inputs.pending import PendingReports, Report, ReportLine, report_lines


class LineIndex:
    """The lines of a set of pending reports, numbered in file order."""

    def __init__(self, reports: tuple[Report, ...]) -> None:
        self.reports = reports
        self.lines: list[ReportLine] = report_lines(reports)
        counts = list(map(len, map(_LINES, reports)))
        # g -> index of its report in ``reports``
        self.report_of = _report_of(counts)
        # g -> 1-based line number on its report
        self.number_of = _number_of(counts)
        self._fields: dict[str, dict[Any, array[int]]] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def values(self, field: str) -> dict[Any, array[int]]:
        """``value as written -> line numbers`` for a line field (``class_`` for the class); lines
        without a value are left out. Values in order of first use.

        The fields the bundled checks ask for (``COMMON_FIELDS``) are indexed together on the first
        request for one of them: the lines are read once for all of them."""
        found = self._fields.get(field)
        if found is None:
            fields = COMMON_FIELDS if field in COMMON_FIELDS else (field,)
            self._fields.update(zip(fields, self._index(fields), strict=True))
            found = self._fields[field]
        return found

    def _index(self, fields: tuple[str, ...]) -> list[dict[Any, array[int]]]:
        """The index of each of these fields. The loops run in C (``map``; the same loop in Python cost
        ~15 ms a field at 100,000 lines), a block of lines at a time: each line is read once for all
        the fields, and the block's columns are small enough to be made and dropped in the cache. The
        block's line numbers are made once for all the fields (a ``range`` made each again per field)."""
        values = list(map(_VALUES, self.lines))
        found: list[defaultdict[Any, array[int]]] = [defaultdict(_no_lines) for _ in fields]
        read = itemgetter(*fields) if len(fields) > 1 else lambda line: (line[fields[0]],)
        for start in range(0, len(values), _BLOCK):
            block = values[start:start + _BLOCK]
            numbers = list(range(start, start + len(block)))  # made once, read for every field
            for lines_of, column in zip(found, zip(*map(read, block), strict=True), strict=True):
                deque(map(array.append, map(lines_of.__getitem__, column), numbers), maxlen=0)
        for lines_of in found:
            lines_of.pop(None, None)  # lines without a value
        return [dict(lines_of) for lines_of in found]

    def report(self, g: int) -> Report:
        return self.reports[self.report_of[g]]

    def where(self, g: int) -> str:
        """``report <id> line <n>``, as findings name a line."""
        return f"report {self.reports[self.report_of[g]].id} line {self.number_of[g]}"

    def per_report(self, values: Iterable[Any]) -> list[Any]:
        """A per-report value spread to every line: ``result[g] = values[report of g]``."""
        values = list(values)
        return [values[r] for r in self.report_of]


def _report_of(counts: list[int]) -> array[int]:
    """``[0] * counts[0] + [1] * counts[1] + ...``, made as bytes (each report's number repeated in C)
    rather than one number at a time."""
    found = array("i")
    size = found.itemsize
    found.frombytes(b"".join(map(bytes.__mul__, map(int.to_bytes, range(len(counts)), repeat(size),
                                                    repeat(sys.byteorder)), counts)))
    return found


def _number_of(counts: list[int]) -> array[int]:
    """``1..counts[0], 1..counts[1], ...``: slices of one ``1..max`` run, made as bytes."""
    found = array("i")
    size = found.itemsize
    run = array("i", range(1, max(counts, default=0) + 1)).tobytes()
    found.frombytes(b"".join(map(run.__getitem__, map(slice, repeat(0), map(size.__mul__, counts)))))
    return found


_LINES = attrgetter("lines")
_VALUES = attrgetter("__dict__")
_no_lines = partial(array, "i")
_BLOCK = 4096  # lines indexed at a time

# The line fields the bundled checks look lines up by.
COMMON_FIELDS = ("class_", "department", "location", "project", "customer", "category", "currency", "merchant")


def line_index(reports: PendingReports | None) -> LineIndex:
    """A new index of these reports' lines; an empty one for no reports. Checks ask for the run's own
    (``ctx.line_index``), built once per account (audit/state.py)."""
    return LineIndex(reports.reports if reports is not None else ())
