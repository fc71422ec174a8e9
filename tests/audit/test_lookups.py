"""Unit tests for netsuite_audit/audit/lookups.py over the shared base snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from netsuite_audit.audit import lookups, references, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import line_index
from netsuite_audit.audit.model import CheckMeta, Severity, Status
from netsuite_audit.audit.references import UnresolvedReference
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.permissions import Level
from netsuite_audit.netsuite.records import Account, Employee, ExpenseCategory
from tests.support.check_cases import base_snapshot_data, base_workspace_data, build_snapshot

META = CheckMeta(id="lookup-test", codes=("NS0023",), severity=Severity.HIGH, title="t", description="t")


def make_ctx(snapshot: dict[str, Any] | None = None, workspace: dict[str, Any] | None = None,
             reports: dict[str, Any] | None = None) -> Context:
    ws = base_workspace_data()
    ws.update(workspace or {})
    return Context(
        meta=META,
        snapshot=build_snapshot(snapshot),
        workspace=Workspace.model_validate(ws),
        reports=PendingReports.model_validate(reports) if reports is not None else None,
        workspace_given=True,
    )


def employees(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [*base_snapshot_data()["tables"]["employee"], *extra]


# ---- email matching ---------------------------------------------------------------------------
def test_exact_match_in_subsidiary() -> None:
    match = lookups.match_employee(make_ctx(), "alice@example.com")
    assert match.active is not None and match.active.id == 10
    assert match.near == () and match.elsewhere == ()


@pytest.mark.parametrize("typed", ["Alice@example.com", "alice@example.com ", " alice@example.com",
                                   "ALICE@EXAMPLE.COM"])
def test_case_and_spaces_are_not_a_match(typed: str) -> None:
    match = lookups.match_employee(make_ctx(), typed)
    assert match.active is None and match.exact == ()
    assert [r.id for r in match.near] == [10]


def test_other_subsidiary_is_not_a_match() -> None:
    match = lookups.match_employee(make_ctx(), "carol@example.com")
    assert match.active is None
    assert [r.id for r in match.elsewhere] == [12]


def test_no_workspace_subsidiary_matches_any() -> None:
    match = lookups.match_employee(make_ctx(workspace={"subsidiary": None}), "carol@example.com")
    assert match.active is not None and match.active.id == 12


def test_inactive_record_is_found_but_not_used() -> None:
    ctx = make_ctx(snapshot={"tables": {"employee": employees(
        {"id": 20, "entityid": "Gone", "email": "gone@example.com", "subsidiary": 1, "isinactive": "T"})}})
    match = lookups.match_employee(ctx, "gone@example.com")
    assert match.active is None and [r.id for r in match.in_subsidiary] == [20]


def test_active_record_preferred_over_inactive_duplicate() -> None:
    rows = [Employee(id=1, email="x@example.com", subsidiary=1, isinactive=True),
            Employee(id=2, email="x@example.com", subsidiary=1)]
    match = lookups.match_email(rows, "x@example.com", 1)
    assert match.active is not None and match.active.id == 2


def test_blank_email_never_matches() -> None:
    rows = [Employee(id=1, email=None, subsidiary=1),
            Employee.model_validate({"id": 2, "email": "", "subsidiary": "1"})]
    match = lookups.match_email(rows, "", 1)
    assert match.exact == () and match.near == ()


def test_active_match_is_the_record_match_email_would_use() -> None:
    rows = (Employee(id=1, email="x@example.com", subsidiary=1, isinactive=True),
            Employee(id=2, email="x@example.com", subsidiary=1),
            Employee(id=3, email="x@example.com", subsidiary=2),
            Employee(id=4, email="Y@example.com", subsidiary=2),
            Employee(id=5, email="y@example.com", subsidiary=2, isinactive=True),
            Employee(id=6, email=None, subsidiary=1))
    found = {}
    for email in ("x@example.com", "y@example.com", "Y@example.com", " y@example.com", "z@example.com", ""):
        for sub in (None, 1, 2, 3):
            match = lookups.match_email(rows, email, sub)
            active = lookups.active_match(rows, email, sub)
            assert active is match.active is lookups.active_matcher(rows, sub)(email)
            found[(email, sub)] = active.id if active is not None else None
    assert found[("x@example.com", 1)] == 2 and found[("x@example.com", 2)] == 3
    assert found[("x@example.com", None)] == 2 and found[("Y@example.com", 2)] == 4
    assert found[("y@example.com", 2)] is None and found[("x@example.com", 3)] is None
    # the near matches (built on first need) are still found after the fast lookups
    assert [r.id for r in lookups.match_email(rows, "X@EXAMPLE.COM", 1).near] == [1, 2, 3]


def test_loose_groups_group_rows_by_loose_email_per_table() -> None:
    rows = (Employee(id=1, email="X@example.com"), Employee(id=2, email=" x@example.com"),
            Employee(id=3, email=None), Employee.model_validate({"id": 4, "email": ""}),
            Employee(id=5, email="y@example.com"))
    groups = lookups.loose_groups(rows)
    assert {k: [r.id for r in v] for k, v in groups.items()} == {"x@example.com": [1, 2], "y@example.com": [5]}
    other = (Employee(id=7, email="x@example.com"),)
    assert [r.id for r in lookups.loose_groups(other)["x@example.com"]] == [7]  # its own table's rows


def test_member_employees_skips_unmatched() -> None:
    ctx = make_ctx(workspace={"employees": ["alice@example.com", "nobody@example.com", "carol@example.com"]})
    assert [(e, r.id) for e, r in lookups.member_employees(ctx)] == [("alice@example.com", 10)]


# ---- workspace facts ----------------------------------------------------------------------------
def test_workspace_subsidiary_by_id_name_and_unknown() -> None:
    assert lookups.workspace_subsidiary(make_ctx()) == 1
    assert lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": "2"})) == 2
    assert lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": "Canada"})) == 2
    assert lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": "Parent Co : UK"})) == 3
    with pytest.raises(UnresolvedReference) as raised:  # never "any subsidiary": the engine says so
        lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": "Atlantis"}))
    assert raised.value.reference.state == "unresolved"
    with pytest.raises(UnresolvedReference):
        lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": 99}))
    assert lookups.workspace_subsidiary(make_ctx(workspace={"subsidiary": None})) is None


def test_subsidiary_reference_is_the_one_resolve_all_gives_for_each_snapshot() -> None:
    ctx = make_ctx(workspace={"subsidiary": "Canada"})
    renamed = build_snapshot({"tables": {"subsidiary": [
        *base_snapshot_data()["tables"]["subsidiary"][:1],
        {"id": 7, "name": "Canada", "fullname": "Parent Co : Canada", "parent": 1}]}})
    for snapshot, expected in ((ctx.snapshot, 2), (renamed, 7)):
        found = references.subsidiary(ctx.workspace, snapshot)
        assert found is not None and found.matches == (expected,)
        assert found == next(r for r in references.resolve_all(ctx.workspace, snapshot) if r.path == "subsidiary")
    # resolved once per run: the run's state keeps it (audit/state.py), no module cache
    assert lookups.subsidiary_reference(ctx) is lookups.subsidiary_reference(ctx)


def test_resolve_all_gives_what_resolving_each_reference_gives() -> None:
    ctx = make_ctx(workspace={"tags": {"classes": [1, 9, "2", " 1 ", "Sales", "Nope"], "departments": [2, 77],
                                       "projects": [100, "Acme Rollout"], "customers": [200, 999],
                                       "categories": [1, 3, 8]}})
    slow = tuple(references._resolve(ctx.snapshot, path, table, ref)
                 for path, table, values in references._FIELDS for ref in values(ctx.workspace)
                 if not references._judged_elsewhere(path, ref))
    assert references.resolve_all(ctx.workspace, ctx.snapshot) == slow
    assert references.problems(ctx.workspace, ctx.snapshot) == tuple(r for r in slow if r.state != "ok")
    assert {r.state for r in references.problems(ctx.workspace, ctx.snapshot)} == {"unresolved"}
    states = {(r.path, r.ref): r.state for r in slow}
    assert states[("tags.classes", 9)] == "unresolved" and states[("tags.classes", "Sales")] == "ok"
    unread = build_snapshot({"unread": {"classification": "denied"}})
    assert {r.state for r in references.resolve_all(ctx.workspace, unread) if r.table == "classification"} \
        == {"unread"}
    assert [r.ref for r in references.problems(ctx.workspace, unread) if r.table == "classification"] \
        == [r.ref for r in references.resolve_all(ctx.workspace, unread) if r.table == "classification"]


def test_name_search_finds_what_testing_every_row_finds() -> None:
    rows = tuple(Employee.model_validate(row) for row in (
        {"id": 1, "entityid": "Ann Lee", "email": "ann@example.com", "firstname": "Ann", "lastname": "Lee",
         "subsidiary": 1},
        {"id": 2, "entityid": " ann lee ", "email": " Ann@Example.com ", "subsidiary": 1},
        {"id": 3, "entityid": "E-3", "firstname": "Ann", "subsidiary": 1},
        {"id": 4, "entityid": "E-4", "lastname": "Lee", "email": "x@example.com", "subsidiary": 1},
        {"id": 5, "entityid": "E-5", "firstname": " Ann", "lastname": "Lee ", "subsidiary": 1},
        {"id": 6, "entityid": "None", "subsidiary": 1},
    ))

    def one_by_one(key: Any, target: str) -> tuple[int, ...]:
        return tuple(int(row.id) for row in rows if any(key(name) == target for name in references._names(row)))

    def stripped(s: str) -> str:
        return s.strip()

    def folded(s: str) -> str:
        return s.strip().casefold()

    for wanted in ("Ann Lee", "ann lee", "ann@example.com", "Ann@Example.com", "Ann", "Lee", "None", "E-3", "",
                   "nobody"):
        for key, fold in ((stripped, False), (folded, True)):
            assert references._named(rows, key, key(wanted), fold) == one_by_one(key, key(wanted)), (wanted, fold)
    assert references._named(rows, folded, "ann lee", True) == (1, 2, 5)
    assert references._named(rows, stripped, "ann@example.com", False) == (1,)


def test_members_and_categories_include_pending_reports() -> None:
    reports = {"reports": [{"id": "R1", "employee": "zed@example.com",
                            "lines": [{"amount": "1", "category": 3}, {"amount": "2"},
                                      {"amount": "3", "category": "Gifts"}]}]}
    ctx = make_ctx(reports=reports)
    assert lookups.members(ctx) == {"alice@example.com": ["workspace member"],
                                    "bob@example.com": ["workspace member"], "zed@example.com": ["report R1"]}
    assert lookups.enabled_categories(ctx) == {"1": ["workspace category"], "2": ["workspace category"],
                                               "3": ["report R1 line 1"], "Gifts": ["report R1 line 3"]}


def test_category_uses_are_worded_on_request() -> None:
    reports = {"reports": [{"id": "R1", "employee": "zed@example.com",
                            "lines": [{"amount": "1", "category": "3"}, {"amount": "2", "category": 2},
                                      {"amount": "3", "category": 3}]}]}
    uses = lookups.enabled_categories(make_ctx(reports=reports))
    assert list(uses) == ["1", "2", "3"] and len(uses) == 3
    assert uses["2"] == ["workspace category", "report R1 line 2"]
    assert uses["3"] == ["report R1 line 1", "report R1 line 3"]  # "3" and 3 are one category
    uses["3"].append("changed by a caller")
    assert uses["3"] == ["report R1 line 1", "report R1 line 3"]  # each caller gets its own list
    assert "4" not in uses
    with pytest.raises(KeyError):
        uses["4"]


def test_report_facts_add_up_each_report_and_follow_the_reports_given() -> None:
    reports = {"reports": [
        {"id": "R1", "employee": "a@example.com", "lines": [
            {"amount": "10.10", "date": "2026-10-05", "billable": True},
            {"amount": "-2.05", "reimbursable": False, "date": "2026-09-30"},
            {"amount": "0.95", "billable": True}]},
        {"id": "R2", "employee": "b@example.com", "lines": [{"amount": "-3", "reimbursable": True}]},
        {"id": "R3", "employee": "b@example.com"}]}
    ctx = make_ctx(reports=reports)
    facts = lookups.report_facts(ctx)
    assert [f.report.id for f in facts] == ["R1", "R2", "R3"]
    for fact in facts:  # what each check used to work out from the lines itself
        lines = fact.report.lines
        assert fact.total == sum((line.amount for line in lines), Decimal(0))
        assert fact.reimbursable_total == sum((line.amount for line in lines if line.reimbursable), Decimal(0))
        assert fact.reimbursable_lines == sum(1 for line in lines if line.reimbursable)
        dates = settings.report_dates(fact.report)
        assert fact.last_date == (dates[-1] if dates else None)
        assert fact.billable == tuple(n for n, line in enumerate(lines, start=1) if line.billable)
    assert facts[0].total == Decimal("9.00") and facts[0].reimbursable_total == Decimal("11.05")
    assert facts[0].last_date == dt.date(2026, 10, 5) and facts[0].billable == (1, 3)
    assert facts[2] == (facts[2].report, Decimal(0), Decimal(0), 0, None, ())
    assert lookups.report_facts(ctx) is facts  # built once for these reports
    other = make_ctx(reports={"reports": [{"id": "R9", "employee": "c@example.com",
                                           "lines": [{"amount": "4"}]}]})
    assert [(f.report.id, f.total) for f in lookups.report_facts(other)] == [("R9", Decimal(4))]
    assert lookups.report_facts(make_ctx()) == ()


def test_lines_by_key_merges_one_record_written_two_ways() -> None:
    reports = {"reports": [{"id": "R1", "employee": "a@example.com", "lines": [
        {"amount": "1", "project": "7"}, {"amount": "1", "project": 100}, {"amount": "1", "project": 7},
        {"amount": "1", "project": " 7"}]}]}
    index = line_index(PendingReports.model_validate(reports))
    assert {k: list(v) for k, v in lookups.lines_by_key(index, "project").items()} == {"7": [0, 2, 3], "100": [1]}
    assert {k: list(v) for k, v in lookups.lines_by_key(index, "project", str).items()} \
        == {"7": [0, 2], "100": [1], " 7": [3]}


def test_export_shape_helpers() -> None:
    er = Workspace.model_validate({"export": {"reimbursable": "expense_report"}})
    vb = Workspace.model_validate({"export": {"reimbursable": "vendor_bill", "non_reimbursable": "vendor_bill"}})
    vb_default = Workspace.model_validate({"export": {"reimbursable": "vendor_bill", "coding": "employee_default"}})
    card_er = Workspace.model_validate(
        {"export": {"reimbursable": "vendor_bill", "non_reimbursable": "expense_report"}})
    assert lookups.uses_expense_report(er) and not lookups.uses_expense_report(vb)
    assert lookups.uses_expense_report(card_er)
    assert lookups.reimbursable_to_vendor(vb) and not lookups.reimbursable_to_vendor(er)
    assert lookups.uses_employee_defaults(er) and not lookups.uses_employee_defaults(vb)
    assert lookups.uses_employee_defaults(vb_default)
    mapped = Workspace.model_validate({"export": {"payable_account": 25, "reimbursed_ap_account": "2000"}})
    assert lookups.mapped_accounts(mapped) == {"payable_account": 25, "reimbursed_ap_account": "2000"}


# ---- subsidiaries -------------------------------------------------------------------------------
def test_available_to_follows_include_children() -> None:
    tree = lookups.subsidiary_tree(make_ctx())
    parent_only = Account(id=1, subsidiary=(1,), includechildren=False)
    with_children = Account(id=2, subsidiary=(1,), includechildren=True)
    assert lookups.available_to(tree, parent_only, 1) is True
    assert lookups.available_to(tree, parent_only, 2) is False
    assert lookups.available_to(tree, with_children, 3) is True
    assert lookups.available_to(tree, ExpenseCategory(id=3), 2) is None  # empty list: unknown


# ---- roles, currencies --------------------------------------------------------------------------
def test_integration_role_by_name_or_id() -> None:
    assert lookups.integration_role(make_ctx()) == 1001
    assert lookups.integration_role(make_ctx(workspace={"connection": {"role": "Nope", "role_id": 77}})) == 77
    assert lookups.integration_role(make_ctx(workspace={"connection": {"role": "Nope"}})) is None


def test_permission_level_reads_rolepermissions() -> None:
    ctx = make_ctx()
    assert lookups.permission_level(ctx, 1001, "LIST_EMPLOYEE") == Level.FULL
    assert lookups.permission_level(ctx, 1001, "LIST_CLASS") == Level.VIEW
    assert lookups.permission_level(ctx, 1001, "LIST_EMPLOYEE_RECORD") == Level.NONE
    assert lookups.permission_level(ctx, 3, "LIST_EMPLOYEE") == Level.NONE


def test_currency_id_by_code() -> None:
    ctx = make_ctx()
    assert lookups.currency_id(ctx, "usd") == 1
    assert lookups.currency_id(ctx, " GBP ") == 3
    assert lookups.currency_id(ctx, "EUR") is None
    assert lookups.currency_id(ctx, None) is None


def test_unreadable_names_the_permission() -> None:
    ctx = make_ctx(snapshot={"unread": {"vendor": "denied"}})
    finding = lookups.unreadable(ctx, "vendor", "the vendors", code="NS0295")
    assert finding.status == Status.UNVERIFIABLE and finding.code == "NS0295"
    assert finding.missing is not None and "LIST_VENDOR" in finding.missing


def test_entity_names() -> None:
    assert lookups.entity_name(Employee(id=4, firstname="Ann", lastname="Lee")) == "Ann Lee"
    assert lookups.entity_name(Employee(id=4)) == "#4"
    assert lookups.entity_name(Employee(id=4, entityid="E-4", firstname="Ann")) == "E-4"
    assert lookups.entity_name(Employee(id=4, lastname="Lee")) == "Lee"
    assert lookups.entity_name(Account(id=6, fullname="Travel")) == "Travel"
    # any row type, not only the records nsaudit reads
    assert lookups.entity_name(SimpleNamespace(id=8, altname="Alt", firstname="Ann")) == "Alt"
    assert lookups.entity_name(SimpleNamespace(id=8, firstname="Ann", lastname=None)) == "Ann"
    assert lookups.loose_email(" Ann.Lee @Example.COM ") == "ann.lee@example.com"
