"""netsuite_audit.render.unverified_actions: what could not be verified, grouped by what the admin can do."""

from __future__ import annotations

from netsuite_audit.audit.model import Finding, Severity, Status, Subject
from netsuite_audit.render.unverified_actions import Action, action_for, checks_by_action, summary_line


def _f(check: str, missing: str | None, kind: str = "setting", status: Status = Status.UNVERIFIABLE) -> Finding:
    return Finding(id=f"{check}/{kind}:{missing}", check_id=check, status=status, severity=Severity.HIGH,
                   title="t", message="m", missing=missing, subject=Subject(kind=kind, id="x"))


def test_each_missing_source_maps_to_its_action() -> None:
    restlet = _f("multi-currency",
                 "NetSuite setting MULTICURRENCY (nsaudit RESTlet or workspace [netsuite] multi_currency)")
    subsidiary = _f("tax-required", "subsidiary tax preference (nsaudit RESTlet)")  # the RESTlet cannot read it
    forms = _f("transaction-forms", "transaction form layout (not readable through SuiteQL; not recorded in [forms])")
    approval = _f("approval-levels", "workspace export.reimbursable_approval")
    scope = _f("role-subsidiary-scope", "Setup > Bulk Manage Roles (ADMI_MANAGEROLES) (audit profile)", "role")
    level = _f("role-permissions", "Lists > Accounts (LIST_ACCOUNT) at Full", "permission")
    other = _f("login", "a working token-based login (see NS0109)")
    assert [action_for(f) for f in (restlet, subsidiary, forms, approval, scope, level, other)] == [
        Action.RESTLET, Action.INIT, Action.INIT, Action.INIT, Action.AUDIT_PROFILE, Action.AUDIT_PROFILE,
        Action.BY_HAND]


def test_checks_are_counted_once_per_action_and_passes_ignored() -> None:
    findings = [_f("transaction-forms", "not recorded in [forms]"), _f("transaction-forms", "not recorded in [forms]"),
                _f("approval-levels", "workspace export.reimbursable_approval"),
                _f("classification-available", "the TIMEEXPENSEJOBONLY accounting preference (deploy the nsaudit "
                                               "RESTlet or set it in the workspace)"),
                _f("classification-available", None, status=Status.PASS)]
    grouped = checks_by_action(findings)
    assert list(grouped) == [Action.RESTLET, Action.INIT]  # in the order an admin reads them
    assert grouped[Action.INIT] == {"transaction-forms", "approval-levels"}
    line = summary_line(findings)
    assert line is not None and line.startswith("To verify the rest: deploy the nsaudit RESTlet")
    assert "answer nsaudit init: 2 checks (approval-levels, transaction-forms)" in line
    assert "1 check (classification-available)" in line


def test_nothing_unverified_says_nothing() -> None:
    assert summary_line([_f("login", None, status=Status.PASS)]) is None
