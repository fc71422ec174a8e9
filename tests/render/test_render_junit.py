"""JUnit XML: one test case per check and subject, validated against tests/schemas/junit.xsd."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from netsuite_audit.audit.model import Severity, Status, Subject
from netsuite_audit.render.emit import RENDERERS
from netsuite_audit.render.junit import render_junit
from tests.support.render_sample import HOSTILE_APP, make_finding, sample_connection, sample_findings, sample_result

XSD = Path(__file__).parents[1] / "schemas" / "junit.xsd"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def _case(root: etree._Element, classname: str, name: str) -> etree._Element:
    found = root.findall(f".//testcase[@classname='{classname}'][@name='{name}']")
    assert len(found) == 1, f"{classname}/{name}: {len(found)} test cases"
    return found[0]


def test_valid_against_the_xsd(schema: etree.XMLSchema) -> None:
    root = _parse(render_junit(sample_result()))
    assert schema.validate(root), schema.error_log


def test_the_xsd_rejects_a_broken_report(schema: etree.XMLSchema) -> None:
    root = _parse(render_junit(sample_result()))
    case = root.find(".//testcase")
    assert case is not None
    del case.attrib["name"]
    assert not schema.validate(root)


def test_one_suite_with_counts() -> None:
    root = _parse(render_junit(sample_result()))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert suite.get("name") == "nsaudit" and suite.get("hostname") == "1234567"
    # 9 findings + 1 check not run; failures: 2 high FAIL + 1 medium WARN (fail-on medium)
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "10", "failures": "3", "errors": "1", "skipped": "3"}
    assert root.get("tests") == "10" and root.get("failures") == "3"
    assert len(suite.findall("testcase")) == 10
    assert len(suite.findall("testcase/failure")) == 3
    assert suite.get("timestamp") == "2026-03-02T09:30:00" and suite.get("time") == "42.000"
    props = {p.get("name"): p.get("value") for p in suite.iterfind("properties/property")}
    assert props["account"] == "1234567" and props["environment"] == "production"
    assert props["fail_on"] == "medium" and props["exit_code"] == "3"


def test_failure_carries_code_message_evidence_and_fix() -> None:
    root = _parse(render_junit(sample_result()))
    failure = _case(root, "project-active", "job:100").find("failure")
    assert failure is not None
    assert failure.get("type") == "NS0770"
    assert failure.get("message") == "NS0770: Project Apollo is not active and can't accept expenses."
    text = failure.text or ""
    assert "NS0770 FAIL (high)" in text
    assert 'used_by: ["jane@example.com", "raj@example.com"]' in text
    assert "1. In NetSuite open project Apollo" in text and "2. Choose Sync Now" in text
    assert "subject: job 100 Apollo <Phase 2>" in text  # escaped on the wire, intact once parsed


def test_statuses_map_to_elements() -> None:
    root = _parse(render_junit(sample_result()))
    warn = _case(root, "category-active", "expensecategory:7")
    assert warn.find("failure") is not None  # WARN medium at fail-on medium
    error = _case(root, "employee-match", "employee-match").find("error")
    assert error is not None and "KeyError" in (error.get("message") or "")
    unverifiable = _case(root, "role-permissions", "role:1042").find("skipped")
    assert unverifiable is not None
    assert unverifiable.get("message") == "unverifiable: Setup > Manage Roles (ADMI_MANAGEROLES)"
    muted = _case(root, "category-active", "expensecategory:9").find("skipped")
    assert muted is not None and (muted.get("message") or "").startswith("muted: ")
    assert "muted by ap-team@example.com" in (_case(root, "category-active", "expensecategory:9")
                                              .findtext("system-out") or "")
    passed = _case(root, "currency-valid", "currency-valid")
    assert len(passed) == 0
    not_run = _case(root, "supervisor-valid", "supervisor-valid").find("skipped")
    assert not_run is not None and not_run.get("message") == "not run: needs a workspace file"


def test_below_fail_on_is_reported_not_failing() -> None:
    root = _parse(render_junit(sample_result(fail_on=Severity.MEDIUM)))
    low = _case(root, "class-mandatory", "class-mandatory")
    assert low.find("failure") is None
    assert "below --fail-on medium" in (low.findtext("system-out") or "")
    strict = _parse(render_junit(sample_result(fail_on=Severity.LOW)))
    assert _case(strict, "class-mandatory", "class-mandatory").find("failure") is not None
    assert strict.find("testsuite").get("failures") == "4"  # type: ignore[union-attr]
    lenient = _parse(render_junit(sample_result(fail_on=Severity.CRITICAL)))
    assert lenient.find("testsuite").get("failures") == "0"  # type: ignore[union-attr]


def test_text_xml_cannot_carry_is_replaced(schema: etree.XMLSchema) -> None:
    odd = make_finding("project-active", Status.FAIL, Severity.HIGH, "bell \x07 and nul \x00 here", code="NS0770",
                   subject=Subject(kind="job", id="5\x01", name="x\x1b"), evidence={"raw": "\x0b"})
    root = _parse(render_junit(sample_result([*sample_findings(), odd])))
    assert schema.validate(root), schema.error_log
    failure = _case(root, "project-active", "job:5\ufffd").find("failure")
    assert failure is not None and failure.get("message") == "NS0770: bell \ufffd and nul \ufffd here"


def test_empty_run_is_still_valid(schema: etree.XMLSchema) -> None:
    root = _parse(render_junit(sample_result([])))
    assert schema.validate(root), schema.error_log
    assert root.find("testsuite").get("tests") == "1"  # type: ignore[union-attr]  # the check not run


def test_registered_as_a_format() -> None:
    result = sample_result()
    assert RENDERERS["junit"](result, True) == render_junit(result)


def test_baseline_findings_do_not_fail(schema: etree.XMLSchema) -> None:
    known = make_finding("project-active", Status.FAIL, Severity.HIGH, "old news", code="NS0770",
                         subject=Subject(kind="job", id="7"), baseline=True)
    root = _parse(render_junit(sample_result([known])))
    assert schema.validate(root), schema.error_log
    case = _case(root, "project-active", "job:7")
    assert case.find("failure") is None
    assert "known from the baseline: reported, not failing" in (case.findtext("system-out") or "")


def _props(text: str) -> dict[str, str | None]:
    return {p.get("name"): p.get("value") for p in _parse(text).iterfind("testsuite/properties/property")}


@pytest.mark.parametrize(("case", "kind", "label", "agrees", "account"), [
    ("oauth2-agrees", "oauth2-rest", "OAuth 2.0/REST", "agrees", "The account has no active access token of"),
    ("oauth2-disagrees", "oauth2-rest", "OAuth 2.0/REST", "DISAGREES", "The account still has 1 active access token"),
    ("tba-agrees", "tba-soap", "TBA/SOAP", "agrees", "The account has 1 active access token(s) of 'Expensify'"),
    ("tba-disagrees", "tba-soap", "TBA/SOAP", "DISAGREES", "The account has no active access token of"),
    ("tba-unknown", "tba-soap", "TBA/SOAP", "could not tell", "The access token list could not be read"),
])
def test_properties_name_the_connection_audited(schema: etree.XMLSchema, case: str, kind: str, label: str,
                                                agrees: str, account: str) -> None:
    connection = sample_connection(case)
    text = render_junit(sample_result(connection=connection))
    assert schema.validate(_parse(text)), schema.error_log
    props = _props(text)
    assert props["connection.kind"] == kind and props["connection.label"] == label
    assert props["connection.decided_by"] == connection.decided_by
    assert props["connection.agrees"] == agrees
    assert (props["connection.account"] or "").startswith(account)
    names = list(props)
    assert names.index("provenance.endpoint") < names.index("connection.kind")  # beside the provenance


def test_no_connection_properties_when_none_was_recorded() -> None:
    assert not [name for name in _props(render_junit(sample_result())) if (name or "").startswith("connection.")]


def test_connection_text_is_escaped(schema: etree.XMLSchema) -> None:
    text = render_junit(sample_result(connection=sample_connection("hostile")))
    root = _parse(text)
    assert schema.validate(root), schema.error_log
    assert root.find(".//b") is None and "&lt;b&gt;x&lt;/b&gt;" in text  # markup stays an attribute's text
    assert HOSTILE_APP.split("\x1b")[0] in (_props(text)["connection.account"] or "")
