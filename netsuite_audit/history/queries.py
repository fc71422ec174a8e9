"""Reading the history back: the runs, and each finding's timeline across them (first seen, last
seen, fixed on, came back on, days open), the mean time to fix per code.

A finding is *present* in a run when it is FAIL, WARN or MUTED there. It is *fixed* in a later run
only when that run logged in, ran its check without an ERROR, and neither found it present nor could
not verify it (UNVERIFIABLE): a run that did not look proves nothing either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import fmean
from typing import Any

from sqlalchemy import select

from netsuite_audit.history import schema
from netsuite_audit.history.store import HistoryStore, aware

PRESENT = frozenset({"FAIL", "WARN", "MUTED"})
_UNKNOWN = frozenset({"UNVERIFIABLE", "ERROR"})
DAY = 86400.0


@dataclass(frozen=True)
class Run:
    id: int
    account_id: str
    profile: str | None
    started_at: datetime
    nsaudit_version: str
    connection_kind: str | None
    source: str
    endpoint: str | None
    snapshot_file: str | None
    snapshot_sha256: str
    checks_run: int
    exit_code: int
    login_ok: bool
    permissions_read: bool
    tokens_read: bool
    open_findings: int = 0

    @property
    def day(self) -> date:
        return self.started_at.date()

    def brief(self) -> str:
        """``2026-04-02 06:00 UTC, snapshot 7e2de174…``: the run a statement rests on."""
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} UTC, snapshot {self.snapshot_sha256[:12]}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "account": self.account_id, "profile": self.profile,
                "started_at": self.started_at.isoformat(), "nsaudit_version": self.nsaudit_version,
                "connection_kind": self.connection_kind, "source": self.source, "endpoint": self.endpoint,
                "snapshot_file": self.snapshot_file, "snapshot_sha256": self.snapshot_sha256,
                "checks_run": self.checks_run, "exit_code": self.exit_code, "login_ok": self.login_ok,
                "open_findings": self.open_findings}


@dataclass(frozen=True)
class Episode:
    """One stretch during which a finding was present: from the run that saw it to the run that found
    it fixed (None while it is still open)."""

    opened: Run
    closed: Run | None = None


@dataclass(frozen=True)
class Timeline:
    account_id: str
    fingerprint: str
    check_id: str
    code: str | None
    severity: str
    title: str
    message: str
    last_status: str
    first_seen: Run
    last_seen: Run
    episodes: tuple[Episode, ...]
    as_of: Run  # the account's latest run: days open of an open finding run to it

    @property
    def is_open(self) -> bool:
        return self.episodes[-1].closed is None

    @property
    def status(self) -> str:
        """open, fixed on DATE, or came back on DATE."""
        last = self.episodes[-1]
        if last.closed is not None:
            return f"fixed on {last.closed.day.isoformat()}"
        if len(self.episodes) > 1:
            return f"came back on {last.opened.day.isoformat()}"
        return "open"

    @property
    def days_open(self) -> int:
        seconds = sum(((e.closed or self.as_of).started_at - e.opened.started_at).total_seconds()
                      for e in self.episodes)
        return int(seconds // DAY)

    def as_dict(self) -> dict[str, Any]:
        last = self.episodes[-1]
        return {"account": self.account_id, "fingerprint": self.fingerprint, "check": self.check_id,
                "code": self.code, "severity": self.severity, "title": self.title, "status": self.status,
                "last_status": self.last_status, "first_seen": self.first_seen.started_at.isoformat(),
                "last_seen": self.last_seen.started_at.isoformat(),
                "fixed_on": last.closed.day.isoformat() if last.closed else None,
                "came_back_on": last.opened.day.isoformat() if len(self.episodes) > 1 and not last.closed else None,
                "days_open": self.days_open, "times_fixed": sum(1 for e in self.episodes if e.closed),
                "first_seen_snapshot": self.first_seen.snapshot_sha256,
                "last_seen_snapshot": self.last_seen.snapshot_sha256}


@dataclass(frozen=True)
class FixTime:
    code: str
    fixes: int
    mean_days: float

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "fixes": self.fixes, "mean_days_to_fix": round(self.mean_days, 2)}


@dataclass(frozen=True)
class History:
    runs: tuple[Run, ...]
    timelines: tuple[Timeline, ...]
    fix_times: tuple[FixTime, ...] = field(default=())


@dataclass
class _Seen:
    status: str
    row: Any


def load_runs(store: HistoryStore, *, account: str | None = None, until: datetime | None = None) -> list[Run]:
    runs, findings = schema.runs, schema.findings
    query = select(runs).order_by(runs.c.account_id, runs.c.started_at, runs.c.id)
    if account:
        query = query.where(runs.c.account_id == account)
    if until is not None:
        query = query.where(runs.c.started_at < until.replace(tzinfo=None))
    with store.connect() as conn:
        rows = conn.execute(query).mappings().all()
        counts: dict[int, int] = defaultdict(int)
        for run_id, status, count in conn.execute(select(findings.c.run_id, findings.c.status, findings.c.count)):
            if status in PRESENT:
                counts[run_id] += count
    return [Run(id=r["id"], account_id=r["account_id"], profile=r["profile"], started_at=aware(r["started_at"]),
                nsaudit_version=r["nsaudit_version"], connection_kind=r["connection_kind"], source=r["source"],
                endpoint=r["endpoint"], snapshot_file=r["snapshot_file"], snapshot_sha256=r["snapshot_sha256"],
                checks_run=r["checks_run"], exit_code=r["exit_code"], login_ok=bool(r["login_ok"]),
                permissions_read=bool(r["permissions_read"]), tokens_read=bool(r["tokens_read"]),
                open_findings=counts.get(r["id"], 0)) for r in rows]


def timelines(store: HistoryStore, runs: Sequence[Run]) -> list[Timeline]:
    """Every finding ever present in ``runs``, with its episodes (runs of one account, oldest first)."""
    ids = [r.id for r in runs]
    if not ids:
        return []
    by_run: dict[int, dict[str, _Seen]] = defaultdict(dict)
    ran: dict[int, set[str]] = defaultdict(set)
    with store.connect() as conn:
        for chunk in _chunks(ids, 500):
            for row in conn.execute(select(schema.findings).where(schema.findings.c.run_id.in_(chunk))).mappings():
                by_run[row["run_id"]][row["fingerprint"]] = _Seen(row["status"], row)
            for run_id, check_id in conn.execute(select(schema.run_checks.c.run_id, schema.run_checks.c.check_id)
                                                 .where(schema.run_checks.c.run_id.in_(chunk),
                                                        schema.run_checks.c.state == "ran")):
                ran[run_id].add(check_id)
    out: list[Timeline] = []
    per_account: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        per_account[run.account_id].append(run)
    for account, account_runs in per_account.items():
        fingerprints = dict.fromkeys(fp for run in account_runs for fp, seen in by_run[run.id].items()
                                     if seen.status in PRESENT)
        out.extend(_timeline(account, fp, account_runs, by_run, ran) for fp in fingerprints)
    return out


def _timeline(account: str, fp: str, runs: Sequence[Run], by_run: dict[int, dict[str, _Seen]],
              ran: dict[int, set[str]]) -> Timeline:
    episodes: list[Episode] = []
    opened: Run | None = None
    first: Run | None = None
    last: Run | None = None
    latest: _Seen | None = None
    for run in runs:
        seen = by_run[run.id].get(fp)
        if seen is not None and seen.status in PRESENT:
            latest, last = seen, run
            first = first or run
            if opened is None:
                opened = run
            continue
        if opened is None or (seen is not None and seen.status in _UNKNOWN):
            continue
        check_id = latest.row["check_id"] if latest is not None else ""
        if run.login_ok and check_id in ran[run.id]:
            episodes.append(Episode(opened, run))
            opened = None
    if opened is not None:
        episodes.append(Episode(opened))
    assert first is not None and last is not None and latest is not None
    row = latest.row
    return Timeline(account_id=account, fingerprint=fp, check_id=row["check_id"], code=row["code"],
                    severity=row["severity"], title=row["title"], message=row["message"], last_status=latest.status,
                    first_seen=first, last_seen=last, episodes=tuple(episodes), as_of=runs[-1])


def fix_times(items: Iterable[Timeline]) -> list[FixTime]:
    """Mean days from a finding's appearance to the run that found it fixed, per code."""
    spans: dict[str, list[float]] = defaultdict(list)
    for timeline in items:
        for episode in timeline.episodes:
            if episode.closed is not None:
                days = (episode.closed.started_at - episode.opened.started_at).total_seconds() / DAY
                spans[timeline.code or timeline.check_id].append(days)
    return [FixTime(code, len(days), fmean(days)) for code, days in sorted(spans.items())]


def history(store: HistoryStore, *, account: str | None = None, code: str | None = None,
            since: date | None = None) -> History:
    """The runs since ``since`` and the findings seen or fixed since then (timelines use every run)."""
    runs = load_runs(store, account=account)
    items = timelines(store, runs)
    if code:
        items = [t for t in items if (t.code or "").upper() == code.upper() or t.check_id == code]
    if since is not None:
        runs = [r for r in runs if r.day >= since]
        items = [t for t in items if t.last_seen.day >= since
                 or any(e.closed is not None and e.closed.day >= since for e in t.episodes)]
    items.sort(key=lambda t: (t.account_id, not t.is_open, t.code or "", t.fingerprint))
    return History(tuple(runs), tuple(items), tuple(fix_times(items)))


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
