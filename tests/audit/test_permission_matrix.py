"""The permission matrix in the result: exact with the role's permission list, proven otherwise."""

from __future__ import annotations

from netsuite_audit.audit.model import Status
from netsuite_audit.audit.permission_matrix import permission_matrix
from netsuite_audit.inputs.workspace import Workspace
from tests.support.check_cases import base_workspace_data, build_snapshot

WS = Workspace.model_validate(base_workspace_data())


def test_exact_levels_from_the_role_permission_list() -> None:
    snap = build_snapshot({"tables": {"rolepermissions": [
        {"role": 1001, "permkey": "LIST_CLASS", "permlevel": 1},
        {"role": 1001, "permkey": "LIST_VENDOR", "permlevel": 1},
    ]}})
    rows = {r.permkey: r for r in permission_matrix(snap, WS)}
    assert rows["LIST_CLASS"].status == Status.PASS and rows["LIST_CLASS"].actual == "View"
    assert rows["LIST_VENDOR"].status == Status.FAIL and rows["LIST_VENDOR"].required == "Full"
    assert rows["LIST_ACCOUNT"].actual == "None" and rows["LIST_ACCOUNT"].status == Status.FAIL


def test_without_the_list_levels_above_view_stay_unknown() -> None:
    snap = build_snapshot({"unread": {"rolepermissions": "denied", "role": "denied"}})
    rows = {r.permkey: r for r in permission_matrix(snap, WS)}
    assert rows["LIST_CLASS"].status == Status.PASS and rows["LIST_CLASS"].source == "probe"
    assert rows["LIST_VENDOR"].status == Status.UNVERIFIABLE and rows["LIST_VENDOR"].actual == "at least View"
    assert rows["ADMI_LOGIN_OAUTH"].status == Status.PASS
