"""NS0384 and the per-permission codes: the integration role holds every permission the integration needs.

Two ways, depending on what could be read:

* the role's permission list was read (an audit profile, or a role that may read roles): every
  required permission is compared level by level;
* otherwise the token is taken at its word: a login, a SOAP call, a REST call or a successful read
  proves a permission; a refused read disproves one; the rest is left to check by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.permission_matrix import integration_role_id
from netsuite_audit.audit.remedies import SYNC_NOW
from netsuite_audit.audit.requirements import Requirement, codes, grants, required, shortfalls, token_proofs
from netsuite_audit.netsuite.permissions import Level, describe_permission, role_path

META = CheckMeta(
    id="role-permissions",
    codes=codes(),
    severity=Severity.CRITICAL,
    title="Integration role has every permission the integration needs",
    description=(
        "Compares the integration role's permissions with the required list of the workspace's "
        "permission profile (standard or strict). Without the role's permission list, what the token "
        "itself could do stands as proof, and the rest is left as manual steps."
    ),
    optional_reads=("rolepermissions", "role"),
    columns=("rolepermissions.permlevel",),
    detection=(Detection.NETSUITE_DATA, Detection.PROBE, Detection.WORKSPACE),
    tags=("connection", "permissions"),
)


def _subject(req: Requirement) -> Subject:
    return Subject(kind="permission", id=req.permkey, name=req.name)


def _fix(role: str, req: Requirement) -> tuple[str, ...]:
    return (f"In NetSuite open {role_path(role, req.permkey)}, set {req.name} to {req.level.label} "
            "and save.", SYNC_NOW)


def _role_id(ctx: Context) -> tuple[int | None, str]:
    """The integration role's id, and how it was found."""
    return integration_role_id(ctx.snapshot, ctx.workspace)


def check(ctx: Context) -> Iterator[Finding]:
    reqs = required(ctx.workspace)
    why_not = "nsaudit could not read the role's permission list (that needs Bulk Manage Roles)"
    if ctx.readable("rolepermissions"):
        role_id, found_by = _role_id(ctx)
        granted = grants(ctx.rows("rolepermissions"), role_id) if role_id is not None else {}
        if role_id is not None and granted:
            yield from _compare(ctx, reqs, role_id, found_by, granted)
            return
        why_not = (f"the permission list has no rows for role {ctx.workspace.connection.role!r}"
                   + (f" (id {role_id})" if role_id is not None else " (its id is unknown)"))
    yield from _from_token(ctx, reqs, why_not)


def _compare(ctx: Context, reqs: Sequence[Requirement], role_id: int, found_by: str,
             granted: dict[str, Level]) -> Iterator[Finding]:
    role = ctx.workspace.connection.role
    for gap in shortfalls(reqs, granted):
        req = gap.requirement
        yield ctx.fail(
            f"Role {role!r} has {req.tab} > {req.name} ({req.permkey}) at {gap.current.label}; the integration "
            f"needs {req.level.label}. A sync or export that needs it fails with {req.code}."
            + (f" It is {req.note}." if req.note else "")
            + (" (This permission id is our best reading of Oracle's list; confirm the name on the form.)"
               if req.uncertain else ""),
            code=req.code, subject=_subject(req),
            evidence={"role": role, "role_id": role_id, "role_found_by": found_by, "permkey": req.permkey,
                      "current": gap.current.label, "required": req.level.label, "tab": req.tab,
                      "profile": ctx.workspace.permission_profile},
            fix=_fix(role, req),
        )


def _from_token(ctx: Context, reqs: Sequence[Requirement], why_not: str) -> Iterator[Finding]:
    role = ctx.workspace.connection.role
    proofs = token_proofs(ctx.snapshot)
    for req in reqs:
        proof = proofs.get(req.permkey)
        evidence = {"permkey": req.permkey, "required": req.level.label, "tab": req.tab,
                    "shown_by": list(proof.shown_by) if proof else [],
                    "profile": ctx.workspace.permission_profile}
        if proof and proof.at_least is not None and proof.at_least >= req.level:
            yield ctx.passed(
                f"{describe_permission(req.permkey)} is granted: {proof.shown_by[0]}.",
                code=req.code, subject=_subject(req), evidence=evidence,
            )
        elif proof and proof.refused and proof.at_least is None:
            yield ctx.fail(
                f"The token's role lacks {req.tab} > {req.name} ({req.permkey}): {proof.shown_by[0]} "
                f"(or the feature behind it is off). The integration needs {req.level.label}; "
                f"without it the sync fails with {req.code}.",
                code=req.code, subject=_subject(req), evidence=evidence, fix=_fix(role, req),
            )
        else:
            shown = (f" The token showed at least {proof.at_least.label} ({proof.shown_by[0]})."
                     if proof and proof.at_least is not None else "")
            # A proving read that failed in transit: say so, never call the permission missing.
            failed = {t: r.detail or "failed in transit" for t, r in ctx.snapshot.reads.items()
                      if r.failed_in_transit and r.permission == req.permkey}
            if failed:
                yield ctx.unverifiable(
                    f"Not proven: {describe_permission(req.permkey, req.level)}; the read that would show it "
                    f"failed in transit, not for lack of a permission: "
                    f"{'; '.join(f'{t}: {d}' for t, d in failed.items())}.",
                    code=req.code, subject=_subject(req), evidence={**evidence, "read_failures": failed},
                    missing=f"a complete answer from NetSuite for {', '.join(failed)}",
                    manual=("Run nsaudit again; if the failure repeats, check the network path to NetSuite "
                            "and the account's concurrency use.",),
                )
                continue
            yield ctx.unverifiable(
                f"Not proven: {describe_permission(req.permkey, req.level)}; {why_not}.{shown}",
                code=req.code, subject=_subject(req), evidence=evidence,
                missing=describe_permission(req.permkey, req.level),
                manual=(f"In NetSuite open {role_path(role, req.permkey)} and confirm {req.name} is at "
                        f"{req.level.label}.",),
            )
