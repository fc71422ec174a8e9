"""netsuite_audit.audit.settings: RESTlet first, workspace [netsuite] second, else unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from netsuite_audit.audit import settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Severity
from netsuite_audit.audit.references import UnresolvedReference
from netsuite_audit.inputs.pending import Report
from netsuite_audit.inputs.workspace import ExportType, Workspace
from tests.support.check_cases import base_workspace_data, build_snapshot

META = CheckMeta(id="settings-probe", codes=(), severity=Severity.LOW, title="probe", description="probe")


def make(snapshot: dict[str, Any] | None = None, workspace: dict[str, Any] | None = None) -> Context:
    data = base_workspace_data()
    for key, value in (workspace or {}).items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return Context(meta=META, snapshot=build_snapshot(snapshot), workspace=Workspace.model_validate(data),
                   workspace_given=True)


NO_RESTLET = {"restlet": None}


def test_feature_prefers_restlet_over_workspace() -> None:
    ctx = make(workspace={"netsuite": {"multi_currency": False}})
    setting = settings.feature(ctx, "MULTICURRENCY")
    assert (setting.value, setting.source) == (True, "restlet")
    assert setting.on and not setting.off and setting.known


def test_feature_falls_back_to_workspace_then_unknown() -> None:
    ctx = make(NO_RESTLET, {"netsuite": {"multi_currency": False}})
    setting = settings.feature(ctx, "MULTICURRENCY")
    assert (setting.value, setting.source) == (False, "workspace")
    assert setting.off
    unknown = settings.feature(make(NO_RESTLET), "JOBS")
    assert (unknown.value, unknown.source, unknown.known) == (None, "unknown", False)
    assert not unknown.on and not unknown.off


def test_feature_inferred_from_what_was_read_comes_last() -> None:
    # the base snapshot's active subsidiaries use USD, CAD and GBP: only possible with the feature on
    inferred = settings.feature(make(NO_RESTLET), "MULTICURRENCY")
    assert (inferred.value, inferred.source) == (True, "netsuite-data")
    assert inferred.inferred and inferred.inferred.startswith("inferred: subsidiaries use CAD, GBP and USD")
    assert inferred.evidence()["MULTICURRENCY_inferred"] == inferred.inferred
    stated = settings.feature(make(NO_RESTLET, {"netsuite": {"multi_currency": False}}), "MULTICURRENCY")
    assert (stated.value, stated.source, stated.inferred) == (False, "workspace", None)  # a statement wins


def test_feature_missing_from_restlet_uses_workspace() -> None:
    restlet = {"restlet": {"preferences": {}, "features": {"SUBSIDIARIES": True}, "subsidiaries": {}}}
    ctx = make(restlet, {"netsuite": {"intercompany_time_and_expense": True}})
    assert settings.feature(ctx, "INTERCOMPANYTIMEEXPENSE").source == "workspace"


@pytest.mark.parametrize(("raw", "expected"), [("T", True), ("F", False), (" t ", True), (True, True),
                                               ("WARN", "WARN")])
def test_preference_normalises_checkbox_strings(raw: Any, expected: Any) -> None:
    restlet = {"restlet": {"preferences": {"JOURNALAPPROVALS": raw}, "features": {}, "subsidiaries": {}}}
    assert settings.preference(make(restlet), "JOURNALAPPROVALS").value == expected


def test_preference_null_in_restlet_falls_back() -> None:
    restlet = {"restlet": {"preferences": {"DATEPERIODMISMATCH": None}, "features": {}, "subsidiaries": {}}}
    ctx = make(restlet, {"netsuite": {"transaction_date_outside_period": "disallow"}})
    setting = settings.preference(ctx, "DATEPERIODMISMATCH")
    assert (setting.value, setting.source) == ("disallow", "workspace")
    assert settings.date_outside_period_policy(setting) == "disallow"


@pytest.mark.parametrize(("value", "policy"), [("WARN", "warn"), ("Allow", "allow"), ("DISALLOW", "disallow"),
                                               ("whatever", "unknown"), (None, "unknown"), (True, "unknown")])
def test_date_outside_period_policy(value: Any, policy: str) -> None:
    setting = settings.Setting("DATEPERIODMISMATCH", value, "restlet")
    assert settings.date_outside_period_policy(setting) == policy


def test_is_oneworld_sources() -> None:
    assert settings.is_oneworld(make()) is True  # RESTlet SUBSIDIARIES
    assert settings.is_oneworld(make(NO_RESTLET)) is True  # subsidiary rows were read
    non_oneworld = {"restlet": None, "unread": {"subsidiary": "unavailable"}}
    assert settings.is_oneworld(make(non_oneworld)) is None
    assert settings.is_oneworld(make(non_oneworld, {"netsuite": {"oneworld": False}})) is False


def test_workspace_subsidiary_by_id_or_name() -> None:
    assert settings.workspace_subsidiary(make()).id == 1  # type: ignore[union-attr]
    canada = settings.workspace_subsidiary(make(workspace={"subsidiary": "Canada"}))
    assert canada is not None and canada.id == 2 and settings.is_canadian(canada)
    with pytest.raises(UnresolvedReference):
        settings.workspace_subsidiary(make(workspace={"subsidiary": "Nowhere"}))
    assert settings.workspace_subsidiary(make({"unread": {"subsidiary": "denied"}})) is None


def test_tax_required_restlet_then_canada() -> None:
    assert settings.tax_required(make(), 2).value is True
    assert settings.tax_required(make(), 1).value is False
    no_restlet = make(NO_RESTLET)
    assert (settings.tax_required(no_restlet, 2).value, settings.tax_required(no_restlet, 2).source) == (
        True, "netsuite-data")
    assert settings.tax_required(no_restlet, 3).known is False
    assert settings.tax_required(no_restlet, None).known is False


def test_manual_step_names_the_workspace_field() -> None:
    steps = settings.manual_step("TIMEEXPENSEJOBONLY")
    assert "Time & Expenses" in steps[0]
    assert "show_projects_only_for_time_and_expenses" in steps[1]
    assert "RESTlet" in settings.missing_text("JOURNALAPPROVALS")
    assert settings.manual_step("SOMETHINGELSE") == ("In NetSuite open the page that holds the setting SOMETHINGELSE.",)


def test_export_types_and_dates() -> None:
    ws = Workspace.model_validate({"export": {"reimbursable": "vendor_bill", "non_reimbursable": "vendor_bill"}})
    assert settings.export_types(ws) == (ExportType.VENDOR_BILL,)
    assert settings.export_types(Workspace()) == (ExportType.EXPENSE_REPORT,)
    assert settings.audit_date(make()) == dt.date(2026, 11, 22)
    report = Report.model_validate({"id": "R1", "employee": "a@example.com", "lines": [
        {"amount": "1", "date": "2026-10-05"}, {"amount": "2"}, {"amount": "3", "date": "2026-09-30"}]})
    assert settings.report_dates(report) == (dt.date(2026, 9, 30), dt.date(2026, 10, 5))


def test_setting_evidence() -> None:
    assert settings.Setting("JOURNALAPPROVALS", False, "workspace").evidence() == {
        "JOURNALAPPROVALS": False, "JOURNALAPPROVALS_source": "workspace"}


def _restlet_ids(name: str) -> list[str]:
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "netsuite_audit" / "restlet" / "nsaudit_restlet.js").read_text()
    block = re.search(rf"const {name} = \[(.*?)\];", source, re.S)
    assert block is not None, name
    return re.findall(r"'([A-Z]+)'", block.group(1))


def test_every_restlet_preference_and_feature_can_be_stated_in_the_workspace() -> None:
    from netsuite_audit.inputs.workspace import NetSuiteSettings

    for kind, ids in (("preference", _restlet_ids("PREFERENCES")), ("feature", _restlet_ids("FEATURES"))):
        for key in ids:
            info = settings.SETTINGS.get(key)
            assert info is not None and info.kind == kind, key
            assert info.field in NetSuiteSettings.model_fields, key
    assert len(settings.SETTINGS) == len(_restlet_ids("PREFERENCES")) + len(_restlet_ids("FEATURES"))


def test_docs_list_each_setting_with_the_checks_that_use_it() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    docs = (root / "docs" / "workspace.md").read_text()
    rows = {line.split("|")[2].strip(): line for line in docs.splitlines()
            if line.startswith("| `") and line.count("|") == 6}
    for key, info in settings.SETTINGS.items():
        assert key in rows, f"docs/workspace.md lists no row for {key}"
        row = rows[key]
        assert f"`{info.field}`" in row, key
        for path in sorted((root / "checks").glob("*.py")):
            source = path.read_text()
            if f'"{key}"' in source or (key == "SUBSIDIARIES" and "is_oneworld" in source):
                assert path.stem.replace("_", "-") in row, f"{key}: docs do not name {path.stem}"


def test_a_stated_preference_is_used_when_the_restlet_is_absent() -> None:
    from netsuite_audit.audit.context import Context
    from netsuite_audit.audit.registry import load_checks
    from netsuite_audit.inputs.workspace import NetSuiteSettings, Workspace
    from tests.support.check_cases import build_snapshot

    meta = next(c.meta for c in load_checks() if c.meta.id == "employee-defaults")
    snap = build_snapshot({"restlet": None})
    for key, info in settings.SETTINGS.items():
        value: bool | str = "warn" if key == "DATEPERIODMISMATCH" else True
        ws = Workspace(netsuite=NetSuiteSettings(**{info.field: value}))
        ctx = Context(meta=meta, snapshot=snap, workspace=ws)
        got = settings.preference(ctx, key) if info.kind == "preference" else settings.feature(ctx, key)
        assert got.source == "workspace" and got.value == value, key
        assert not (settings.preference(Context(meta=meta, snapshot=snap), key).known), key


def test_false_from_the_restlet_is_disabled_only_for_a_known_feature_id() -> None:
    ctx = make({"restlet": {"features": {"MULTICURRENCY": False, "NOTAFEATUREID": False}}})
    known = settings.feature(ctx, "MULTICURRENCY")
    assert known.off and not known.assumed
    unknown = settings.feature(ctx, "NOTAFEATUREID")
    assert not unknown.known and not unknown.off
    assert "not read as disabled" in unknown.assumed and "NOTAFEATUREID_assumed" in unknown.evidence()


def test_the_restlets_feature_ids_are_all_in_oracles_list() -> None:
    from netsuite_audit.netsuite import names

    assert names.restlet("features") and all(names.known_feature(f) for f in names.restlet("features"))
    assert not names.known_feature("NOTAFEATUREID")
