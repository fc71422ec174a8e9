"""The history database's tables (SQLAlchemy Core). Changing them needs a new Alembic revision in
``migrations/versions``; tests/history/test_store.py holds the two equal."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# One row per audited account per `nsaudit run`. ``run_uid`` is made by the writer before its first
# attempt, so a retried write can never add the same run twice.
runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_uid", String(36), nullable=False),
    Column("account_id", Text, nullable=False),
    Column("profile", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("nsaudit_version", String(40), nullable=False),
    Column("connection_kind", Text),  # result.connection.kind when the result has one
    Column("source", String(20), nullable=False),  # live, demo or snapshot
    Column("endpoint", Text),  # the base URL a live run read (no user info, no query)
    Column("snapshot_file", Text),  # the snapshot's file name, for a run from --snapshot
    Column("snapshot_sha256", String(64), nullable=False),  # of the snapshot the findings came from
    Column("checks_run", Integer, nullable=False),
    Column("checks_skipped", Integer, nullable=False),
    Column("exit_code", Integer, nullable=False),
    Column("login_ok", Boolean, nullable=False),
    Column("permissions_read", Boolean, nullable=False),  # the role's permission list was read
    Column("tokens_read", Boolean, nullable=False),  # the access-token list was read
    UniqueConstraint("run_uid", name="uq_runs_run_uid"),
)
Index("ix_runs_account_started", runs.c.account_id, runs.c.started_at)

# Which checks ran in a run: a finding absent from a run is fixed only where its check ran.
run_checks = Table(
    "run_checks", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("check_id", Text, primary_key=True),
    Column("state", String(20), nullable=False),  # ran, skipped, error
)

# The findings that were not a PASS, under the finding's stable id (``Finding.id``: check/subject,
# the id --baseline and `nsaudit diff` match on).
findings = Table(
    "findings", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", Text, primary_key=True),
    Column("check_id", Text, nullable=False),
    Column("code", Text),
    Column("subject", Text),
    Column("status", String(20), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("count", Integer, nullable=False),
)
Index("ix_findings_fingerprint", findings.c.fingerprint)

# The integration role's permission list as read in a run (rolepermissions, or what the token proved).
role_permissions = Table(
    "role_permissions", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("permkey", Text, primary_key=True),
    Column("role_id", Integer),
    Column("role_name", Text),
    Column("name", Text),
    Column("level", String(40)),  # None / View / Create / Edit / Full, or "at least View" from a probe
    Column("source", String(20), nullable=False),  # rolepermissions or probe
)

# Integration identities seen in a run: access tokens (never a secret or a token id) and the OAuth 2.0
# subject nsaudit itself logged in as. Columns the snapshot does not carry stay NULL.
identities = Table(
    "identities", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(40), primary_key=True),  # tba-token, oauth2-subject
    Column("ident", Text, primary_key=True),  # the record's internal id, or the token subject
    Column("name", Text),
    Column("application", Text),  # the integration record
    Column("user_name", Text),
    Column("role_name", Text),
    Column("state", String(20)),  # active, inactive, revoked
    Column("created", String(40)),
    Column("revoked", String(40)),
    Column("certificate_expiry", String(40)),
)
