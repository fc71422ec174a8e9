"""The integration role's permission matrix, required vs actual, for the compliance report.

Built from the same data the role-permissions check uses: the role's permission list when it could
be read (audit profile), otherwise what the token's own calls proved.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from netsuite_audit.audit.model import Status
from netsuite_audit.audit.requirements import grants, required, token_proofs
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.permissions import Level
from netsuite_audit.snapshot import AccountSnapshot


class PermissionRow(BaseModel):
    """One line of the integration role's permission matrix: required vs actual."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    permkey: str
    name: str
    tab: str
    required: str  # None / View / Create / Edit / Full
    actual: str | None = Field(None, description="Level read or proven; null when it could not be known")
    source: str = Field("", description="rolepermissions, probe, or unknown")
    status: Status


def integration_role_id(snapshot: AccountSnapshot, workspace: Workspace) -> tuple[int | None, str]:
    """The integration role's internal id, and how it was found."""
    conn = workspace.connection
    for role in snapshot.tables.role or ():
        if (role.name or "").strip() == conn.role:
            return int(role.id), "role list"
    if conn.role_id is not None:
        return conn.role_id, "workspace connection.role_id"
    roles = {row.role for row in snapshot.tables.rolepermissions or ()}
    if len(roles) == 1:
        return roles.pop(), "the only role in the permission list read"
    return None, ""


def permission_matrix(snapshot: AccountSnapshot, workspace: Workspace | None) -> list[PermissionRow]:
    workspace = workspace or Workspace()
    requirements = required(workspace)
    role_id, _ = integration_role_id(snapshot, workspace)
    rows: list[PermissionRow] = []
    if snapshot.readable("rolepermissions") and role_id is not None:
        granted = grants(snapshot.tables.rolepermissions or (), role_id)
        for req in requirements:
            actual = granted.get(req.permkey, Level.NONE)
            rows.append(PermissionRow(permkey=req.permkey, name=req.name, tab=req.tab, required=req.level.label,
                                      actual=actual.label, source="rolepermissions",
                                      status=Status.PASS if actual >= req.level else Status.FAIL))
        return rows
    proofs = token_proofs(snapshot)
    for req in requirements:
        proof = proofs.get(req.permkey)
        if proof is not None and proof.refused and (proof.at_least is None):
            rows.append(PermissionRow(permkey=req.permkey, name=req.name, tab=req.tab, required=req.level.label,
                                      actual=Level.NONE.label, source="probe", status=Status.FAIL))
        elif proof is not None and proof.at_least is not None:
            met = proof.at_least >= req.level
            shown = proof.at_least.label if met else f"at least {proof.at_least.label}"
            rows.append(PermissionRow(permkey=req.permkey, name=req.name, tab=req.tab, required=req.level.label,
                                      actual=shown, source="probe",
                                      status=Status.PASS if met else Status.UNVERIFIABLE))
        else:
            rows.append(PermissionRow(permkey=req.permkey, name=req.name, tab=req.tab, required=req.level.label,
                                      actual=None, source="unknown", status=Status.UNVERIFIABLE))
    return rows
