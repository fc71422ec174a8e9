"""What one account's audit builds once and every check shares: indexes of the inputs and of the
snapshot, each made on first use and kept on the run, never in a module.

``PreparedInputs`` holds what depends on the workspace and the pending reports alone (the line
index, the submitters, the categories in use, per-report sums); a live run builds it in the
background while it waits for NetSuite (``lookups.warm``). ``RunState`` adds what depends on the
account's snapshot (the subsidiary tree, email indexes, resolved references, rows by id). The engine makes one
``RunState`` per account and hands it to every check through ``Context.state``; two accounts audited
in one process (``nsaudit run --profile a --profile b``) never share one.

Checks run one after another within an account, so neither object is locked; each account runs in
its own thread with its own objects.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from netsuite_audit.audit.line_index import LineIndex, line_index

if TYPE_CHECKING:
    from netsuite_audit.inputs.pending import PendingReports
    from netsuite_audit.inputs.workspace import Workspace
    from netsuite_audit.snapshot import AccountSnapshot

T = TypeVar("T")


class _Memo:
    """Values built once per key, on first request."""

    def __init__(self) -> None:
        self._built: dict[Hashable, Any] = {}

    def once(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for ``key``, built by ``build()`` the first time it is asked for."""
        try:
            found: T = self._built[key]
        except KeyError:
            found = self._built[key] = build()
        return found


class PreparedInputs(_Memo):
    """The workspace and the pending reports, with the indexes built from them alone."""

    def __init__(self, workspace: Workspace, reports: PendingReports | None) -> None:
        super().__init__()
        self.workspace = workspace
        self.reports = reports

    @property
    def line_index(self) -> LineIndex:
        """The pending report lines, numbered in file order (empty without reports)."""
        return self.once("line_index", lambda: line_index(self.reports))


class RunState(_Memo):
    """One account's audit: its prepared inputs and its snapshot, with the indexes built from them."""

    def __init__(self, inputs: PreparedInputs, snapshot: AccountSnapshot) -> None:
        super().__init__()
        self.inputs = inputs
        self.snapshot = snapshot
        self.readable: dict[str, bool] = {}  # table -> the snapshot says it was read
        self.by_id: dict[str, Any] = {}  # table -> its rows by internal id

    @classmethod
    def of(cls, snapshot: AccountSnapshot, workspace: Workspace, reports: PendingReports | None) -> RunState:
        return cls(PreparedInputs(workspace, reports), snapshot)

    @property
    def line_index(self) -> LineIndex:
        return self.inputs.line_index

    def fits(self, snapshot: AccountSnapshot, workspace: Workspace, reports: PendingReports | None) -> bool:
        """Whether this state was built for exactly these objects."""
        return self.snapshot is snapshot and self.inputs.workspace is workspace and self.inputs.reports is reports
