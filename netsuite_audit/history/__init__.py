"""Audit history across runs: every run, its findings (by the finding's stable id), the integration
role's permissions and the integration identities it saw, in SQLite (default) or PostgreSQL.

``store`` opens a database and records a run, ``schema`` is its tables (versioned with Alembic, in
``migrations/``), ``record`` turns a result and its snapshot into the rows, ``queries`` reads
timelines back, and ``evidence`` builds the quarterly evidence pack.
"""
