"""Meta-test: every bundled check has valid metadata and the four fixture cases."""

from __future__ import annotations

import pytest

from netsuite_audit.audit.registry import load_checks
from netsuite_audit.catalog import load_catalog
from netsuite_audit.netsuite.tables import TABLES
from tests.support.check_cases import CASES_DIR

CHECKS = load_checks()
REQUIRED_CASES = {"pass", "fail", "unverifiable", "nodata"}


def test_there_are_checks() -> None:
    assert len(CHECKS) >= 1


@pytest.mark.parametrize("check", CHECKS, ids=[c.meta.id for c in CHECKS])
def test_metadata(check) -> None:
    meta = check.meta
    assert meta.title and not meta.title.lower().startswith("ensure"), meta.title
    assert len(meta.title) <= 100
    assert meta.description, f"{meta.id}: describe what the check verifies"
    assert set(meta.reads) <= set(TABLES)
    unknown = [code for code in meta.codes if code not in load_catalog()]
    assert not unknown, f"{meta.id}: codes missing from the catalog: {unknown}"
    assert meta.detection, f"{meta.id}: say how the check learns what it checks"


@pytest.mark.parametrize("check", CHECKS, ids=[c.meta.id for c in CHECKS])
def test_has_cases(check) -> None:
    folder = CASES_DIR / check.meta.id
    names = {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()
    missing = REQUIRED_CASES - names
    # A check that reads nothing from NetSuite cannot be unverifiable for lack of data.
    if not check.meta.reads and not check.meta.optional_reads:
        missing.discard("unverifiable")
    assert not missing, f"{check.meta.id}: add fixtures/checks/{check.meta.id}/{{{','.join(sorted(missing))}}}.json"


def test_check_ids_are_unique_and_match_files() -> None:
    ids = [c.meta.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    for check in CHECKS:
        assert check.path.stem == check.meta.id.replace("-", "_")


# Checks that use the workspace or the reports only to refine a verdict about the account itself: they
# judge NetSuite's own records (or the integration's connection) and have something to judge without
# them. Every other check that reads the workspace or the reports declares it (needs_workspace,
# needs_reports or judges), so the engine reports it "not run" when they are absent, never a PASS that
# judged nothing.
ACCOUNT_WIDE = {
    "employee-duplicate-email": "every email in the account without a workspace",
    "multi-currency": "the account's feature; the workspace only states it when no RESTlet reads it",
    "role-permissions": "the integration role's permissions (default role name without a workspace)",
    "token-role": "the token's role (default role name without a workspace)",
    "soap-retirement": "the connection nsaudit logged in with; the workspace only names its kind",
    "tba-retirement": "the connection nsaudit logged in with; the workspace only names its kind",
}


@pytest.mark.parametrize("check", CHECKS, ids=[c.meta.id for c in CHECKS])
def test_inputs_declared(check) -> None:
    meta = check.meta
    from netsuite_audit.audit.model import Detection

    uses_inputs = {Detection.WORKSPACE, Detection.REPORTS} & set(meta.detection)
    declared = meta.needs_workspace or meta.needs_reports or meta.judges
    if uses_inputs and not declared:
        assert meta.id in ACCOUNT_WIDE, (
            f"{meta.id}: detection names the workspace or reports; declare needs_workspace, needs_reports or "
            "judges=(...) in META (or list it in ACCOUNT_WIDE with what it judges without them)")
    if meta.id in ACCOUNT_WIDE:
        assert not declared, f"{meta.id}: declared its inputs; drop it from ACCOUNT_WIDE"
