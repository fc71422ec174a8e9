"""What one run adds to the history: the run, the checks it ran, its findings, the integration role's
permissions and the integration identities, built from the result and the snapshot it came from.

Only names, ids, states and dates are kept: never a secret, a token id or a consumer key (the
snapshot holds none), never a finding's evidence (it may quote data the history does not need).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from netsuite_audit.audit.model import Status
from netsuite_audit.audit.permission_matrix import integration_role_id
from netsuite_audit.audit.requirements import grants
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.result import AuditResult
from netsuite_audit.snapshot import AccountSnapshot

Row = dict[str, Any]


@dataclass(frozen=True)
class RunRecord:
    """The rows of one run, ready to insert (``run_id`` is filled in by the store)."""

    run: Row
    checks: tuple[Row, ...] = ()
    findings: tuple[Row, ...] = ()
    permissions: tuple[Row, ...] = ()
    identities: tuple[Row, ...] = ()
    run_uid: str = field(default_factory=lambda: str(uuid.uuid4()))


def public_endpoint(url: str | None) -> str | None:
    """The base URL without user info, query or fragment (nothing that could carry a secret)."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def connection_kind(result: AuditResult) -> str | None:
    """``result.connection.kind`` where the result has it (older results do not: NULL)."""
    connection = getattr(result, "connection", None)
    kind = getattr(connection, "kind", None)
    return str(kind) if kind is not None else None


def build_record(result: AuditResult, snapshot: AccountSnapshot, *, workspace: Workspace | None,
                 source: str, snapshot_file: str | None = None) -> RunRecord:
    """The history rows of one audited account. ``source``: live, demo or snapshot."""
    skipped = {s.check_id for s in result.skipped_checks}
    errored = {f.check_id for f in result.findings if f.status == Status.ERROR}
    checks = tuple({"check_id": c.id, "state": "skipped" if c.id in skipped else "error" if c.id in errored
                    else "ran"} for c in result.checks)
    permissions = _permissions(result, snapshot, workspace or Workspace())
    run: Row = {
        "account_id": result.account.account_id,
        "profile": result.account.profile,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "nsaudit_version": result.tool.version,
        "connection_kind": connection_kind(result),
        "source": source,
        "endpoint": None if source == "snapshot" else public_endpoint(snapshot.account.base_url),
        "snapshot_file": snapshot_file,
        "snapshot_sha256": result.snapshot_sha256,
        "checks_run": result.summary.checks_run,
        "checks_skipped": result.summary.checks_skipped,
        "exit_code": result.exit_code,
        "login_ok": result.login_ok,
        "permissions_read": any(p["source"] == "rolepermissions" for p in permissions),
        "tokens_read": snapshot.readable("oauthtoken"),
    }
    return RunRecord(run=run, checks=checks, findings=_findings(result), permissions=permissions,
                     identities=_identities(snapshot))


def _findings(result: AuditResult) -> tuple[Row, ...]:
    """Every finding that is not a PASS, once per stable id (the first, as `nsaudit diff` keeps it)."""
    out: dict[str, Row] = {}
    for f in result.findings:
        if f.status == Status.PASS or f.id in out:
            continue
        out[f.id] = {"fingerprint": f.id, "check_id": f.check_id, "code": f.code,
                     "subject": f.subject.key if f.subject else None, "status": f.status.value,
                     "severity": f.severity.value, "title": f.title, "message": f.message, "count": f.count}
    return tuple(out.values())


def _permissions(result: AuditResult, snapshot: AccountSnapshot, workspace: Workspace) -> tuple[Row, ...]:
    """The integration role's whole permission list when it was read; else the levels the token proved."""
    role_id, _ = integration_role_id(snapshot, workspace)
    if snapshot.readable("rolepermissions") and role_id is not None:
        names = {row.permkey: row.name for row in snapshot.tables.rolepermissions or () if row.role == role_id}
        role_name = next((r.name for r in snapshot.tables.role or () if r.id == role_id), None)
        granted = grants(snapshot.tables.rolepermissions or (), role_id)
        return tuple({"permkey": key, "role_id": role_id, "role_name": role_name, "name": names.get(key),
                      "level": level.label, "source": "rolepermissions"} for key, level in sorted(granted.items()))
    proved = {p.permkey: {"permkey": p.permkey, "role_id": role_id, "role_name": result.account.role, "name": p.name,
                          "level": p.actual, "source": "probe"}
              for p in result.permissions if p.actual is not None and p.source == "probe"}
    return tuple(proved.values())  # once per permission, as the table's key wants


def _state(inactive: bool, revoked: bool) -> str:
    return "revoked" if revoked else "inactive" if inactive else "active"


def _identities(snapshot: AccountSnapshot) -> tuple[Row, ...]:
    out: list[Row] = []
    if snapshot.readable("oauthtoken"):
        unknown = snapshot.unknown_columns("oauthtoken")
        for token in snapshot.tables.oauthtoken or ():
            state = None if {"binactive", "brevoked"} & unknown else _state(token.binactive, token.brevoked)
            out.append({"kind": "tba-token", "ident": str(token.id), "name": token.tba_token_name,
                        "application": token.tba_app_name, "user_name": token.entity_name,
                        "role_name": token.role_name, "state": state, "created": None, "revoked": None,
                        "certificate_expiry": None})
    token_info = snapshot.login.token
    if token_info is not None and token_info.subject:
        roles = {r.id: r.name for r in snapshot.tables.role or ()}
        people = {e.id: e.entityid for e in snapshot.tables.employee or ()}
        out.append({"kind": "oauth2-subject", "ident": token_info.subject, "name": "nsaudit's OAuth 2.0 token",
                    "application": None,
                    "user_name": people.get(token_info.entity_id) if token_info.entity_id is not None else None,
                    "role_name": roles.get(token_info.role_id) if token_info.role_id is not None else None,
                    "state": "active", "created": None, "revoked": None, "certificate_expiry": None})
    return tuple({(row["kind"], row["ident"]): row for row in out}.values())  # once each, as the table's key wants

