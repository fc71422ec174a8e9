"""A healthy OneWorld account audited through the command line with the integration's token alone (no
nsaudit RESTlet, no audit profile; a workspace naming the subsidiary, the employees and the tags):
how many checks end with nothing but UNVERIFIABLE, and what the partial verdicts and inferences prove.

Account: fixtures/accounts/token-only.json (the healthy company, subsidiaries in USD, CAD, GBP and
EUR, no RESTlet). Workspace: fixtures/workspaces/token-only.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netsuite_audit.simulator.server import SimServer
from tests.support.cli_audit import audit_cli, only_unverifiable
from tests.support.e2e import FIXTURES, account_data, serve

WORKSPACE = FIXTURES / "workspaces" / "token-only.toml"


@pytest.fixture
def token_only() -> Iterator[SimServer]:
    with serve(account_data("token-only")) as server:
        yield server


def test_the_account_has_no_restlet_and_the_workspace_states_no_setting() -> None:
    assert account_data("token-only")["restlet"] is None
    text = WORKSPACE.read_text()
    assert "[netsuite]" not in text and "[forms]" not in text and "[restlet]" not in text


def test_token_only_audit_leaves_at_most_7_checks_unverified(token_only: SimServer, tmp_path: Path) -> None:
    code, text, findings = audit_cli(token_only, tmp_path, WORKSPACE)
    assert code == 0
    # the text report says what would verify the rest, grouped by what the admin can do
    said = " ".join(text.split())
    assert "To verify the rest: deploy the nsaudit RESTlet" in said and "answer nsaudit init: " in said
    assert "give an audit profile (--audit-profile): 2 checks" in said  # the ids with --verbose
    unverified = only_unverifiable(findings)
    assert len(unverified) <= 7, unverified  # 11 before partial verdicts and inferences (issue 23)
    for judged in ("classification-available", "project-resources", "multi-currency", "category-subsidiary"):
        assert judged not in unverified


def test_classification_available_judges_classes_departments_and_locations(token_only: SimServer,
                                                                          tmp_path: Path) -> None:
    _, _, findings = audit_cli(token_only, tmp_path, WORKSPACE)
    mine = [f for f in findings if f["check_id"] == "classification-available"]
    assert [f["status"] for f in mine] == ["UNVERIFIABLE", "PASS"]
    unknown, judged = mine
    assert "TIMEEXPENSEJOBONLY" in unknown["message"]
    assert "Show Projects Only For Time And Expenses" in unknown["message"]
    assert unknown["subject"]["id"] == "TIMEEXPENSEJOBONLY"
    assert judged["message"].startswith("Judged: the 3 classes, 4 departments and 4 locations in use")
    assert judged["evidence"]["judged"] == {"classification": 3, "department": 4, "location": 4}


def test_multiple_currencies_is_inferred_and_says_so(token_only: SimServer, tmp_path: Path) -> None:
    _, _, findings = audit_cli(token_only, tmp_path, WORKSPACE)
    (multi,) = [f for f in findings if f["check_id"] == "multi-currency"]
    assert multi["status"] == "PASS"
    assert multi["evidence"]["MULTICURRENCY_source"] == "netsuite-data"
    assert multi["evidence"]["MULTICURRENCY_inferred"].startswith(
        "inferred: subsidiaries use CAD, EUR, GBP and USD, which NetSuite allows only with Multiple Currencies on")


def test_one_currency_leaves_multiple_currencies_unverified(tmp_path: Path) -> None:
    data = account_data("token-only")
    for sub in data["subsidiaries"]:
        sub["currency"] = 1
    with serve(data) as server:
        _, _, findings = audit_cli(server, tmp_path, WORKSPACE)
    assert "multi-currency" in only_unverifiable(findings)  # nothing certain to infer from: never a guess
