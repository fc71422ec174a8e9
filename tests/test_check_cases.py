"""Runs every fixtures/checks/<check>/<case>.json through the real engine."""

from __future__ import annotations

import pytest

from netsuite_audit.audit.registry import load_checks
from tests.check_cases import assert_expected, load_cases, run_case

CHECKS = {c.meta.id: c for c in load_checks()}
CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.check_id}/{c.name}" for c in CASES])
def test_case(case) -> None:
    assert case.check_id in CHECKS, f"fixture folder {case.check_id} names no check"
    assert_expected(case, run_case(CHECKS[case.check_id], case))
