"""The required-permission profiles (data) and the comparison and token-proof logic."""

from __future__ import annotations

import pytest

from netsuite_audit.audit.requirements import (
    PROFILES,
    Requirement,
    codes,
    grants,
    profile,
    required,
    shortfalls,
    token_proofs,
)
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.permissions import PERMISSIONS, Level, describe_permission, role_path
from netsuite_audit.netsuite.records import RolePermission
from netsuite_audit.support.errors import InputError
from tests.support.check_cases import build_snapshot

# The seed page's tables, as (display name, level): Lists then Setup.
SEED_TABLE = {
    "Accounts": "Full", "Classes": "View", "Currency": "View", "Customers": "View", "Departments": "Full",
    "Employees": "Full", "Expense Categories": "View", "Items": "View", "Locations": "View",
    "Projects": "View", "Subsidiaries": "View", "Vendors": "Full",
    "Access Token Management": "Full", "Log in using Access Tokens": "Full", "User Access Tokens": "Full",
    "SOAP Web Services": "Full", "Custom Record Types": "Full", "Deleted Records": "Full",
}

EXPECTED_CODES = {
    "LIST_ACCOUNT": "NS0565", "LIST_CLASS": "NS0384", "LIST_DEPARTMENT": "NS0384", "LIST_LOCATION": "NS0384",
    "LIST_CURRENCY": "NS0469", "LIST_EMPLOYEE": "NS0634", "LIST_EMPLOYEE_RECORD": "NS0634",
    "LIST_CATEGORY": "NS0228", "LIST_VENDOR": "NS0844", "LIST_SUBSIDIARY": "NS0521",
    "ADMI_CUSTRECORD": "NS0938", "LIST_CUSTRECORDENTRY": "NS0938", "ADMI_WEBSERVICES": "NS0739",
    "ADMI_MANAGE_OAUTH_TOKENS": "NS0510", "ADMI_MANAGE_OWN_OAUTH_TOKENS": "NS0510",
    "ADMI_LOGIN_OAUTH": "NS0109", "TRAN_VENDPYMT": "NS0159", "TRAN_CUSTINVC": "NS0445",
    "TRAN_VENDPYMTAPPRV": "NS0056", "LIST_TAXDETAILSTAB": "NS0056",
}


def test_standard_profile_is_the_seed_table() -> None:
    got = {r.name: r.level.label for r in PROFILES["standard"]}
    assert got == SEED_TABLE


def test_strict_profile_contains_standard_and_the_longer_table() -> None:
    strict = {r.permkey: r for r in PROFILES["strict"]}
    assert {r.permkey for r in PROFILES["standard"]} <= set(strict)
    assert len(strict) == len(PROFILES["strict"]), "a permkey appears twice"
    # the longer table: 19 Lists + 10 Setup, plus Pay Bills, Invoice, Approve Vendor Payments, Tax Details Tab
    assert len(strict) == 19 + 10 + 4
    assert strict["LIST_FILECABINET"].level == Level.FULL
    assert strict["ADMI_ACCTPERIODS"].level == Level.VIEW
    assert strict["TRAN_CUSTINVC"].condition == "exports_invoices"


@pytest.mark.parametrize("req", [r for reqs in PROFILES.values() for r in reqs], ids=lambda r: r.permkey)
def test_requirement_matches_permission_table(req: Requirement) -> None:
    perm = PERMISSIONS[req.permkey]
    assert (req.name, req.tab) == (perm.name, perm.tab)
    assert req.uncertain == (not perm.verified)
    assert req.code == EXPECTED_CODES.get(req.permkey, "NS0384")
    if perm.binary:
        assert req.level == Level.FULL


def test_only_the_approval_key_is_uncertain() -> None:
    assert {r.permkey for r in PROFILES["strict"] if r.uncertain} == {"TRAN_VENDPYMTAPPRV"}


def test_invoice_requirement_only_when_exporting_invoices() -> None:
    strict = Workspace(permission_profile="strict")
    assert "TRAN_CUSTINVC" not in {r.permkey for r in required(strict)}
    with_invoices = Workspace.model_validate({"permission_profile": "strict", "export": {"invoices": True}})
    assert "TRAN_CUSTINVC" in {r.permkey for r in required(with_invoices)}


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(InputError, match="permission_profile"):
        profile("lenient")
    assert profile(" Strict ") == PROFILES["strict"]


