"""Runs every fixtures/checks/<check>/<case>.json through the real engine."""

from __future__ import annotations

import pytest

from netsuite_audit.audit.registry import load_checks
from tests.support.check_cases import assert_expected, load_cases, run_case

CHECKS = {c.meta.id: c for c in load_checks()}
CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.check_id}/{c.name}" for c in CASES])
def test_case(case) -> None:
    assert case.check_id in CHECKS, f"fixture folder {case.check_id} names no check"
    assert_expected(case, run_case(CHECKS[case.check_id], case))


# Checks that need no value read from NetSuite records: what they judge comes from the workspace,
# the pending reports or a login probe, whose absence their own fixtures (nodata, unverifiable) cover.
NO_NETSUITE_COLUMNS = {
    "expensify-tags": "matches names over every name column a table has; names not returned make it unverifiable",
    "account-id-form": "judges the account id typed in the workspace",
    "approval-levels": "judges the workspace approval settings (setting unknown: unverifiable.json)",
    "stated-settings-age": "judges the dates the workspace records for stated settings, nothing NetSuite returns",
    "card-vendor": "judges the workspace card vendor; a vendor list it cannot read is its nodata case",
    "classification-query": "judges the query answers themselves (alt_reads), not their columns",
    "custom-field-ids": "judges script ids written in the workspace",
    "default-vendor": "judges the workspace default vendor setting",
    "login": "judges the login probes",
    "merchant-characters": "judges merchant names on pending reports",
    "multi-currency": "judges the MULTICURRENCY feature (unknown: unverifiable.json)",
    "report-negative-total": "judges pending report amounts",
    "soap-retirement": "judges the workspace connection's SOAP use against Oracle's dates",
    "soap-version": "judges the SOAP endpoint version nsaudit called (the login record)",
    "tba-retirement": "judges the workspace connection's login method against Oracle's dates",
    "tax-mapping": "judges the workspace tax settings (tax list unreadable: its unverifiable case)",
    "transaction-forms": "judges recorded form layouts (unrecorded: unrecorded.json)",
    "workspace-references": "a name column not returned makes a name reference unknown (unknown-names.json)",
}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_check_has_a_case_for_a_value_not_returned(check_id: str) -> None:
    """Unknown is never empty: each check that needs a NetSuite column has a fixture where the read
    did not return it and the check says UNVERIFIABLE; the others say why they need none."""
    meta = CHECKS[check_id].meta
    names = {c.name for c in CASES if c.check_id == check_id}
    partial = [ref for ref in meta.partial_columns
               if not any(ref.split(".")[1] in c.data.get("snapshot", {}).get("unknown", {}).get(ref.split(".")[0], ())
                          for c in CASES if c.check_id == check_id)]
    assert not partial, f"{check_id}: add a case whose snapshot leaves out each of {partial} (a partial verdict)"
    if meta.columns:
        assert "unknown-column" in names, f"fixtures/checks/{check_id}/unknown-column.json is missing"
    elif not meta.partial_columns:
        assert check_id in NO_NETSUITE_COLUMNS, f"{check_id}: declare META.columns or say why it needs none"


@pytest.mark.parametrize("check_id", sorted(c for c in CHECKS if CHECKS[c].meta.columns))
def test_each_declared_column_not_returned_is_unverifiable(check_id: str) -> None:
    """Whichever declared column a read leaves out, the check reports UNVERIFIABLE naming it, never
    PASS or FAIL on the stand-in default."""
    from netsuite_audit.audit.model import Status
    from tests.support.check_cases import Case

    base = next(c for c in CASES if c.check_id == check_id and c.name == "unknown-column")
    for ref in CHECKS[check_id].meta.columns:
        table, column = ref.split(".")
        data = {**base.data, "snapshot": {**base.data.get("snapshot", {}), "unknown": {table: [column]}}}
        findings = run_case(CHECKS[check_id], Case(check_id, "generated", base.path, data))
        assert [f.status for f in findings] == [Status.UNVERIFIABLE], (ref, findings)
        assert ref in findings[0].message and findings[0].manual, ref
