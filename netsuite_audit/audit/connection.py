"""Which Expensify connection the workspace uses, how that was decided, and what the account shows.

Two kinds (docs/connections.md):

* ``oauth2-rest``: OAuth 2.0 over REST web services, how Expensify connects today (the admin approves
  access on NetSuite's consent screen; no access token record is made);
* ``tba-soap``: token-based authentication over SOAP, the legacy connection (an access token of the
  integration record, made by the admin and pasted into the workspace).

The workspace says the kind (``[connection] kind``, or ``auth`` and ``soap``); nsaudit never guesses
it. The account can back it up or contradict it: an active access token of the integration's
application is what a TBA connection runs on, and an OAuth 2.0 connection has none. A contradiction
is reported (the ``connection`` object of the result, and the token-role check), never resolved by
guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsuite_audit.audit.remedies import ENABLE_FEATURES, SUITEBUNDLER_LIST
from netsuite_audit.inputs.workspace import Connection, ConnectionKind, Workspace
from netsuite_audit.netsuite.records import AccessToken
from netsuite_audit.snapshot import AccountSnapshot

LABELS: dict[str, str] = {
    "oauth2-rest": "OAuth 2.0/REST",
    "tba-soap": "TBA/SOAP",
}


# The NetSuite features each connection needs (Setup > Company > Enable Features > SuiteCloud), with the section
# of that page: Expensify's guide for both kinds (OAuth 2.0 and REST Web Services; Token Based Authentication),
# and SOAP web services for the legacy connection's protocol.
FEATURES: dict[ConnectionKind, tuple[tuple[str, str], ...]] = {
    "oauth2-rest": (("OAuth 2.0", "Manage Authentication"), ("REST Web Services", "SuiteTalk (Web Services)")),
    "tba-soap": (("Token-Based Authentication", "Manage Authentication"),
                 ("SOAP Web Services", "SuiteTalk (Web Services)")),
}


@dataclass(frozen=True)
class ConnectionDecision:
    kind: ConnectionKind
    decided_by: str  # a plain sentence: how the kind was decided
    account: str  # what the account showed about it, in a sentence
    agrees: bool | None  # True: the account backs the workspace; False: it contradicts it; None: unknown
    active_tokens: tuple[str, ...] = ()  # names of the integration's active access tokens, when read

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "decided_by": self.decided_by,
                "account": self.account, "agrees": self.agrees, "active_tokens": list(self.active_tokens)}


def active_tokens(snapshot: AccountSnapshot, conn: Connection) -> list[AccessToken] | None:
    """The integration application's active access tokens; ``None`` when the token list was not read."""
    if not snapshot.readable("oauthtoken"):
        return None
    return [t for t in snapshot.tables.oauthtoken or ()
            if (t.tba_app_name or "").strip() == conn.application and not t.binactive and not t.brevoked]


def decide(snapshot: AccountSnapshot, workspace: Workspace | None) -> ConnectionDecision:
    """The connection kind, from the workspace, with what the account shows about it."""
    given = workspace is not None
    conn = (workspace or Workspace()).connection
    kind = conn.resolved_kind
    decided_by = (conn.kind_source + "." if given else
                  "no workspace was given, so the legacy default (tba-soap) is assumed.")
    decided_by = decided_by[0].upper() + decided_by[1:]
    tokens = active_tokens(snapshot, conn)
    app = conn.application
    if tokens is None:
        return ConnectionDecision(kind, decided_by, f"The access token list could not be read, so the account "
                                  f"could not confirm it (no way to see {app!r}'s access tokens).", None)
    names = tuple(t.tba_token_name or str(t.id) for t in tokens)
    if kind == "tba-soap":
        if tokens:
            return ConnectionDecision(kind, decided_by, f"The account has {len(tokens)} active access token(s) of "
                                      f"{app!r} ({', '.join(names)}), which a TBA connection runs on.", True, names)
        return ConnectionDecision(kind, decided_by, f"The account has no active access token of {app!r}: a TBA "
                                  "connection has nothing to log in with (revoked token), or the workspace is "
                                  'connected with OAuth 2.0 (then say kind = "oauth2-rest").', False)
    if tokens:
        return ConnectionDecision(kind, decided_by, f"The account still has {len(tokens)} active access token(s) "
                                  f"of {app!r} ({', '.join(names)}): a TBA connection may still be in use "
                                  '(then say kind = "tba-soap"), or the tokens are left over from it.', False, names)
    return ConnectionDecision(kind, decided_by, f"The account has no active access token of {app!r}, as an "
                              "OAuth 2.0 connection has none.", True)


# ---- is a TBA/SOAP connection ready to reconnect with OAuth 2.0? -------------------------------------


@dataclass(frozen=True)
class ReadyItem:
    what: str  # e.g. "REST Web Services feature"
    ready: bool | None  # None: not known from what was read
    how: str  # how nsaudit knows, or what it could not read


def oauth2_readiness(snapshot: AccountSnapshot, workspace: Workspace) -> tuple[ReadyItem, ...]:
    """What an Expensify TBA connection needs before it can reconnect with OAuth 2.0 over REST (Expensify's
    Connect to NetSuite guide): the bundle's latest version, the OAuth 2.0 and REST Web Services features,
    and the two permissions on the integration role."""
    from netsuite_audit.audit.permission_matrix import integration_role_id
    from netsuite_audit.audit.requirements import LOGIN_PERMISSIONS, grants, token_proofs
    from netsuite_audit.netsuite.permissions import PERMISSIONS, Level

    login = snapshot.login
    items = [ReadyItem("Expensify Connect bundle (283395) at its latest version", None,
                       f"no API shows a bundle's version: check {SUITEBUNDLER_LIST}")]
    # What nsaudit's own calls prove about the OAuth 2.0/REST connection's features.
    proven = {"REST Web Services": "a REST call of nsaudit's worked" if login.rest_ok else None,
              "OAuth 2.0": ("nsaudit's own OAuth 2.0 login worked" if login.rest_ok and login.rest_auth == "oauth2"
                            else None)}
    for feature, section in FEATURES["oauth2-rest"]:
        how = proven.get(feature)
        items.append(ReadyItem(f"{feature} feature", True, how) if how else
                     ReadyItem(f"{feature} feature", None, f"not shown by nsaudit's own calls; check "
                               f"{ENABLE_FEATURES} > SuiteCloud > {section}"))
    role_id, _ = integration_role_id(snapshot, workspace)
    granted = (grants(snapshot.tables.rolepermissions or (), role_id)
               if snapshot.readable("rolepermissions") and role_id is not None else {})
    proofs = token_proofs(snapshot)
    for key in LOGIN_PERMISSIONS["oauth2-rest"]:
        name = f"{PERMISSIONS[key].name} ({key}) on role {workspace.connection.role!r}"
        if granted:
            level = granted.get(key, Level.NONE)
            items.append(ReadyItem(name, level >= Level.FULL, f"the role's permission list says {level.label}"))
        elif key in proofs and proofs[key].at_least is not None:
            items.append(ReadyItem(name, True, proofs[key].shown_by[0]))
        else:
            items.append(ReadyItem(name, None, "the role's permission list could not be read"))
    return tuple(items)
