"""Open the history database (SQLite file or PostgreSQL), bring its schema to the current revision
on first use, and record runs.

Concurrency: every SQLite transaction takes the write lock when it begins (``BEGIN IMMEDIATE``, with
a 30 s busy wait), and PostgreSQL migrations hold a transaction-level advisory lock, so two runs that
open a new database at once migrate it once. A run is written in one transaction under a ``run_uid``
made before the first attempt, so a retry after a lost connection never adds it twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from netsuite_audit.history import schema
from netsuite_audit.history.record import RunRecord
from netsuite_audit.support.errors import InputError

ENV = "NSAUDIT_HISTORY"
HEAD = "0001"  # the newest revision in migrations/versions (a test holds them equal)
_PG_LOCK = 0x6E73617564  # "nsaud": the advisory lock that serialises migrations
_ATTEMPTS = 3
# Alembic's own bookkeeping table, as Alembic makes it (for the stamp of a new database).
_VERSION = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                 PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def default_path() -> Path:
    """history.sqlite3 in the user's data directory (XDG_DATA_HOME on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("nsaudit", appauthor=False)) / "history.sqlite3"


def database_url(value: str | None) -> str:
    """A SQLAlchemy URL from ``--history`` / NSAUDIT_HISTORY: a file path or sqlite:/// URL (SQLite), a
    postgresql:// URL (psycopg 3), or nothing (the default file)."""
    text = (value or "").strip()
    if not text:
        return f"sqlite:///{default_path()}"
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if scheme == "sqlite" or text.startswith("sqlite:"):
        return text
    if scheme:
        raise InputError(f"{scheme}:// is not a history database nsaudit writes; give a SQLite file "
                         "or a postgresql:// URL", source="--history")
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def label(url: str) -> str:
    """The database as messages name it: the file, or the URL with its password hidden."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "the history database"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "SQLite in memory"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


class HistoryStore:
    """One history database. ``open()`` migrates it; ``record()`` adds a run."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.label = label(url)
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise InputError("not a database URL", source="--history") from exc
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            _prepare_file(parsed.database)
            self.engine: Engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            try:
                import psycopg  # noqa: F401
            except ImportError as exc:
                raise InputError("a PostgreSQL history needs the psycopg driver: python -m pip install "
                                 "'nsaudit[postgresql]' (or psycopg[binary])", source="--history") from exc
            # One connection, reused from the schema check to the write; the session in UTC, so the
            # zone-less times nsaudit stores mean the same on every server.
            self.engine = create_engine(url, connect_args={"options": "-c timezone=UTC"})

    @classmethod
    def open(cls, value: str | None) -> HistoryStore:
        store = cls(database_url(value))
        store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    # ---- schema ------------------------------------------------------------------------------------
    def revision(self, conn: Connection) -> str | None:
        """The schema revision Alembic recorded (None for a new database). Read with SQLAlchemy alone:
        Alembic is imported only when there is something to upgrade."""
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.execute(select(_VERSION.c.version_num)).scalars().all()
        return str(versions[0]) if len(versions) == 1 else None

    def migrate(self) -> None:
        """Bring the schema to HEAD (forward only), once even when several runs start together. A new
        database gets the current tables and HEAD's stamp directly (what Alembic's migrations make,
        tests/history/test_store.py holds them equal); an older one is upgraded by Alembic."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            current = self.revision(conn)
            if current == HEAD:
                return
            if current is None and not inspect(conn).has_table("runs"):
                schema.metadata.create_all(conn)
                _VERSION.create(conn)
                conn.execute(insert(_VERSION), {"version_num": HEAD})
                return
            upgrade(conn)

    # ---- writing -----------------------------------------------------------------------------------
    def record(self, record: RunRecord) -> int:
        """Insert the run and its rows in one transaction; returns the run's id."""
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self.engine.begin() as conn:
                    existing = conn.execute(select(schema.runs.c.id).where(
                        schema.runs.c.run_uid == record.run_uid)).scalar()
                    if existing is not None:  # an earlier attempt committed before its connection broke
                        return int(existing)
                    return _insert(conn, record)
            except IntegrityError:
                if attempt == _ATTEMPTS:
                    raise
            except (OperationalError, DBAPIError) as exc:
                if attempt == _ATTEMPTS or not _transient(exc):
                    raise
            time.sleep(0.2 * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn


def upgrade(conn: Connection) -> None:
    """Run Alembic's migrations on ``conn`` (inside the caller's transaction) up to HEAD."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _insert(conn: Connection, record: RunRecord) -> int:
    run = {**record.run, "run_uid": record.run_uid,
           "started_at": utc(record.run["started_at"]), "finished_at": utc(record.run["finished_at"])}
    run_id = int(conn.execute(insert(schema.runs).returning(schema.runs.c.id), run).scalar_one())
    for table, rows in ((schema.run_checks, record.checks), (schema.findings, record.findings),
                        (schema.role_permissions, record.permissions), (schema.identities, record.identities)):
        if rows:
            conn.execute(insert(table), [{**row, "run_id": run_id} for row in rows])
    return run_id


def utc(moment: datetime) -> datetime:
    """Times are stored as UTC without a zone (SQLite keeps none); ``aware`` reads them back."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def failure_text(exc: BaseException, url: str) -> str:
    """One line for a failed write: the driver's own words (never SQLAlchemy's statement and
    parameters), the URL's password blanked out."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(cause).split())[:300]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def _transient(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else ""
    return exc.connection_invalidated or any(word in text for word in (
        "locked", "busy", "could not serialize", "deadlock", "connection", "terminat"))


def _prepare_file(database: str | None) -> None:
    """A new SQLite file and its folder are made private to the user (0700 / 0600)."""
    if not database or database == ":memory:":
        return
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event says how a transaction starts
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")
