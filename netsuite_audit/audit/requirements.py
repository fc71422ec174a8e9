"""What the integration role must be granted, as data, per connection kind, and how to compare a role.

One table per connection kind (docs/connections.md), each with two profiles picked by
``workspace.permission_profile``:

* ``tba-soap`` (the legacy connection): ``standard`` is the Lists and Setup permissions Expensify's
  NS0384 page asks for; ``strict`` adds the longer list from the same page's other version and the
  Transactions (and Tax Details Tab) permissions that single error pages ask for.
* ``oauth2-rest`` (how Expensify connects today): the same lists; on the Setup tab, Log In using OAuth
  2.0 Access Tokens and REST Web Services replace SOAP Web Services, Log In using Access Tokens, User
  Access Tokens and Access Token Management. Expensify publishes no permission list for this
  connection: its setup guide says only that the latest bundle "grants the permissions Expensify needs
  to log in using OAuth 2.0 access tokens and to use REST web services". Every row says its source and
  what is assumed (``Requirement.source`` / ``assumed``; docs/fidelity.md).

Each requirement names the NS code a shortfall is expected to cause. A requirement with a
``condition`` only applies when the workspace uses the feature (e.g. invoices).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from netsuite_audit.inputs.workspace import ConnectionKind, Workspace
from netsuite_audit.netsuite.permissions import PERMISSIONS, Level
from netsuite_audit.netsuite.records import RolePermission
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import AccountSnapshot, ReadState, TableRead
from netsuite_audit.support.errors import InputError

V, F = Level.VIEW, Level.FULL

# Conditions a requirement may carry, by name: true when the workspace needs the permission.
CONDITIONS: dict[str, Callable[[Workspace], bool]] = {
    "exports_invoices": lambda ws: ws.export.invoices,
}

# Where a row comes from (Requirement.source).
NS0384_PAGE = "Expensify's NS0384 help page (the role's permission list for the TBA connection)"
ERROR_PAGE = "a single Expensify error page (the code named on the row)"
OAUTH2_GUIDE = ("Expensify's Connect to NetSuite guide: the latest bundle (283395) \"grants the permissions "
                "Expensify needs to log in using OAuth 2.0 access tokens and to use REST web services\"")
# What is assumed of an OAuth 2.0 connection's rows (Requirement.assumed).
CARRIED_OVER = ("Expensify publishes no permission list for the OAuth 2.0 connection: this row is carried over "
                "from the TBA connection's list, on the assumption that what the sync reads did not change")
OAUTH2_ROW = ("the permission id is Oracle's name for the guide's words; the level (Full, the only level of this "
              "permission) follows Oracle's list; the NS code a shortfall gives is assumed (Expensify publishes "
              "none for the OAuth 2.0 connection; NS0109 is its login failure)")


@dataclass(frozen=True)
class Requirement:
    permkey: str
    name: str  # as the role form shows it
    tab: str
    level: Level
    code: str  # NS code a missing or too-low grant causes
    condition: str | None = None  # key of CONDITIONS
    uncertain: bool = False  # permkey not confirmed against Oracle's permission list
    note: str = ""
    expense_report_code: str | None = None  # the code instead, when reimbursable reports export as expense reports
    source: str = NS0384_PAGE  # where the requirement comes from
    assumed: str = ""  # what about it is assumed, not published ("" when nothing is)

    def applies(self, workspace: Workspace) -> bool:
        return self.condition is None or CONDITIONS[self.condition](workspace)

    def describe(self) -> str:
        return f"{self.tab} > {self.name} ({self.permkey}) at {self.level.label}"


def _r(permkey: str, level: Level, code: str, *, condition: str | None = None, note: str = "",
       expense_report_code: str | None = None, source: str = NS0384_PAGE, assumed: str = "") -> Requirement:
    perm = PERMISSIONS[permkey]
    return Requirement(permkey, perm.name, perm.tab, level, code, condition=condition,
                       uncertain=not perm.verified, note=note, expense_report_code=expense_report_code,
                       source=source, assumed=assumed)


_STANDARD_LISTS = (
    _r("LIST_ACCOUNT", F, "NS0565"),
    _r("LIST_CLASS", V, "NS0384"),
    _r("LIST_CURRENCY", V, "NS0469"),
    _r("LIST_CUSTJOB", V, "NS0384"),
    _r("LIST_DEPARTMENT", F, "NS0384"),
    _r("LIST_EMPLOYEE", F, "NS0634"),
    _r("LIST_CATEGORY", V, "NS0228"),
    _r("LIST_ITEM", V, "NS0384"),
    _r("LIST_LOCATION", V, "NS0384"),
    _r("LIST_JOB", V, "NS0384"),
    _r("LIST_SUBSIDIARY", V, "NS0521"),
    # Vendors below Full: the vendor query fails on sync (NS0844); expense-report exports fail with NS0377.
    _r("LIST_VENDOR", F, "NS0844", expense_report_code="NS0377"),
)

# The TBA/SOAP connection's login: access tokens and SOAP web services.
_TBA_SETUP = (
    _r("ADMI_MANAGE_OAUTH_TOKENS", F, "NS0510"),
    _r("ADMI_LOGIN_OAUTH", F, "NS0109"),
    _r("ADMI_MANAGE_OWN_OAUTH_TOKENS", F, "NS0510"),
    _r("ADMI_WEBSERVICES", F, "NS0739"),
)

# The OAuth 2.0/REST connection's login: OAuth 2.0 access tokens and REST web services.
_OAUTH2_SETUP = (
    _r("ADMI_LOGIN_OAUTH2", F, "NS0109", source=OAUTH2_GUIDE, assumed=OAUTH2_ROW),
    _r("ADMI_RESTWEBSERVICES", F, "NS0109", source=OAUTH2_GUIDE, assumed=OAUTH2_ROW),
)

_COMMON_SETUP = (
    _r("ADMI_CUSTRECORD", F, "NS0938"),
    _r("ADMI_DELETEDRECORD", F, "NS0384"),
)

_STRICT_EXTRA = (
    _r("LIST_CUSTRECORDENTRY", V, "NS0938"),
    _r("LIST_FILECABINET", F, "NS0384"),
    _r("LIST_EMPLOYEE_RECORD", F, "NS0634"),
    _r("LIST_IMPORTED_EMPLOYEE_EXPENSE", V, "NS0384"),
    _r("LIST_RECORDCUSTFIELD", V, "NS0384"),
    _r("LIST_TAXITEM", V, "NS0384"),
    _r("LIST_TAXSCHEDULE", V, "NS0384"),
    _r("LIST_TAXDETAILSTAB", F, "NS0056", note="needed to set the nexus on exported transactions",
       source=ERROR_PAGE),
    _r("ADMI_CUSTLIST", V, "NS0384"),
    _r("ADMI_MANAGECUSTOMSEGMENTS", V, "NS0384"),
    _r("ADMI_ACCTPERIODS", V, "NS0384"),
    _r("ADMI_SUITESIGNON", F, "NS0384"),
    _r("TRAN_VENDPYMT", F, "NS0159", note="needed to mark reports paid", source=ERROR_PAGE),
    _r("TRAN_CUSTINVC", F, "NS0445", condition="exports_invoices", source=ERROR_PAGE),
    _r("TRAN_VENDPYMTAPPRV", F, "NS0056", note="needed to set the approval status of bills", source=ERROR_PAGE),
)


def _carried(reqs: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
    """The TBA connection's rows as rows of the OAuth 2.0 connection: same permission, marked assumed."""
    return tuple(dataclasses.replace(r, assumed=CARRIED_OVER) for r in reqs)


