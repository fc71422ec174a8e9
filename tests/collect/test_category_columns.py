"""Expense categories are read over REST with NetSuite's column names (``expenseacct``; no
``includechildren``), so a healthy account never falls back to ``SELECT *`` for them and the category
checks are judged, not UNVERIFIABLE."""

from __future__ import annotations

import pytest

from netsuite_audit.audit.model import Status
from netsuite_audit.netsuite.errors import NetSuiteError
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import ReadState
from tests.support.e2e import account_data, audit, serve, token_credentials, workspace_data


def test_the_category_columns_are_netsuites() -> None:
    columns = TABLES["expensecategory"].columns
    assert "expenseacct" in columns
    assert "account" not in columns and "includechildren" not in columns


def test_the_simulator_knows_expenseacct_and_not_the_guesses() -> None:
    data = account_data("healthy")
    with serve(data) as server:
        creds = token_credentials(server.account.fixture, 1, server.url, "test")
        client = RestClient(creds)
        page = client.suiteql_page("SELECT id, expenseacct FROM expensecategory ORDER BY id", (), limit=1000, offset=0)
        assert page.items and all("expenseacct" in row for row in page.items if row.get("expenseacct"))
        for guess in ("account", "includechildren"):
            with pytest.raises(NetSuiteError, match=r"(?i)unknown identifier"):
                client.suiteql_page(f"SELECT id, {guess} FROM expensecategory", (), limit=1000, offset=0)


def test_a_healthy_account_judges_the_category_checks_over_rest() -> None:
    outcome = audit(account_data("healthy"), workspace_data("healthy"))
    read = outcome.snapshot.reads["expensecategory"]
    assert read.state == ReadState.OK and read.via == "rest"
    assert read.unknown == ()  # no SELECT * fallback: every column was NetSuite's
    for check in ("category-rate-required", "category-subsidiary", "category-active"):
        statuses = {f.status for f in outcome.by_check(check)}
        assert Status.UNVERIFIABLE not in statuses, check
