"""The engine's guarantees: unreadable tables -> UNVERIFIABLE, a crash -> ERROR, silence -> one PASS,
no login -> UNVERIFIABLE, and catalog fix steps when a check gives none."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import CheckMeta, Finding, Severity, Status
from netsuite_audit.audit.registry import LoadedCheck
from tests.support.check_cases import build_snapshot

META = CheckMeta(id="probe-check", codes=("NS0770",), severity=Severity.HIGH, title="t", description="d",
                 reads=("job",))


def loaded(func, meta: CheckMeta = META) -> LoadedCheck:
    return LoadedCheck(meta=meta, run=func, path=Path("probe_check.py"), builtin=False)


def test_unreadable_table_is_unverifiable_naming_the_permission() -> None:
    called = []
    findings, _ = run_checks([loaded(lambda ctx: called.append(1) or [])],
                             build_snapshot({"unread": {"job": "denied"}}))
    assert not called
    assert [f.status for f in findings] == [Status.UNVERIFIABLE]
    assert "LIST_JOB" in (findings[0].missing or "")


def test_a_crashing_check_is_error_never_pass() -> None:
    def boom(ctx: Context) -> Iterable[Finding]:
        raise KeyError("surprise")

    findings, _ = run_checks([loaded(boom)], build_snapshot(None))
    assert [f.status for f in findings] == [Status.ERROR]
    assert "KeyError" in findings[0].message


def test_silence_is_one_pass() -> None:
    findings, _ = run_checks([loaded(lambda ctx: [])], build_snapshot(None))
    assert [f.status for f in findings] == [Status.PASS]


def test_no_login_makes_every_netsuite_check_unverifiable() -> None:
    snap = build_snapshot({"login": {"rest": {"protocol": "rest", "ok": False, "error": "auth"},
                                     "soap": {"protocol": "soap", "ok": False, "error": "auth"}}})
    findings, _ = run_checks([loaded(lambda ctx: [])], snap)
    assert [f.status for f in findings] == [Status.UNVERIFIABLE]


def test_catalog_fix_fills_in_missing_steps() -> None:
    findings, _ = run_checks([loaded(lambda ctx: [ctx.fail("bad")])], build_snapshot(None))
    assert findings[0].fix, "a FAIL without steps gets the catalog's steps for NS0770"


def test_duplicate_subjects_get_distinct_ids() -> None:
    findings, _ = run_checks([loaded(lambda ctx: [ctx.fail("a"), ctx.fail("b")])], build_snapshot(None))
    assert len({f.id for f in findings}) == 2


def test_the_cycle_collector_waits_for_the_last_check_and_is_left_as_found() -> None:
    seen: list[bool] = []
    checks = [loaded(lambda ctx: seen.append(gc.isenabled()) or []) for _ in range(3)]
    assert gc.isenabled()
    findings, _ = run_checks(checks, build_snapshot(None))
    assert seen == [False, False, False] and gc.isenabled()
    assert [f.status for f in findings] == [Status.PASS] * 3
    gc.disable()
    try:
        run_checks(checks, build_snapshot(None))
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()