# The TBA/SOAP connection's profiles (kept under this name: the legacy table).
PROFILES: dict[str, tuple[Requirement, ...]] = {
    "standard": _STANDARD_LISTS + _TBA_SETUP + _COMMON_SETUP,
    "strict": _STANDARD_LISTS + _TBA_SETUP + _COMMON_SETUP + _STRICT_EXTRA,
}

OAUTH2_PROFILES: dict[str, tuple[Requirement, ...]] = {
    "standard": _carried(_STANDARD_LISTS) + _OAUTH2_SETUP + _carried(_COMMON_SETUP),
    "strict": _carried(_STANDARD_LISTS) + _OAUTH2_SETUP + _carried(_COMMON_SETUP) + _carried(_STRICT_EXTRA),
}

TABLES_BY_KIND: dict[ConnectionKind, dict[str, tuple[Requirement, ...]]] = {
    "tba-soap": PROFILES,
    "oauth2-rest": OAUTH2_PROFILES,
}

# The login permissions of each kind, which the other kind does not need.
LOGIN_PERMISSIONS: dict[ConnectionKind, tuple[str, ...]] = {
    "tba-soap": tuple(r.permkey for r in _TBA_SETUP),
    "oauth2-rest": tuple(r.permkey for r in _OAUTH2_SETUP),
}


def profile(name: str, kind: ConnectionKind = "tba-soap") -> tuple[Requirement, ...]:
    """Every requirement of a profile of one connection kind; an unknown name is an input error."""
    try:
        return TABLES_BY_KIND[kind][name.strip().lower()]
    except KeyError:
        raise InputError(f"unknown permission profile {name!r}; expected one of {', '.join(PROFILES)}",
                         source="workspace", field="permission_profile") from None


def required(workspace: Workspace) -> tuple[Requirement, ...]:
    """The requirements of the workspace's connection kind and profile that apply to what it uses."""
    from netsuite_audit.inputs.workspace import ExportType

    expense_reports = workspace.export.reimbursable == ExportType.EXPENSE_REPORT
    kind = workspace.connection.resolved_kind
    return tuple(
        dataclasses.replace(r, code=r.expense_report_code) if expense_reports and r.expense_report_code else r
        for r in profile(workspace.permission_profile, kind) if r.applies(workspace)
    )


