"""What the admin can do about what could not be verified: the text report's one-line summary that
groups the checks left with UNVERIFIABLE parts by the action that would let nsaudit judge them.

Each UNVERIFIABLE finding names what is missing (``Finding.missing``); that text says which source
would give it. A check counts once per action its unverified parts need.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from netsuite_audit.audit.model import Finding, Status


class Action(Enum):
    RESTLET = "deploy the nsaudit RESTlet (nsaudit restlet sdf, docs/restlet.md)"
    INIT = "answer nsaudit init"
    AUDIT_PROFILE = "give an audit profile (--audit-profile)"
    BY_HAND = "check by hand"


def action_for(finding: Finding) -> Action:
    """The action that would let nsaudit judge this UNVERIFIABLE finding."""
    missing = (finding.missing or "").lower()
    if "subsidiary" in missing and ("restlet" in missing or "workspace" in missing):
        return Action.INIT  # the subsidiary's preferences: the RESTlet cannot read them, an admin can state them
    if "restlet" in missing:
        return Action.RESTLET  # a preference or feature: the RESTlet reads it (init can state it too)
    if "workspace" in missing or "[forms]" in missing or "[netsuite]" in missing:
        return Action.INIT
    if finding.subject is not None and finding.subject.kind == "permission":
        return Action.AUDIT_PROFILE  # a level the integration's own reads cannot prove; an admin token reads it
    if "audit profile" in missing or "bulk manage roles" in missing or "admi_manageroles" in missing:
        return Action.AUDIT_PROFILE
    return Action.BY_HAND


def checks_by_action(findings: Iterable[Finding]) -> dict[Action, set[str]]:
    """Action -> the checks with an unverified part it would settle (actions with none left out)."""
    found: dict[Action, set[str]] = {}
    for finding in findings:
        if finding.status == Status.UNVERIFIABLE:
            found.setdefault(action_for(finding), set()).add(finding.check_id)
    return {action: found[action] for action in Action if action in found}


def summary_line(findings: Iterable[Finding], *, named: bool = True) -> str | None:
    """"To verify the rest: deploy ...: 2 checks; answer nsaudit init: 3 checks; ..." (None: nothing);
    ``named``: each count followed by its checks' ids (the default screen leaves them to --verbose)."""
    grouped = checks_by_action(findings)
    if not grouped:
        return None
    parts = [f"{action.value}: {len(checks)} check{'s' if len(checks) != 1 else ''}"
             + (f" ({', '.join(sorted(checks))})" if named else "")
             for action, checks in grouped.items()]
    return "To verify the rest: " + "; ".join(parts) + "."
