"""The first history schema: runs, the checks each ran, findings, role permissions, identities.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_uid", sa.String(36), nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("profile", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nsaudit_version", sa.String(40), nullable=False),
        sa.Column("connection_kind", sa.Text),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("endpoint", sa.Text),
        sa.Column("snapshot_file", sa.Text),
        sa.Column("snapshot_sha256", sa.String(64), nullable=False),
        sa.Column("checks_run", sa.Integer, nullable=False),
        sa.Column("checks_skipped", sa.Integer, nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=False),
        sa.Column("login_ok", sa.Boolean, nullable=False),
        sa.Column("permissions_read", sa.Boolean, nullable=False),
        sa.Column("tokens_read", sa.Boolean, nullable=False),
        sa.UniqueConstraint("run_uid", name="uq_runs_run_uid"),
    )
    op.create_index("ix_runs_account_started", "runs", ["account_id", "started_at"])
    op.create_table(
        "run_checks",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("check_id", sa.Text, primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.Text, primary_key=True),
        sa.Column("check_id", sa.Text, nullable=False),
        sa.Column("code", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])
    op.create_table(
        "role_permissions",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("permkey", sa.Text, primary_key=True),
        sa.Column("role_id", sa.Integer),
        sa.Column("role_name", sa.Text),
        sa.Column("name", sa.Text),
        sa.Column("level", sa.String(40)),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_table(
        "identities",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("ident", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("application", sa.Text),
        sa.Column("user_name", sa.Text),
        sa.Column("role_name", sa.Text),
        sa.Column("state", sa.String(20)),
        sa.Column("created", sa.String(40)),
        sa.Column("revoked", sa.String(40)),
        sa.Column("certificate_expiry", sa.String(40)),
    )
