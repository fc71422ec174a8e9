"""The history store against a real SQLite file and a real PostgreSQL server: the schema migrates to
the newest revision on first use and matches the tables the code writes, URLs resolve, a retried
write never adds a run twice, and two writers at once (two processes, a new database) lose nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from netsuite_audit.history import schema
from netsuite_audit.history.record import RunRecord
from netsuite_audit.history.store import HEAD, HistoryStore, database_url, default_path, label
from netsuite_audit.support.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _record(account: str = "1234567", n: int = 0) -> RunRecord:
    now = datetime.now(UTC)
    return RunRecord(
        run={"account_id": account, "profile": None, "started_at": now, "finished_at": now,
             "nsaudit_version": "0.1.0", "connection_kind": None, "source": "snapshot", "endpoint": None,
             "snapshot_file": "a.json", "snapshot_sha256": f"{n:064x}", "checks_run": 1, "checks_skipped": 0,
             "exit_code": 1, "login_ok": True, "permissions_read": False, "tokens_read": False},
        checks=({"check_id": "currency-valid", "state": "ran"},),
        findings=({"fingerprint": "currency-valid/currency:4", "check_id": "currency-valid", "code": "NS0012",
                   "subject": "currency:4", "status": "FAIL", "severity": "high", "title": "t", "message": "m",
                   "count": 1},),
    )


def test_the_schema_migrates_to_the_newest_revision_and_matches_the_code(history_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "netsuite_audit" / "history" / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    store = HistoryStore.open(history_url)
    try:
        with store.engine.connect() as conn:
            assert store.revision(conn) == HEAD
            assert MigrationContext.configure(conn).get_current_revision() == HEAD  # as Alembic reads it
            assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
        HistoryStore.open(history_url).close()  # a second open finds it current and changes nothing
    finally:
        store.close()


def test_alembics_migrations_from_scratch_make_the_same_database(history_url: str) -> None:
    """A new database is made from the code's tables and stamped; Alembic's migrations run from
    nothing must make the same tables, so an older database upgraded by them ends up the same."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from netsuite_audit.history.store import upgrade

    store = HistoryStore(database_url(history_url))
    try:
        with store.engine.begin() as conn:
            upgrade(conn)
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
            assert store.revision(conn) == HEAD
        store.migrate()  # current: nothing to do
        store.record(_record())
    finally:
        store.close()


def test_a_retried_write_is_one_run(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    try:
        record = _record()
        first = store.record(record)
        assert store.record(record) == first  # the same run_uid: found, not inserted again
        with store.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.runs)).scalar() == 1
            assert conn.execute(select(func.count()).select_from(schema.findings)).scalar() == 1
    finally:
        store.close()


_WRITER = textwrap.dedent("""
    import sys, time
    from tests.history.test_store import _record
    from netsuite_audit.history.store import HistoryStore
    url, name, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    while time.time() < start:
        time.sleep(0.005)
    for n in range(count):
        store = HistoryStore.open(url)  # every run opens (and checks the schema of) the database itself
        try:
            store.record(_record(name, n))
        finally:
            store.close()
""")


def test_two_concurrent_writers_lose_and_duplicate_nothing(history_url: str) -> None:
    import time

    count = 15
    start = time.time() + 2.0  # both processes are running by then: their first opens race on a new database
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, history_url, name, str(count), str(start)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("writer-a", "writer-b")]
    for writer in writers:
        _, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err[-3000:]
    store = HistoryStore.open(history_url)
    try:
        with store.connect() as conn:
            rows = conn.execute(select(schema.runs.c.account_id, schema.runs.c.run_uid)).all()
            findings = conn.execute(select(func.count()).select_from(schema.findings)).scalar()
    finally:
        store.close()
    assert sorted(a for a, _ in rows) == ["writer-a"] * count + ["writer-b"] * count
    assert len({uid for _, uid in rows}) == 2 * count
    assert findings == 2 * count


def test_urls_and_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "nsaudit" / "history.sqlite3"
    assert database_url(None) == f"sqlite:///{tmp_path / 'data' / 'nsaudit' / 'history.sqlite3'}"
    assert database_url(str(tmp_path / "h.db")) == f"sqlite:///{tmp_path / 'h.db'}"
    assert database_url("postgresql://u:pw@db.example/audit") == "postgresql+psycopg://u:pw@db.example/audit"
    assert database_url("postgres://u@db.example/audit") == "postgresql+psycopg://u@db.example/audit"
    with pytest.raises(InputError, match="mysql:// is not a history database"):
        database_url("mysql://u@db.example/audit")
    shown = label("postgresql+psycopg://u:s3cr3t-pw@db.example/audit")
    assert "s3cr3t-pw" not in shown and shown.startswith("postgresql://u:") and shown.endswith("@db.example/audit")


def test_a_new_sqlite_file_and_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "history.sqlite3"
    HistoryStore.open(str(path)).close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_postgresql_without_its_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    with pytest.raises(InputError, match=r"needs the psycopg driver: python -m pip install 'nsaudit\[postgresql\]'"):
        HistoryStore(database_url("postgresql://u@127.0.0.1:1/x"))


def test_times_and_long_ids_read_back_as_written(history_url: str) -> None:
    """A server in another time zone stores and returns the same instant; ids of any length fit."""
    from netsuite_audit.history.queries import load_runs

    if "://" in history_url:
        import psycopg

        name = history_url.rsplit("/", 1)[1]
        with psycopg.connect(history_url, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE \"{name}\" SET timezone = 'America/New_York'")
    record = _record()
    when = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    long_id = "custom-check/report-line:" + "R" * 2000
    finding = {**record.findings[0], "fingerprint": long_id, "subject": long_id[13:]}
    record = RunRecord(run={**record.run, "started_at": when, "finished_at": when}, checks=record.checks,
                       findings=(finding,))
    store = HistoryStore.open(history_url)
    try:
        store.record(record)
        (run,) = load_runs(store)
        assert run.started_at == when and run.day.isoformat() == "2026-03-31"
        with store.connect() as conn:
            assert conn.execute(select(schema.findings.c.fingerprint)).scalar() == long_id
    finally:
        store.close()
