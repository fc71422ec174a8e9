"""NS0384: the integration's access tokens run as the integration role, held by the connection user."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netsuite_audit.audit import unknown
from netsuite_audit.audit.connection import decide
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.remedies import ACCESS_TOKENS, M2M_SETUP, MANAGE_ROLES, SYNC_NOW
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.records import AccessToken, Employee
from netsuite_audit.netsuite.sub_claim import parse_sub
from netsuite_audit.snapshot import ReadState

META = CheckMeta(
    id="token-role",
    codes=("NS0384", "NS0109"),
    severity=Severity.CRITICAL,
    title="Integration access tokens use the integration role",
    description=(
        "Every active access token of the integration's application must be tied to the integration "
        "role (a token's role cannot be changed later), at least one such token must exist, and the "
        "connection user must hold that role. For an OAuth 2.0 connection the role comes from the access "
        "token's sub (role;entity) instead of the access token list."
    ),
    optional_reads=("oauthtoken", "employee", "role"),
    columns=("oauthtoken.binactive", "oauthtoken.brevoked"),
    detection=(Detection.NETSUITE_DATA, Detection.WORKSPACE),
    tags=("connection", "permissions", "token"),
)

TOKEN_PERMISSION = "ADMI_MANAGE_OAUTH_TOKENS"


def _new_token_steps(app: str, role: str, user: str | None) -> tuple[str, ...]:
    return (
        f"In NetSuite open {ACCESS_TOKENS} > New Access Token: application {app!r}, "
        f"user {user or 'the connection user'}, role {role!r}; save and copy the token id and secret.",
        "Enter the new token id and secret in the workspace's NetSuite connection (a token's role "
        "cannot be edited, so a new token is the only way to change it).",
        "Once the new token works, revoke the old one in the same list.",
        SYNC_NOW,
    )


SUB_SOURCE = ("the OAuth 2.0 access token's sub claim (role;entity), read when nsaudit logged in; the "
              "oauthtoken table is not needed for this")


def check(ctx: Context) -> Iterator[Finding]:
    conn = ctx.workspace.connection
    if conn.resolved_kind == "oauth2-rest":
        yield from _mapping_role(ctx)
        yield from _leftover_tba_tokens(ctx)
        yield from _user_holds_role(ctx, [], _token_entity(ctx))
        return
    active: list[AccessToken] = []
    if ctx.readable("oauthtoken"):
        tokens = [t for t in ctx.rows("oauthtoken") if (t.tba_app_name or "").strip() == conn.application]
        active = [t for t in tokens if not t.binactive and not t.brevoked]
        if not active:
            yield _no_token(ctx, tokens)
        for token in active:
            if (token.role_name or "").strip() != conn.role:
                yield ctx.fail(
                    f"Access token {token.tba_token_name or token.id!r} of {conn.application!r} runs as role "
                    f"{token.role_name!r}, not {conn.role!r}. If the integration uses it, the sync stops with "
                    "\"Permission error encountered when querying NetSuite for 'Classification'\" (NS0384).",
                    code="NS0384",
                    subject=Subject(kind="token", id=str(token.id), name=token.tba_token_name),
                    evidence={"token": token.tba_token_name, "user": token.entity_name,
                              "role": token.role_name, "expected_role": conn.role,
                              "application": token.tba_app_name},
                    fix=_new_token_steps(conn.application, conn.role, token.entity_name),
                )
    else:
        yield _tokens_unreadable(ctx)
    yield from _user_holds_role(ctx, active)


def _mapping_role(ctx: Context) -> Iterator[Finding]:
    """An OAuth 2.0 integration has no access token records: the role it runs as is the role of its
    certificate mapping, which the access token names in ``sub``."""
    conn = ctx.workspace.connection
    token = ctx.snapshot.login.token
    manual = (f"In NetSuite open {M2M_SETUP}, find the mapping of {conn.application!r} and confirm its role "
              f"is {conn.role!r}.",)
    claim = parse_sub(token.subject) if token is not None and token.subject is not None else None
    if token is not None and claim is not None and claim.form == "unexpected":
        yield ctx.unverifiable(
            f"Not checked: the OAuth 2.0 access token's sub claim is {token.subject!r}, a form nsaudit does not "
            "know (Oracle documents role;entity, and its sample shows five parts), so the role it runs as is "
            "unknown.",
            missing=f"the role in the access token's sub claim (seen: {token.subject!r})", code="NS0384",
            subject=Subject(kind="integration", id=conn.application), manual=manual,
            evidence={"subject": token.subject, "source": SUB_SOURCE},
        )
        return
    role_id = (claim.role_id if claim is not None and claim.role_id is not None
               else token.role_id if token is not None else None)
    if token is None or role_id is None:
        yield ctx.unverifiable(
            "Not checked: the integration logs in with OAuth 2.0, but nsaudit did not get an access token with "
            "its client credentials, so the role its certificate mapping runs as is unknown.",
            missing="an OAuth 2.0 login with the integration's client credentials", code="NS0384",
            subject=Subject(kind="integration", id=conn.application), manual=manual,
        )
        return
    expected = _role_id(ctx)
    evidence = {"subject": token.subject, "role_id": role_id, "entity_id": token.entity_id,
                "expected_role": conn.role, "expected_role_id": expected, "source": SUB_SOURCE}
    subject = Subject(kind="integration", id=conn.application)
    if expected is None:
        yield ctx.unverifiable(
            f"The OAuth 2.0 access token runs as role id {role_id} (its sub), but the internal id of role "
            f"{conn.role!r} is unknown, so nsaudit cannot compare them.",
            missing=f"{describe_permission('ADMI_MANAGEROLES')} or connection.role_id in the workspace",
            code="NS0384", subject=subject, evidence=evidence, manual=manual,
        )
        return
    if claim is not None and not claim.certain:
        evidence["sub_form"] = claim.form
        evidence["role_id"] = role_id
    if role_id != expected and claim is not None and not claim.certain:
        yield ctx.unverifiable(
            f"Not checked: the OAuth 2.0 access token's sub claim is {token.subject!r}, the five-part form of "
            f"Oracle's sample token, not the documented role;entity. Read in the documented order its role would "
            f"be id {role_id}, not {conn.role!r} (id {expected}), but what the five parts mean is not published, "
            "so nsaudit does not report a wrong role.",
            missing=f"the role in the access token's sub claim (seen: {token.subject!r})", code="NS0384",
            subject=subject, evidence=evidence, manual=manual,
        )
        return
    if role_id != expected:
        roles = ctx.by_id("role")
        actual = getattr(roles.get(role_id), "name", None) or f"id {role_id}"
        yield ctx.unverifiable(
            f"nsaudit's own OAuth 2.0 access token runs as role {actual!r}, not the connection's role {conn.role!r} "
            "(from the token's sub, role;entity). What nsaudit's own calls proved is about that role, not the one "
            "the Expensify connection uses.",
            missing=f"an OAuth 2.0 login of nsaudit's own with role {conn.role!r}", code="NS0384",
            subject=subject, evidence=evidence,
            manual=(f"In NetSuite open {M2M_SETUP} and map nsaudit's certificate to the connection user with role "
                    f"{conn.role!r} (or give nsaudit that mapping's Certificate ID); run nsaudit again.",),
        )
        return
    yield ctx.passed(
        f"nsaudit's own OAuth 2.0 access token runs as the connection's role {conn.role!r} (id {expected}), per "
        "the token's sub, so what it proved holds for that role; an OAuth 2.0 connection has no access token "
        "records." + ("" if claim is None or claim.certain else
                      f" (The sub {token.subject!r} has the five-part form of Oracle's sample; its first part was "
                      "read as the role.)"),
        code="NS0384", subject=subject, evidence=evidence,
    )


def _leftover_tba_tokens(ctx: Context) -> Iterator[Finding]:
    """An OAuth 2.0/REST workspace whose account still has active TBA tokens of the integration: say what was
    found and that it contradicts the workspace; never guess which is right."""
    decision = decide(ctx.snapshot, ctx.workspace)
    if decision.agrees is not False:
        return
    conn = ctx.workspace.connection
    yield ctx.warn(
        f"The workspace says the connection is OAuth 2.0 over REST, but {decision.account[0].lower()}"
        f"{decision.account[1:]} nsaudit does not guess which is right.",
        severity=Severity.LOW, subject=Subject(kind="integration", id=conn.application),
        evidence={"workspace_kind": conn.resolved_kind, "decided_by": decision.decided_by,
                  "active_tokens": list(decision.active_tokens)},
        fix=('If the workspace still connects with an access token, say kind = "tba-soap" in its [connection].',
             f"If the OAuth 2.0 connection replaced it, revoke the old token(s) in {ACCESS_TOKENS} once the "
             "OAuth 2.0 connection syncs."),
    )


def _no_token(ctx: Context, tokens: Sequence[AccessToken]) -> Finding:
    conn = ctx.workspace.connection
    apps = sorted({t.tba_app_name for t in ctx.rows("oauthtoken") if t.tba_app_name})
    return ctx.fail(
        f"No active, unrevoked access token exists for the integration {conn.application!r}, so the "
        "integration cannot log in: \"Failed to login to NetSuite\" (NS0109)."
        + (f" Its tokens are all inactive or revoked ({len(tokens)} found)." if tokens else "")
        + (f" Applications that do have tokens: {', '.join(apps)}." if apps else ""),
        code="NS0109",
        subject=Subject(kind="integration", id=conn.application),
        evidence={"application": conn.application,
                  "tokens": [{"id": t.id, "name": t.tba_token_name, "inactive": t.binactive,
                              "revoked": t.brevoked} for t in tokens],
                  "applications_with_tokens": apps},
        fix=_new_token_steps(conn.application, conn.role, conn.user),
    )


def _tokens_unreadable(ctx: Context) -> Finding:
    read = ctx.snapshot.read("oauthtoken")
    manual = (f"In NetSuite open {ACCESS_TOKENS}, click View on the integration's token and confirm "
              f"its user and that its role is {ctx.workspace.connection.role!r}.",)
    if read.state == ReadState.DENIED and read.via != "audit-profile":
        return ctx.fail(
            "NetSuite refused to list access tokens to the integration role: it lacks "
            f"{describe_permission(TOKEN_PERMISSION, None)}, one of the Setup permissions the integration "
            "requires at Full. The sync is expected to stop with a permission error (NS0384)."
            + (f" NetSuite said: {read.detail}" if read.detail else ""),
            code="NS0384",
            subject=Subject(kind="permission", id=TOKEN_PERMISSION, name="Access Token Management"),
            evidence={"read": read.state.value, "via": read.via, "detail": read.detail},
            fix=(f"In NetSuite open {MANAGE_ROLES} > {ctx.workspace.connection.role} > "
                 "Edit > Permissions > Setup and add Access Token Management at Full.", SYNC_NOW),
            manual=manual,
        )
    return ctx.unverifiable(
        "Not checked: nsaudit could not read the access token list, so the token's role is unknown."
        + (f" NetSuite said: {read.detail}" if read.detail else ""),
        missing=describe_permission(TOKEN_PERMISSION), code="NS0384",
        evidence={"read": read.state.value, "via": read.via},
        manual=manual,
    )


def _role_id(ctx: Context) -> int | None:
    conn = ctx.workspace.connection
    for role in ctx.rows("role"):
        if (role.name or "").strip() == conn.role:
            return int(role.id)
    return conn.role_id


def _find_user(ctx: Context, who: str) -> Employee | None:
    wanted = who.strip().casefold()
    for emp in ctx.rows("employee"):
        full = f"{emp.firstname or ''} {emp.lastname or ''}".strip()
        names = (emp.email, emp.entityid, full) if "@" not in who else (emp.email,)
        if any(n and n.strip().casefold() == wanted for n in names):
            return emp
    return None


def _token_entity(ctx: Context) -> str | None:
    """The email (or entity id) of the employee an OAuth 2.0 access token's sub names, when readable."""
    token = ctx.snapshot.login.token
    if token is None or token.entity_id is None or not ctx.readable("employee"):
        return None
    emp = ctx.by_id("employee").get(token.entity_id)
    return (emp.email or emp.entityid) if emp is not None else None


