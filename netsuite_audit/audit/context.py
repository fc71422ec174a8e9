"""What a check function receives, with the helpers that build its findings.

A check module defines ``META = CheckMeta(...)`` and ``def check(ctx: Context) -> Iterable[Finding]``.
It yields FAIL / WARN / UNVERIFIABLE findings (and PASS ones if it wants to record evidence); when it
yields nothing the engine records one PASS for it. The engine has already made sure every table in
``META.reads`` was read; ``optional_reads`` may be ``None``.

What a check builds once for the whole run (indexes of the lines, the employees, the subsidiaries)
lives on ``ctx.state`` (audit/state.py), one per account: never in a module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Finding, Severity, Status, Subject, finding_id
from netsuite_audit.audit.references import AmbiguousName
from netsuite_audit.audit.state import RunState
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Ref, Workspace
from netsuite_audit.snapshot import AccountSnapshot


@dataclass(frozen=True)
class Context:
    meta: CheckMeta
    snapshot: AccountSnapshot
    workspace: Workspace = field(default_factory=Workspace)
    reports: PendingReports | None = None
    workspace_given: bool = False
    today: date | None = None  # the run's date; None: the day the snapshot was collected
    run_state: RunState | None = field(default=None, repr=False, compare=False)  # None: one of its own
    _touched: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given = self.run_state
        if given is None or not given.fits(self.snapshot, self.workspace, self.reports):
            object.__setattr__(self, "run_state", RunState.of(self.snapshot, self.workspace, self.reports))

    @property
    def state(self) -> RunState:
        """What this account's audit builds once and every check shares (audit/state.py)."""
        state = self.run_state
        assert state is not None  # set in __post_init__
        return state

    @property
    def line_index(self) -> LineIndex:
        """The pending report lines of this run, indexed once for every check."""
        return self.state.line_index

    # ---- data access ---------------------------------------------------------------------------
    def rows(self, table: str) -> tuple[Any, ...]:
        """Rows of a table in META.reads (guaranteed read), or of an optional one (``()`` if unread)."""
        self._touched.add(table)
        return self.snapshot.tables.get(table) or ()

    def readable(self, table: str) -> bool:
        self._touched.add(table)
        readable = self.state.readable
        known = readable.get(table)
        if known is None:  # checks ask this per row; the snapshot cannot change
            known = readable[table] = self.snapshot.readable(table)
        return known

    def known(self, table: str, column: str) -> bool:
        """The table was read and the read returned ``column`` (its values are not stand-ins)."""
        return self.readable(table) and column not in self.snapshot.unknown_columns(table)

    def by_id(self, table: str) -> Mapping[int, Any]:
        return self.snapshot.tables.by_id(table)

    def resolve(self, table: str, ref: Ref) -> Any | None:
        """A row by internal id (int or digit string) or by exact name/fullname/entityid; ``None`` if absent.
        A name two or more rows carry raises :class:`AmbiguousName` (the engine reports the check
        UNVERIFIABLE, naming it): judging the first of them could pass or fail the wrong record."""
        if type(ref) is int:  # most references: checks resolve one per distinct value in use
            return self._rows_by_id(table).get(ref)
        text = str(ref).strip()
        if isinstance(ref, int) or (text.isascii() and text.isdigit()):
            return self._rows_by_id(table).get(int(text))
        rows = self.snapshot.tables.by_name(table).get(text)
        if not rows:
            return None
        if len(rows) > 1:
            raise AmbiguousName(table, text, tuple(int(row.id) for row in rows))
        return rows[0]

    def _rows_by_id(self, table: str) -> Mapping[int, Any]:
        """``by_id``, kept per table for the run: checks resolve tens of thousands of references (the
        snapshot cannot change)."""
        by_id = self.state.by_id
        rows: Mapping[int, Any] | None = by_id.get(table)
        if rows is None:
            rows = by_id[table] = self.snapshot.tables.by_id(table)
        return rows

    @property
    def run_date(self) -> date:
        """The date date-based checks judge by: the run's date, else the snapshot's collection day."""
        return self.today if self.today is not None else self.snapshot.collected_at.date()

    # ---- findings -----------------------------------------------------------------------------
    def _finding(
        self,
        status: Status,
        message: str,
        *,
        subject: Subject | None = None,
        code: str | None = None,
        evidence: dict[str, Any] | None = None,
        fix: Iterable[str] = (),
        severity: Severity | None = None,
        missing: str | None = None,
        manual: Iterable[str] = (),
    ) -> Finding:
        if code is None and len(self.meta.codes) == 1:
            code = self.meta.codes[0]
        return Finding(
            id=finding_id(self.meta.id, subject),
            check_id=self.meta.id,
            code=code,
            status=status,
            severity=severity or self.meta.severity,
            title=self.meta.title,
            message=message,
            subject=subject,
            evidence=dict(evidence or {}),
            fix=tuple(fix),
            missing=missing,
            manual=tuple(manual),
        )

    def fail(self, message: str, **kwargs: Any) -> Finding:
        return self._finding(Status.FAIL, message, **kwargs)

    def warn(self, message: str, **kwargs: Any) -> Finding:
        return self._finding(Status.WARN, message, **kwargs)

    def passed(self, message: str, **kwargs: Any) -> Finding:
        return self._finding(Status.PASS, message, **kwargs)

    def unverifiable(self, message: str, *, missing: str, **kwargs: Any) -> Finding:
        """An UNVERIFIABLE finding. When a table this check uses failed in transit (network, timeout,
        429s or 5xx after the retries), the finding says so instead of naming a permission: nothing
        was learnt about permissions, and the run exits 3."""
        evidence = dict(kwargs.pop("evidence", None) or {})
        failed = self._failed_in_transit()
        if failed and "read_failures" not in evidence:
            evidence["read_failures"] = failed
            message = (f"{message} The read of {', '.join(failed)} failed in transit, not for lack of a "
                       f"permission: {'; '.join(f'{t}: {d}' for t, d in failed.items())}")
            missing = f"a complete answer from NetSuite for {', '.join(failed)}"
            kwargs["manual"] = ("Run nsaudit again; if the failure repeats, check the network path to "
                                "NetSuite and the account's concurrency use.",)
        return self._finding(Status.UNVERIFIABLE, message, missing=missing, evidence=evidence, **kwargs)

    def _failed_in_transit(self) -> dict[str, str]:
        tables = {*self.meta.reads, *self.meta.optional_reads, *self._touched}
        reads = {t: self.snapshot.read(t) for t in sorted(tables)}
        return {t: r.detail or f"{r.failure} failure" for t, r in reads.items() if r.failed_in_transit}
