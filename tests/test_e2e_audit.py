"""The audit end to end over real HTTP: the simulator on loopback, the real clients, the real checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Status
from netsuite_audit.audit.registry import load_checks
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.snapshot import AccountSnapshot
from tests.support.e2e import account_data, audit, find, workspace_data


def test_healthy_account_has_no_failures() -> None:
    outcome = audit(account_data("healthy"), workspace_data("healthy"))
    bad = [(f.check_id, f.status.value, f.message) for f in outcome.findings
           if f.status in (Status.FAIL, Status.ERROR)]
    assert not bad
    assert outcome.snapshot.transport == "rest"
    assert outcome.snapshot.login.rest_ok and outcome.snapshot.login.soap_ok


def test_live_and_offline_audits_are_identical(tmp_path: Path) -> None:
    outcome = audit(account_data("demo"), workspace_data("demo"))
    saved = tmp_path / "snapshot.json"
    saved.write_text(outcome.snapshot.to_json())
    reloaded = AccountSnapshot.load(saved)
    assert reloaded == outcome.snapshot
    offline, _ = run_checks(load_checks(), reloaded, Workspace.model_validate(workspace_data("demo")))
    assert offline == outcome.findings


def test_reads_stay_within_the_concurrency_limit() -> None:
    outcome = audit(account_data("healthy"), workspace_data("healthy"), latency_ms=20, concurrency=4)
    counters = outcome.server.account.counters
    assert counters.max_in_flight <= 4
    assert counters.write_attempts == 0


@pytest.mark.parametrize(
    ("patch", "cause"),
    [
        (lambda d: find(d["tokens"], id=1).update(revoked=True), "token revoked"),
        (lambda d: find(d["roles"], id=1001).update(inactive=True), "role inactive"),
        (lambda d: find(d["integrations"], id=1).update(state="blocked"), "integration blocked"),
    ],
)
def test_login_failure_is_ns0109_and_everything_else_unverifiable(patch, cause) -> None:
    data = account_data("healthy")
    patch(data)
    outcome = audit(data, workspace_data("healthy"), audit_token=None)
    login = outcome.by_check("login")
    assert [f.status for f in login] == [Status.FAIL], cause
    assert login[0].code == "NS0109"
    needs_netsuite = {c.meta.id for c in load_checks() if c.meta.needs_login}
    others = [f for f in outcome.findings if f.check_id in needs_netsuite]
    assert others and all(f.status == Status.UNVERIFIABLE for f in others), cause


def test_wrong_account_id_is_refused() -> None:
    data = account_data("healthy")
    data["account_id"] = data["account_id"] + "_SB1"  # the account is a sandbox...
    outcome = audit(data, workspace_data("healthy"), audit_token=None, account=data["account_id"][:-4])
    login = outcome.by_check("login")[0]  # ...but the credentials name production
    assert login.status == Status.FAIL and login.code == "NS0109"


def test_clock_skew_is_diagnosed_not_blamed_on_the_account() -> None:
    outcome = audit(account_data("healthy"), workspace_data("healthy"), audit_token=None, clock_offset=900)
    login = outcome.by_check("login")[0]
    assert login.status == Status.UNVERIFIABLE
    assert "clock" in login.message.lower()


def _without_rest(data: dict) -> dict:
    role = find(data["roles"], id=1001)
    role["permissions"].pop("ADMI_RESTWEBSERVICES", None)
    return data


def test_rest_refused_falls_back_to_soap_with_the_same_records() -> None:
    rest = audit(account_data("demo"), workspace_data("demo"))
    soap = audit(_without_rest(account_data("demo")), workspace_data("demo"))
    assert rest.snapshot.transport == "rest" and soap.snapshot.transport == "soap"
    from netsuite_audit.netsuite.soap_records import NOT_IN_SOAP
    from netsuite_audit.netsuite.tables import TABLES

    for table, spec in TABLES.items():
        if spec.soap_record is None or rest.snapshot.tables.get(table) is None:
            continue
        assert soap.snapshot.read(table).via == "soap", table
        absent = set(NOT_IN_SOAP.get(table, ()))  # no SOAP field: not returned over SOAP
        over_soap = [row.model_dump(exclude=absent) for row in soap.snapshot.tables.get(table) or ()]
        over_rest = [row.model_dump(exclude=absent) for row in rest.snapshot.tables.get(table) or ()]
        assert over_soap == over_rest, table
    # The report says REST is unavailable (a WARN naming the permission), never NS0109.
    login = soap.by_check("login")
    assert [f.status for f in login] == [Status.WARN] and login[0].code is None
    assert "ADMI_RESTWEBSERVICES" in (login[0].message + str(login[0].evidence) + (login[0].missing or ""))


def test_seed_findings_agree_over_rest_and_soap() -> None:
    seeds = ("project-active", "classification-available")
    rest = audit(account_data("demo"), workspace_data("demo"), checks=seeds)
    soap = audit(_without_rest(account_data("demo")), workspace_data("demo"), checks=seeds)
    # SOAP has no search for the project statuses: whether a project is in a Closed status is unknown
    # over SOAP (never a PASS), while every FAIL agrees
    unknown = [f for f in soap.findings if f.status == Status.UNVERIFIABLE]
    assert [(f.check_id, f.evidence.get("table")) for f in unknown] == [("project-active", "jobstatus")]
    assert rest.problems() == soap.problems() - {("UNVERIFIABLE", "NS0770", None)}
    assert any(code == "NS0770" for _, code, _ in rest.problems())
    assert any(code == "NS0831" for _, code, _ in rest.problems())


def test_soap_refused_is_ns0109_family_and_rest_still_reads() -> None:
    data = account_data("healthy")
    find(data["roles"], id=1001)["permissions"].pop("ADMI_WEBSERVICES")
    outcome = audit(data, workspace_data("healthy"))
    login = outcome.by_check("login")
    assert login[0].status == Status.FAIL and login[0].code in ("NS0739", "NS0109")
    assert outcome.snapshot.transport == "rest"