def _user_holds_role(ctx: Context, active: Sequence[AccessToken], entity: str | None = None) -> Iterator[Finding]:
    conn = ctx.workspace.connection
    users = ([conn.user] if conn.user else [entity] if entity
             else list(dict.fromkeys(t.entity_name for t in active if t.entity_name)))
    if not users:
        if not ctx.readable("oauthtoken"):
            yield ctx.unverifiable(
                "Not checked: the connection user is unknown (no connection.user in the workspace and the "
                "token list could not be read), so nsaudit cannot confirm the user holds the role.",
                missing="the connection user's email (workspace connection.user)",
                subject=Subject(kind="user", id="connection-user"),
            )
        return
    role_id = _role_id(ctx)
    if role_id is None:
        yield ctx.unverifiable(
            f"Not checked: the internal id of role {conn.role!r} is unknown (the role list is unreadable "
            "or has no role of that name, and the workspace gives no connection.role_id).",
            missing=f"{describe_permission('ADMI_MANAGEROLES')} or connection.role_id in the workspace",
            subject=Subject(kind="role", id="expected", name=conn.role),
            manual=(f"In NetSuite open {MANAGE_ROLES}, find {conn.role!r} and read its "
                    "internal id (Home > Set Preferences > Show Internal IDs shows it); write it in the "
                    "workspace as connection.role_id, then run nsaudit again.",),
        )
        return
    if not ctx.readable("employee"):
        yield ctx.unverifiable(
            "Not checked: the employee list is unreadable, so the connection user's roles are unknown.",
            missing=describe_permission("LIST_EMPLOYEE"), subject=Subject(kind="user", id="connection-user"),
        )
        return
    for who in users:
        yield from _check_user(ctx, who, role_id)


