"""Timelines from recorded runs (a real SQLite file): what fixes a finding, what only fails to look,
days open, came back, mean time to fix per code, and the evidence pack's statements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from netsuite_audit.history.evidence import build_pack, render_csv, render_markdown
from netsuite_audit.history.queries import history
from netsuite_audit.history.record import RunRecord
from netsuite_audit.history.store import HistoryStore

T0 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
FP = "currency-valid/currency:4"


def _run(day: int, status: str | None, *, ran: bool = True, login: bool = True, level: str | None = None,
         token_state: str | None = None) -> RunRecord:
    when = T0 + timedelta(days=day)
    findings = () if status is None else ({"fingerprint": FP, "check_id": "currency-valid", "code": "NS0012",
                                           "subject": "currency:4", "status": status, "severity": "high",
                                           "title": "Export currencies exist", "message": "GBP is inactive",
                                           "count": 1},)
    permissions = () if level is None else ({"permkey": "LIST_VENDOR", "role_id": 1001, "role_name": "Expensify",
                                             "name": "Vendors", "level": level, "source": "rolepermissions"},)
    identities = () if token_state is None else ({"kind": "tba-token", "ident": "3", "name": "Expensify token",
                                                  "application": "Expensify", "user_name": "Alex Morgan",
                                                  "role_name": "Expensify", "state": token_state, "created": None,
                                                  "revoked": None, "certificate_expiry": None},)
    return RunRecord(
        run={"account_id": "1234567", "profile": None, "started_at": when, "finished_at": when,
             "nsaudit_version": "0.1.0", "connection_kind": None, "source": "live", "endpoint": None,
             "snapshot_file": None, "snapshot_sha256": f"{day:064x}", "checks_run": 1, "checks_skipped": 0,
             "exit_code": 1 if status else 0, "login_ok": login, "permissions_read": level is not None,
             "tokens_read": token_state is not None},
        checks=({"check_id": "currency-valid", "state": "ran" if ran else "skipped"},),
        findings=findings, permissions=permissions, identities=identities)


def _store(tmp_path: Path, *runs: RunRecord) -> HistoryStore:
    store = HistoryStore.open(str(tmp_path / "h.sqlite3"))
    for run in runs:
        store.record(run)
    return store


def test_only_a_run_that_looked_fixes_a_finding(tmp_path: Path) -> None:
    store = _store(tmp_path,
                   _run(0, "FAIL"),
                   _run(1, None, ran=False),  # the check did not run: proves nothing
                   _run(2, None, login=False),  # no login: proves nothing
                   _run(3, "UNVERIFIABLE"),  # could not verify: proves nothing
                   _run(4, "MUTED"),  # still there, accepted
                   _run(10, None))  # looked, not there: fixed
    (timeline,) = history(store).timelines
    assert timeline.status == "fixed on 2026-01-15" and timeline.days_open == 10
    assert timeline.first_seen.day == date(2026, 1, 5) and timeline.last_seen.day == date(2026, 1, 9)
    store.close()


def test_came_back_days_open_and_mean_time_to_fix(tmp_path: Path) -> None:
    store = _store(tmp_path, _run(0, "FAIL"), _run(4, None), _run(6, "WARN"), _run(8, "FAIL"), _run(12, None),
                   _run(20, "FAIL"), _run(21, "FAIL"))
    found = history(store)
    (timeline,) = found.timelines
    assert timeline.status == "came back on 2026-01-25" and timeline.is_open
    assert timeline.days_open == 4 + 6 + 1  # each stretch open, the last one to the latest run
    (fix,) = found.fix_times
    assert fix.code == "NS0012" and fix.fixes == 2 and fix.mean_days == 5.0  # (4 + 6) / 2
    assert history(store, since=date(2026, 1, 26)).timelines[0].fingerprint == FP  # last seen on the 26th
    assert history(store, code="NS9999").timelines == ()
    assert [r.day.day for r in history(store, since=date(2026, 1, 20)).runs] == [25, 26]
    store.close()


def test_the_evidence_pack_of_a_period(tmp_path: Path) -> None:
    store = _store(tmp_path,
                   _run(0, "FAIL", level="View", token_state="active"),  # before the period: the starting point
                   _run(30, None, level="Full", token_state="active"),  # in the period: fixed, role edited
                   _run(40, "FAIL", token_state="revoked"),  # came back; the list was not read
                   _run(100, None, level=None))  # after the period
    pack = build_pack(store, date(2026, 2, 1), date(2026, 3, 31))
    assert [r.day for r in pack.runs] == [date(2026, 2, 4), date(2026, 2, 14)]
    (change,) = pack.permission_changes
    assert (change.permkey, change.before, change.after) == ("LIST_VENDOR", "View", "Full")
    assert change.was.day == date(2026, 1, 5) and change.now.day == date(2026, 2, 4)
    assert [(m.event, m.run.day) for m in pack.movements] == [("fixed", date(2026, 2, 4)),
                                                            ("came back", date(2026, 2, 14))]
    assert [t.fingerprint for t in pack.open_at_end] == [FP]
    (identity,) = pack.identities
    assert identity.states == ("active", "revoked")
    markdown = render_markdown(pack)
    assert "| 1234567 | LIST_VENDOR Vendors | View | Full |" in markdown and "active -> revoked" in markdown
    assert "Open at the end of the period: 1 finding(s)." in markdown
    rows = render_csv(pack).splitlines()
    assert rows[0] == "section,account,item,detail,date,run_time_utc,snapshot_sha256"
    assert sum(r.startswith("run,") for r in rows) == 2
    empty = build_pack(store, date(2025, 1, 1), date(2025, 1, 31))
    assert empty.runs == () and "No finding was opened or closed in the period." in render_markdown(empty)
    store.close()
