"""NS0521 / NS0756: the integration role may use every active subsidiary."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.records import Role

META = CheckMeta(
    id="role-subsidiary-scope",
    codes=("NS0521", "NS0756"),
    severity=Severity.CRITICAL,
    title="The integration role covers every active subsidiary",
    description=(
        "The integration role's subsidiary restriction must be 'All', or 'Selected' with every active "
        "subsidiary chosen. Reading roles needs Bulk Manage Roles, which the integration role normally "
        "lacks, so this check usually needs an audit profile; without one it gives the manual steps. "
        "The role columns subsidiaryoption and effectivesubsidiaries are not confirmed by a list Oracle "
        "publishes (UNCERTAIN, see docs/fidelity.md)."
    ),
    optional_reads=("role", "subsidiary"),
    columns=("role.subsidiaryoption",),
    detection=(Detection.NETSUITE_DATA, Detection.MANUAL),
    tags=("sync", "export", "role", "subsidiary"),
)

KNOWN_OPTIONS = ("ALL", "SELECTED")  # the role.subsidiaryoption values nsaudit reads with a meaning

UI_STEPS = (
    f"In NetSuite open {remedies.MANAGE_ROLES} and edit the integration role.",
    "In its Subsidiary Restrictions section choose All, or choose Selected and highlight every subsidiary "
    "(hold Ctrl or Cmd to pick several), then save.",
    remedies.SYNC_IN_WORKSPACE,
)


def check(ctx: Context) -> Iterator[Finding]:
    if settings.is_oneworld(ctx) is False:
        return
    role_name = ctx.workspace.connection.role
    if not ctx.readable("role"):
        yield ctx.unverifiable(
            f"Not checked: nsaudit could not read roles, so it can't see the subsidiary restriction of role "
            f"[{role_name}]. Run with an audit profile (an administrator login used only for reading) or "
            "check by hand.",
            code="NS0521", missing=describe_permission("ADMI_MANAGEROLES") + " (audit profile)",
            subject=Subject(kind="role", id=str(ctx.workspace.connection.role_id or role_name)),
            manual=UI_STEPS[:2],
        )
        return
    role_id = lookups.integration_role(ctx)
    role = ctx.by_id("role").get(role_id) if role_id is not None else None
    if role is None:
        yield ctx.unverifiable(
            f"Not checked: role [{role_name}] is not among the roles nsaudit read.",
            code="NS0521", missing="the integration role's internal id (workspace connection.role_id)",
            subject=Subject(kind="role", id=str(role_id or role_name)), manual=UI_STEPS[:2],
        )
        return
    if not ctx.readable("subsidiary"):
        yield lookups.unreadable(ctx, "subsidiary", "which subsidiaries the role must cover", code="NS0521")
        return
    yield from _compare(ctx, role)


def _compare(ctx: Context, role: Role) -> Iterator[Finding]:
    role_id = role.id
    name = role.name or f"#{role_id}"
    option = (role.subsidiaryoption or "").strip().upper()
    active = sorted(s.id for s in ctx.rows("subsidiary") if not s.isinactive and not s.iselimination)
    subject = Subject(kind="role", id=str(role_id), name=name)
    if option == "ALL":
        return
    if option == "SELECTED":
        if not role.effectivesubsidiaries:
            yield ctx.unverifiable(
                f"Not checked: NetSuite returned no subsidiaries for role [{name}], which is restricted to "
                "selected subsidiaries.",
                code="NS0521", missing="role.effectivesubsidiaries", subject=subject, manual=UI_STEPS[:2],
            )
            return
        allowed = set(role.effectivesubsidiaries)
    elif option:
        # NetSuite does not publish the spellings of this column's values: only ALL and SELECTED are
        # read with a meaning. Anything else (OWN, a localised word, a new value) is not judged.
        yield ctx.unverifiable(
            f"Not checked: role [{name}] has the subsidiary restriction {role.subsidiaryoption!r}, a value nsaudit "
            "does not know (it reads only ALL and SELECTED; NetSuite does not publish these values), so "
            "whether the role covers every active subsidiary is unknown.",
            code="NS0521", missing=f"the meaning of role.subsidiaryoption {role.subsidiaryoption!r}",
            subject=subject, manual=UI_STEPS[:2],
            evidence={"subsidiaryoption": role.subsidiaryoption, "known_values": list(KNOWN_OPTIONS)},
        )
        return
    else:
        yield ctx.unverifiable(
            f"Not checked: NetSuite returned no subsidiary restriction for role [{name}].",
            code="NS0521", missing="role.subsidiaryoption", subject=subject, manual=UI_STEPS[:2],
        )
        return
    missing = [s for s in active if s not in allowed]
    if not missing:
        return
    tree_names = {s.id: s.name or f"#{s.id}" for s in ctx.rows("subsidiary")}
    listed = ", ".join(f"[{tree_names[s]}]" for s in missing)
    verb = "does not cover"
    evidence = {"subsidiaryoption": option, "allowed": sorted(allowed), "active_subsidiaries": active,
                "not_covered": missing, "uncertain_columns": ["role.subsidiaryoption", "role.effectivesubsidiaries"]}
    yield ctx.fail(
        f"Role [{name}] is restricted ({option.title()}) and {verb} {listed}; the sync's subsidiary "
        "query fails with a permission error.",
        code="NS0521", subject=subject, evidence=evidence, fix=UI_STEPS,
    )
    ws_sub = lookups.workspace_subsidiary(ctx)
    if ws_sub in missing:
        yield ctx.fail(
            f"The workspace subsidiary [{tree_names[ws_sub]}] is outside role [{name}]'s subsidiaries, so "
            "exports to it fail ('transaction nexus isn't valid for the subsidiary').",
            code="NS0756", subject=Subject(kind="subsidiary", id=str(ws_sub), name=tree_names[ws_sub]),
            evidence=evidence, fix=UI_STEPS,
        )