def _check_user(ctx: Context, who: str, role_id: int) -> Iterator[Finding]:
    conn = ctx.workspace.connection
    emp = _find_user(ctx, who)
    if emp is None:
        yield ctx.unverifiable(
            f"Not checked: no employee matches the connection user {who!r}, so nsaudit cannot see its roles.",
            missing="the connection user's employee record", subject=Subject(kind="user", id=who),
            manual=(f"In NetSuite open the user's employee record > Access tab and confirm {conn.role!r} "
                    "is among its roles.",),
        )
        return
    subject = Subject(kind="employee", id=str(emp.id), name=emp.entityid)
    evidence = {"employee": emp.id, "name": emp.entityid, "email": emp.email,
                "roles": list(emp.rolesforsearch) if ctx.known("employee", "rolesforsearch") else None,
                "expected_role": conn.role, "expected_role_id": role_id}
    if emp.isinactive:
        yield ctx.fail(
            f"The connection user {emp.entityid or emp.id!r} is inactive in NetSuite, so tokens issued "
            "to it cannot log in (NS0109).",
            code="NS0109", subject=subject, evidence={**evidence, "isinactive": True},
            fix=("In NetSuite open the employee record, clear Inactive and check Give Access on the Access "
                 "tab; or issue the token to an active user.", SYNC_NOW),
        )
    elif not ctx.known("employee", "rolesforsearch"):
        refs = ["employee.rolesforsearch"]
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return the roles of the connection user {emp.entityid or emp.id!r} "
            f"(read over {unknown.via(ctx.snapshot, 'employee')}), so whether it holds role {conn.role!r} is "
            "unknown.",
            missing=unknown.column_missing_text(ctx.snapshot, refs), subject=subject, evidence=evidence,
            manual=unknown.column_manual(ctx.snapshot, refs),
        )
    elif role_id not in emp.rolesforsearch:
        yield ctx.fail(
            f"The connection user {emp.entityid or emp.id!r} does not hold role {conn.role!r} (id {role_id})"
            + ("; it has no roles at all" if not emp.rolesforsearch else "")
            + ". Its tokens on that role stop working and the sync fails with a permission error (NS0384).",
            code="NS0384", subject=subject, evidence=evidence,
            fix=(f"In NetSuite open Setup > Users/Roles > Manage Users, edit {emp.entityid or 'the user'}, "
                 f"and add {conn.role!r} on the Access tab > Roles; save.", SYNC_NOW),
        )
