"""Alembic's entry point: the store hands over an open connection inside its locked transaction."""

from __future__ import annotations

from alembic import context

from netsuite_audit.history.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
