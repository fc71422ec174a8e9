"""What a run calls: ``warm`` before reading the account, ``record`` after building the result.
Nothing here imports SQLAlchemy at import time, so a run without history never pays for it."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsuite_audit.inputs.workspace import Workspace
    from netsuite_audit.result import AuditResult
    from netsuite_audit.snapshot import AccountSnapshot


def warm(url: str) -> None:
    """Import the history store (SQLAlchemy, and psycopg for PostgreSQL) in a background thread while
    the account is read: the run waits on the network meanwhile, so recording costs only its write."""
    # Third-party modules only: nsaudit's own modules are left to the main thread, which imports them
    # too (and they are small); SQLAlchemy and the driver are what takes time.
    modules = ["sqlalchemy", "sqlalchemy.engine", "sqlalchemy.dialects.sqlite"]
    if url.startswith("postgresql"):
        modules += ["psycopg", "sqlalchemy.dialects.postgresql.psycopg"]

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # a missing driver is reported by the write itself, in one line
                return

    threading.Thread(target=load, name="nsaudit-history-import", daemon=True).start()


def record(url: str, result: AuditResult, snapshot: AccountSnapshot, workspace: Workspace | None,
           warn: Callable[[str], None], *, source: str, snapshot_file: str | None) -> None:
    """Add the run to the history database. A failure is one line through ``warn`` and never changes
    the exit code: the audit happened either way."""
    try:
        from netsuite_audit.history.record import build_record
        from netsuite_audit.history.store import HistoryStore

        built = build_record(result, snapshot, workspace=workspace, source=source, snapshot_file=snapshot_file)
        store = HistoryStore.open(url)
        try:
            store.record(built)
        finally:
            store.close()
    except Exception as exc:  # the database, not the audit: said once
        try:
            from netsuite_audit.history.store import failure_text, label

            warn(f"history not recorded in {label(url)}: {failure_text(exc, url)}")
        except ImportError:  # SQLAlchemy itself is missing
            warn(f"history not recorded: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
