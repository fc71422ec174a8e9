"""A real PostgreSQL server for the history tests, started by the test run itself
(tests/support/postgres.py: as ``nobody`` under root, since initdb refuses root); where no PostgreSQL
server binaries exist the PostgreSQL tests skip and say so. Each test gets a database of its own, and
``history_url`` runs a test against a real SQLite file and a real PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresServer, find_bindir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on PATH, from pg_config --bindir or under "
                    "/usr/lib/postgresql/*/bin: the PostgreSQL history tests need a server to start")
    pytest.importorskip("psycopg", reason="psycopg (the test extra) is not installed")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """postgresql://... of a new, empty database on the test server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each history test runs against a real SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    return str(request.getfixturevalue("postgres_url"))