def test_codes_cover_every_requirement() -> None:
    assert set(codes()) == {c for reqs in PROFILES.values() for r in reqs
                            for c in (r.code, r.expense_report_code) if c}
    assert {"NS0384", "NS0377", "NS0844"} <= set(codes())


def test_vendor_shortfall_code_follows_the_export_type() -> None:
    from netsuite_audit.inputs.workspace import Workspace

    er = {r.permkey: r.code for r in required(Workspace())}
    vb = {r.permkey: r.code for r in required(Workspace.model_validate({"export": {"reimbursable": "vendor_bill"}}))}
    assert er["LIST_VENDOR"] == "NS0377" and vb["LIST_VENDOR"] == "NS0844"


def test_grants_takes_the_role_and_the_highest_level() -> None:
    rows = [RolePermission(role=7, permkey="LIST_CLASS", permlevel="1"),
            RolePermission(role=7, permkey="LIST_CLASS", permlevel="3"),
            RolePermission(role=8, permkey="LIST_VENDOR", permlevel="4")]
    assert grants(rows, 7) == {"LIST_CLASS": Level.EDIT}


def test_shortfalls_compare_exactly() -> None:
    reqs = PROFILES["standard"]
    granted = {r.permkey: r.level for r in reqs}
    assert shortfalls(reqs, granted) == []
    granted["LIST_VENDOR"] = Level.EDIT
    del granted["LIST_CLASS"]
    gaps = {g.requirement.permkey: g.current for g in shortfalls(reqs, granted)}
    assert gaps == {"LIST_VENDOR": Level.EDIT, "LIST_CLASS": Level.NONE}


def test_token_proofs_from_login_and_reads() -> None:
    snap = build_snapshot({"unread": {"rolepermissions": "denied", "vendor": "denied"}})
    proofs = token_proofs(snap)
    assert proofs["ADMI_LOGIN_OAUTH"].at_least == Level.FULL
    assert proofs["ADMI_WEBSERVICES"].at_least == Level.FULL
    assert proofs["ADMI_RESTWEBSERVICES"].at_least == Level.FULL
    assert proofs["LIST_CLASS"].at_least == Level.VIEW
    # Access Token Management can only be None or Full: reading tokens proves Full.
    assert proofs["ADMI_MANAGE_OAUTH_TOKENS"].at_least == Level.FULL
    # vendor refused, but vendorcurrencybalance (same permission) was read: proven, not refused away
    assert proofs["LIST_VENDOR"].at_least == Level.VIEW and proofs["LIST_VENDOR"].refused
    assert proofs["ADMI_MANAGEROLES"].refused


def test_refusals_only_count_when_the_protocol_works() -> None:
    every_table = build_snapshot(None).reads
    snap = build_snapshot({"unread": dict.fromkeys(every_table, "denied")})
    proofs = token_proofs(snap)
    assert not any(p.refused for p in proofs.values()), "SuiteQL itself is off: no single refusal is proof"


def test_soap_permission_refusal_disproves_soap_web_services() -> None:
    snap = build_snapshot({"login": {
        "rest": {"protocol": "rest", "ok": True},
        "soap": {"protocol": "soap", "ok": False, "error": "permission", "code": "INSUFFICIENT_PERMISSION"}}})
    proof = token_proofs(snap)["ADMI_WEBSERVICES"]
    assert proof.refused and proof.at_least is None


def test_audit_profile_reads_prove_nothing() -> None:
    snap = build_snapshot({"reads": {"classification": {"via": "audit-profile"}}})
    assert "LIST_CLASS" not in token_proofs(snap)


def test_describe_and_role_path() -> None:
    assert describe_permission("LIST_CLASS", Level.VIEW) == "Lists > Classes (LIST_CLASS) at View"
    assert describe_permission("NOT_A_KEY") == "NOT_A_KEY"
    assert role_path("Expensify Integration", "TRAN_VENDPYMT").endswith("> Permissions > Transactions")
    assert Level.parse("full") == Level.FULL and Level.parse(9) == Level.FULL
