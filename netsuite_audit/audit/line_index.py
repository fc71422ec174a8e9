"""One index of the pending report lines, built once and shared by every check that reads them.

A check that asks "which lines use this class / project / category" used to walk every line itself;
at 100,000 lines each walk cost tens of milliseconds, and a dozen checks walked. ``line_index(reports)``
numbers the lines once (``g``, 0-based over the whole file, in file order) and, per line field asked
for, keeps ``value as written -> line numbers`` (each number list ascending). A check then works per
distinct value, and turns line numbers into "report X line N" only for the values it reports.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from netsuite_audit.pending import PendingReports, Report, ReportLine, take_field_index

# The last few indexes, by the reports object they describe (kept alive with them, so an id found
# here is for that very object).
_KEPT = 4
_CACHE: dict[int, tuple[PendingReports, LineIndex]] = {}


class LineIndex:
    """The lines of a set of pending reports, numbered in file order."""

    def __init__(self, reports: tuple[Report, ...]) -> None:
        self.reports = reports
        self.lines: list[ReportLine] = [line for report in reports for line in report.lines]
        report_of = array("i")
        number_of = array("i")
        for index, report in enumerate(reports):
            count = len(report.lines)
            report_of.extend([index] * count)
            number_of.extend(range(1, count + 1))
        self.report_of = report_of  # g -> index of its report in ``reports``
        self.number_of = number_of  # g -> 1-based line number on its report
        # The loader's index of the shared fields when it built one while reading (same numbering).
        self._fields: dict[str, dict[Any, array[int]]] = take_field_index(reports) or {}

    def __len__(self) -> int:
        return len(self.lines)

    def values(self, field: str) -> dict[Any, array[int]]:
        """``value as written -> line numbers`` for a line field (``class_`` for the class); lines
        without a value are left out. Values in order of first use."""
        found = self._fields.get(field)
        if found is None:
            found = {}
            get = found.get
            for g, value in enumerate(map(itemgetter(field), (line.__dict__ for line in self.lines))):
                if value is not None:
                    numbers = get(value)
                    if numbers is None:
                        numbers = found[value] = array("i")
                    numbers.append(g)
            self._fields[field] = found
        return found

    def report(self, g: int) -> Report:
        return self.reports[self.report_of[g]]

    def where(self, g: int) -> str:
        """``report <id> line <n>``, as findings name a line."""
        return f"report {self.reports[self.report_of[g]].id} line {self.number_of[g]}"

    def per_report(self, values: Iterable[Any]) -> list[Any]:
        """A per-report value spread to every line: ``result[g] = values[report of g]``."""
        values = list(values)
        return [values[r] for r in self.report_of]


# The line fields the bundled checks look lines up by.
COMMON_FIELDS = ("class_", "department", "location", "project", "customer", "category", "currency", "merchant")


def line_index(reports: PendingReports | None) -> LineIndex:
    """The (cached) index of these reports' lines; an empty one for no reports."""
    if reports is None:
        return LineIndex(())
    cached = _CACHE.get(id(reports))
    if cached is not None and cached[0] is reports:
        return cached[1]
    index = LineIndex(reports.reports)
    if len(_CACHE) >= _KEPT:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(reports)] = (reports, index)
    return index
