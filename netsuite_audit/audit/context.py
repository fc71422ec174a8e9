"""What a check function receives, with the helpers that build its findings.

A check module defines ``META = CheckMeta(...)`` and ``def check(ctx: Context) -> Iterable[Finding]``.
It yields FAIL / WARN / UNVERIFIABLE findings (and PASS ones if it wants to record evidence); when it
yields nothing the engine records one PASS for it. The engine has already made sure every table in
``META.reads`` was read; ``optional_reads`` may be ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netsuite_audit.audit.model import CheckMeta, Finding, Severity, Status, Subject, finding_id
from netsuite_audit.pending import PendingReports
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.workspace import Ref, Workspace


@dataclass(frozen=True)
class Context:
    meta: CheckMeta
    snapshot: AccountSnapshot
    workspace: Workspace = field(default_factory=Workspace)
    reports: PendingReports | None = None
    workspace_given: bool = False
    _readable: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ---- data access ---------------------------------------------------------------------------
    def rows(self, table: str) -> tuple[Any, ...]:
        """Rows of a table in META.reads (guaranteed read), or of an optional one (``()`` if unread)."""
        return self.snapshot.tables.get(table) or ()

    def readable(self, table: str) -> bool:
        known = self._readable.get(table)
        if known is None:  # checks ask this per row; the snapshot cannot change
            known = self._readable[table] = self.snapshot.readable(table)
        return known

    def known(self, table: str, column: str) -> bool:
        """The table was read and the read returned ``column`` (its values are not stand-ins)."""
        return self.readable(table) and column not in self.snapshot.unknown_columns(table)

    def by_id(self, table: str) -> Mapping[int, Any]:
        return self.snapshot.tables.by_id(table)

    def resolve(self, table: str, ref: Ref) -> Any | None:
        """A row by internal id (int or digit string) or by exact name/fullname/entityid; ``None`` if absent."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
            return self.by_id(table).get(int(ref))
        return self.snapshot.tables.by_name(table).get(ref.strip())

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
        return self._finding(Status.UNVERIFIABLE, message, missing=missing, **kwargs)