def codes() -> tuple[str, ...]:
    """Every NS code any profile of any connection kind can predict, sorted."""
    return tuple(sorted({c for table in TABLES_BY_KIND.values() for reqs in table.values() for r in reqs
                         for c in (r.code, r.expense_report_code) if c}))


# ---- comparing a role's grants -----------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    requirement: Requirement
    current: Level  # NONE when the role does not list the permission at all


def grants(rows: Iterable[RolePermission], role_id: int) -> dict[str, Level]:
    """``{permkey: level}`` for one role (the highest level when a key repeats)."""
    out: dict[str, Level] = {}
    for row in rows:
        if row.role == role_id:
            level = Level.parse(row.permlevel)
            out[row.permkey] = max(out.get(row.permkey, Level.NONE), level)
    return out


def shortfalls(requirements: Iterable[Requirement], granted: Mapping[str, Level]) -> list[Shortfall]:
    """Each requirement the role does not meet, with the level it has now."""
    out = []
    for req in requirements:
        current = granted.get(req.permkey, Level.NONE)
        if current < req.level:
            out.append(Shortfall(req, current))
    return out


# ---- what the integration token itself proved ----------------------------------------------------


@dataclass(frozen=True)
class TokenProof:
    """What the audit's own calls showed about one permission of the token's role."""

    permkey: str
    at_least: Level | None = None  # a level the token demonstrably has
    refused: bool = False  # NetSuite refused a call that needs it (and the protocol works)
    shown_by: tuple[str, ...] = ()  # the calls that showed it, in plain words


def _merge(proofs: dict[str, TokenProof], key: str, *, level: Level | None = None, refused: bool = False,
           how: str) -> None:
    old = proofs.get(key, TokenProof(key))
    best = old.at_least if level is None or (old.at_least is not None and old.at_least >= level) else level
    proofs[key] = TokenProof(key, best, old.refused or refused, (*old.shown_by, how))


def token_proofs(snapshot: AccountSnapshot) -> dict[str, TokenProof]:
    """Permissions proven (or disproven) by the login probes and by the table reads the token made.

    Reads made with a separate audit profile prove nothing about the integration token and are
    ignored. A refused read only counts when another read over the same protocol worked, so a
    protocol that is off altogether is not mistaken for a missing list permission.
    """
    proofs: dict[str, TokenProof] = {}
    login = snapshot.login
    tba_ok = login.soap_ok or (login.rest_ok and login.rest_auth == "tba")
    if tba_ok:
        _merge(proofs, "ADMI_LOGIN_OAUTH", level=Level.FULL,
               how="the token logged in (Log in using Access Tokens or User Access Tokens allows that)")
    if login.rest_auth == "oauth2" and login.rest_ok:
        # nsaudit's own OAuth 2.0 access token (Bearer) worked on a REST call: NetSuite issues such a token
        # only to a role with Log In using OAuth 2.0 Access Tokens, and answers REST only with REST Web
        # Services on the role and the OAuth 2.0 and REST Web Services features on.
        _merge(proofs, "ADMI_LOGIN_OAUTH2", level=Level.FULL,
               how="nsaudit's own OAuth 2.0 access token for this role worked on a REST call")
        _merge(proofs, "ADMI_RESTWEBSERVICES", level=Level.FULL,
               how="a REST call with nsaudit's own OAuth 2.0 (Bearer) token for this role worked")
    if login.soap_ok:
        _merge(proofs, "ADMI_WEBSERVICES", level=Level.FULL, how="a SOAP call with the token worked")
    elif login.soap is not None and login.soap.error == "permission":
        said = login.soap.code or login.soap.detail or "no detail"
        _merge(proofs, "ADMI_WEBSERVICES", refused=True, how=f"NetSuite refused SOAP for this role ({said})")
    if login.rest_ok:
        _merge(proofs, "ADMI_RESTWEBSERVICES", level=Level.FULL, how="a REST call with the token worked")

    attempts: list[tuple[str, str, TableRead]] = []  # (protocol, table, read)
    for table, read in snapshot.reads.items():
        if read.via in ("rest", "soap"):
            attempts.append((read.via, table, read))
    for alt_key, read in snapshot.alt_reads.items():
        protocol, _, table = alt_key.partition(":")
        if protocol in ("rest", "soap") and read.via != "audit-profile":
            attempts.append((protocol, table, read))
    working = {protocol for protocol, _, read in attempts if read.state == ReadState.OK}
    for protocol, table, read in attempts:
        perm = read.permission or (TABLES[table].permission if table in TABLES else None)
        if perm is None:
            continue
        key: str = perm
        label = "SuiteQL" if protocol == "rest" else "SOAP search"
        if read.state == ReadState.OK:
            binary = key in PERMISSIONS and PERMISSIONS[key].binary
            _merge(proofs, key, level=Level.FULL if binary else Level.VIEW,
                   how=f"a {label} of {table} worked")
        elif read.state == ReadState.DENIED and protocol in working:
            _merge(proofs, key, refused=True,
                   how=f"NetSuite refused a {label} of {table}" + (f": {read.detail}" if read.detail else ""))
    return proofs
