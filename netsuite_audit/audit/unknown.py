"""UNVERIFIABLE findings for values NetSuite did not return (unknown is never empty).

A check lists the columns its verdict needs in ``CheckMeta.columns`` as ``"table.column"``; when a
read table lacks one (``TableRead.unknown``), the engine reports the check UNVERIFIABLE with
:func:`unknown_columns_finding` instead of running it on stand-in defaults. A check that needs a
column for only part of its verdict asks ``Context.known`` and uses :func:`column_manual` itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from netsuite_audit.audit import remedies
from netsuite_audit.snapshot import AccountSnapshot

# Where an admin sees each column's value by hand, for the columns whose absence matters most.
_WHERE: dict[str, str] = {
    "employee.rolesforsearch": "open the employee record > Access tab > Roles subtab",
    "employee.email": "open the employee record and read Email",
    "employee.subsidiary": "open the employee record and read Subsidiary",
    "employee.isinactive": "open the employee record and see whether Inactive is ticked",
    "employee.supervisor": "open the employee record > Human Resources tab and read Supervisor",
    "employee.expenselimit": "open the employee record > Human Resources tab and read Expense Limit",
    "employee.department": "open the employee record and read Department",
    "employee.class": "open the employee record and read Class",
    "employee.location": "open the employee record and read Location",
    "job.allowexpenses": "open the project > Preferences and see whether Allow Expenses is ticked",
    "job.limittimetoassignees": "open the project and see whether 'Limit time and expenses to resources' is ticked",
    "expensecategory.raterequired": f"open {remedies.EXPENSE_CATEGORIES} and see Rate Is Required",
    "account.subsidiary": "open the account and read its Subsidiaries (and Include Children)",
    "vendor.currency": "open the vendor > Financial tab and read Currency",
}


def split_column(ref: str) -> tuple[str, str]:
    table, _, column = ref.partition(".")
    return table, column


def missing_columns(snapshot: AccountSnapshot, columns: Iterable[str]) -> list[str]:
    """The ``table.column`` names of read tables whose values the read did not return."""
    out = []
    for ref in columns:
        table, column = split_column(ref)
        if snapshot.readable(table) and column in snapshot.unknown_columns(table):
            out.append(ref)
    return out


def via(snapshot: AccountSnapshot, table: str) -> str:
    read = snapshot.read(table)
    return {"soap": "a SOAP search", "rest": "SuiteQL", "audit-profile": "SuiteQL (audit profile)"}.get(
        read.via, "the read")


def column_manual(snapshot: AccountSnapshot, refs: Sequence[str]) -> tuple[str, ...]:
    steps = []
    for ref in refs:
        table, column = split_column(ref)
        where = _WHERE.get(ref, f"open the {table} records and read {column}")
        steps.append(f"In NetSuite {where} for the records this check looks at.")
    steps.append("Or let nsaudit read them itself: a token whose role has REST Web Services and "
                 "SuiteAnalytics Workbook reads every column with SuiteQL; then run nsaudit again.")
    return tuple(steps)


def column_missing_text(snapshot: AccountSnapshot, refs: Sequence[str]) -> str:
    parts = [f"{ref} (not returned by {via(snapshot, split_column(ref)[0])})" for ref in refs]
    return "; ".join(parts)
