"""Unknown is never empty: a value NetSuite did not return is recorded as unknown by the collector,
and the checks that need it say UNVERIFIABLE instead of judging a stand-in default."""

from __future__ import annotations

from typing import Any

import pytest

from netsuite_audit.audit.model import Status
from netsuite_audit.collect.sources import SoapSource, SuiteQLSource
from netsuite_audit.netsuite.errors import PermissionDenied
from netsuite_audit.netsuite.rest import SuiteQLPage
from tests.support.e2e import account_data, audit, find, workspace_data


class _FakeRest:
    """Refuses one of our column names (an UNCERTAIN one), then answers ``SELECT *``."""

    def __init__(self, items: list[dict[str, str]]) -> None:
        self.items = items
        self.queries: list[str] = []

    def suiteql_page(self, query: str, params: list[object], *, limit: int, offset: int) -> SuiteQLPage:
        self.queries.append(query)
        if "*" not in query:
            raise PermissionDenied("Unknown identifier 'raterequired'", record="raterequired")
        return SuiteQLPage(items=self.items, count=len(self.items), has_more=False,
                           total_results=len(self.items), offset=0)


def test_select_star_fallback_marks_columns_never_returned_as_unknown() -> None:
    rest = _FakeRest([{"id": "1", "name": "Travel", "isinactive": "F"}, {"id": "2", "name": "Meals", "account": "7"}])
    source = SuiteQLSource(rest)  # type: ignore[arg-type]
    rows, more = source.first_page("expensecategory")
    assert not more and "SELECT *" in rest.queries[-1]
    unknown = source.unknown_columns("expensecategory", rows)
    assert "raterequired" in unknown and "subsidiary" in unknown
    assert "account" not in unknown and "isinactive" not in unknown  # seen in some row: null elsewhere


def test_explicit_column_list_leaves_nothing_unknown() -> None:
    class Rest(_FakeRest):
        def suiteql_page(self, query: str, params: list[object], *, limit: int, offset: int) -> SuiteQLPage:
            return SuiteQLPage(items=self.items, count=1, has_more=False, total_results=1, offset=0)

    source = SuiteQLSource(Rest([{"id": "1"}]))  # type: ignore[arg-type]
    rows, _ = source.first_page("expensecategory")
    assert source.unknown_columns("expensecategory", rows) == ()  # omitted columns are null


def test_soap_fields_present_in_no_row_are_unknown() -> None:
    source = SoapSource(client=None)
    rows = [{"id": 1, "email": "a@x", "rolesforsearch": None}, {"id": 2, "email": None, "rolesforsearch": None}]
    unknown = source.unknown_columns("employee", rows)
    assert "rolesforsearch" in unknown and "email" not in unknown
    assert source.unknown_columns("employee", []) == ()  # no rows: nothing to be unknown about


def _soap_only(data: dict[str, Any]) -> dict[str, Any]:
    find(data["roles"], id=1001)["permissions"].pop("ADMI_RESTWEBSERVICES", None)
    return data


def test_soap_read_returns_employee_roles_and_token_role_passes() -> None:
    outcome = audit(_soap_only(account_data("healthy")), workspace_data("healthy"), checks=("token-role",))
    assert outcome.snapshot.transport == "soap"
    assert "rolesforsearch" not in outcome.snapshot.read("employee").unknown
    assert any(e.rolesforsearch for e in outcome.snapshot.tables.employee or ())
    assert not [f for f in outcome.findings if f.status == Status.FAIL]


def test_roles_not_returned_is_unverifiable_never_no_roles_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    from netsuite_audit.simulator import soap

    answer = soap._record
    # The search answers body fields only, whatever nsaudit asked (a role or endpoint that leaves
    # the rolesList sublist out).
    monkeypatch.setattr(soap, "_record", lambda row, table, tag, body_fields_only=False: answer(row, table, tag, True))
    outcome = audit(_soap_only(account_data("healthy")), workspace_data("healthy"), checks=("token-role",))
    assert "rolesforsearch" in outcome.snapshot.read("employee").unknown
    user = [f for f in outcome.findings if f.subject and f.subject.kind == "employee"]
    assert [f.status for f in user] == [Status.UNVERIFIABLE]
    assert "no roles at all" not in user[0].message and user[0].manual
    assert "employee.rolesforsearch" in (user[0].missing or "")
