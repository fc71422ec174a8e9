"""The four seed codes end to end over HTTP: each cause built into the healthy account, one at a time."""

from __future__ import annotations

from typing import Any

import pytest

from netsuite_audit.audit.model import Status
from tests.support.e2e import account_data, audit, find, workspace_data


def _ws(**tags: Any) -> dict[str, Any]:
    ws = workspace_data("healthy")
    ws.setdefault("tags", {}).update(tags)
    return ws


def _fails(outcome, check: str) -> set[tuple[str | None, str | None]]:
    return {(f.code, f.subject.key if f.subject else None) for f in outcome.by_check(check)
            if f.status == Status.FAIL}


# ---- NS0384 ---------------------------------------------------------------------------------------------
def test_token_on_the_wrong_role() -> None:
    data = account_data("healthy")
    data["tokens"].append({**find(data["tokens"], id=1), "id": 9, "name": "Expensify - admin role",
                           "token_id": "9" * 64, "token_secret": "8" * 64, "role": 3})
    outcome = audit(data, workspace_data("healthy"), checks=("token-role",))
    assert _fails(outcome, "token-role") == {("NS0384", "token:9")}


@pytest.mark.parametrize(("permkey", "code"), [("LIST_VENDOR", "NS0377"), ("ADMI_CUSTRECORD", "NS0938"),
                                               ("ADMI_DELETEDRECORD", "NS0384"), ("LIST_ACCOUNT", "NS0565")])
def test_each_missing_permission_with_the_audit_profile(permkey: str, code: str) -> None:
    data = account_data("healthy")
    find(data["roles"], id=1001)["permissions"].pop(permkey)
    outcome = audit(data, workspace_data("healthy"), checks=("role-permissions",))
    assert (code, f"permission:{permkey}") in _fails(outcome, "role-permissions")


def test_missing_permission_without_the_audit_profile_is_proven_by_a_refused_read() -> None:
    data = account_data("healthy")
    find(data["roles"], id=1001)["permissions"].pop("LIST_CLASS")
    outcome = audit(data, workspace_data("healthy"), audit_token=None,
                    checks=("role-permissions", "classification-query"))
    assert ("NS0384", "permission:LIST_CLASS") in _fails(outcome, "role-permissions")
    assert any(code == "NS0384" for code, _ in _fails(outcome, "classification-query"))
    # Levels above View cannot be proven with the integration token alone: UNVERIFIABLE, never PASS.
    unproven = [f for f in outcome.by_check("role-permissions") if f.status == Status.UNVERIFIABLE]
    assert unproven and all("Manage Roles" in " ".join(f.manual + f.fix) or f.missing for f in unproven)


# ---- NS0770 ---------------------------------------------------------------------------------------------
def test_inactive_and_closed_projects() -> None:
    data = account_data("healthy")
    find(data["projects"], id=401)["status"] = 1  # Closed
    outcome = audit(data, _ws(projects=[400, 401, 402]), checks=("project-active",))
    assert _fails(outcome, "project-active") == {("NS0770", "job:401"), ("NS0770", "job:402")}
    message = next(f.message for f in outcome.by_check("project-active") if f.subject.id == "402")
    assert message.startswith("Project [")


# ---- NS0831 ---------------------------------------------------------------------------------------------
def test_missing_inactive_and_wrong_subsidiary_classifications() -> None:
    data = account_data("healthy")
    find(data["classes"], id=2)["inactive"] = True
    outcome = audit(data, _ws(classes=[1, 2, 99], departments=[4], locations=[3]),
                    checks=("classification-available",))
    assert _fails(outcome, "classification-available") == {
        ("NS0831", "classification:2"), ("NS0831", "classification:99"),
        ("NS0831", "department:4"), ("NS0831", "location:3"),
    }


def test_include_children_is_honoured() -> None:
    data = account_data("healthy")
    # Class 1 sits on the parent subsidiary only; with Include Children the US child may use it...
    assert audit(data, _ws(classes=[1]), checks=("classification-available",)).problems() == set()
    # ...without it, it may not.
    find(data["classes"], id=1)["include_children"] = False
    outcome = audit(data, _ws(classes=[1]), checks=("classification-available",))
    assert _fails(outcome, "classification-available") == {("NS0831", "classification:1")}


def test_inactive_parent_blocks_the_child() -> None:
    data = account_data("healthy")
    find(data["classes"], id=1)["inactive"] = True  # parent of class 3
    outcome = audit(data, _ws(classes=[3]), checks=("classification-available",))
    assert ("NS0831", "classification:3") in _fails(outcome, "classification-available")


def test_cross_subsidiary_switch_is_named_as_the_likely_cause() -> None:
    outcome = audit(account_data("healthy"), _ws(departments=[4]), checks=("classification-available",))
    finding = next(f for f in outcome.by_check("classification-available") if f.status == Status.FAIL)
    assert "Cross-Subsidiary" in finding.message + " ".join(finding.fix)


def test_show_projects_only_for_time_and_expenses_preference() -> None:
    data = account_data("healthy")
    data["preferences"]["TIMEEXPENSEJOBONLY"] = True
    outcome = audit(data, workspace_data("healthy"), checks=("classification-available",))
    assert ("NS0831", "setting:TIMEEXPENSEJOBONLY") in _fails(outcome, "classification-available")
