"""Alembic migrations of the history database (run by ``history.store``, forward only)."""
