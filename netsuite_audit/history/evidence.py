"""The evidence pack for one review period: the integration identities seen, the integration role's
permission changes between runs, the findings opened and closed, the runs behind each statement
(time and snapshot digest), scope and limitations, a reviewer sign-off block, and a chart of open
findings over time. ``render_html`` / ``render_markdown`` / ``render_csv`` word the same pack."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from netsuite_audit import __version__
from netsuite_audit.history import schema
from netsuite_audit.history.queries import Run, Timeline, load_runs, timelines
from netsuite_audit.history.store import HistoryStore

LIMITATIONS = (
    "Only runs recorded in this history database are covered; a day without a run is a day nothing "
    "was checked.",
    "A finding counts as fixed only when a later run logged in and ran its check; runs that could not "
    "check it neither open nor close it.",
    "The role's permission list is compared only between runs that read it (an audit profile with Bulk "
    "Manage Roles); other runs record only the levels the integration token proved.",
    "Identities come from NetSuite's access-token list (Access Token Management) and the OAuth 2.0 token "
    "nsaudit used; dates and certificate expiry the snapshot does not carry are shown as 'not read'.",
    "nsaudit reads NetSuite and Expensify only; it never changes either. The digest of each run is the "
    "SHA-256 of the snapshot its findings came from: keep the snapshots to trace a statement to its data.",
)


@dataclass(frozen=True)
class Identity:
    account_id: str
    kind: str
    ident: str
    name: str | None
    application: str | None
    user_name: str | None
    role_name: str | None
    states: tuple[str, ...]  # each state in the order seen
    created: str | None
    revoked: str | None
    certificate_expiry: str | None
    first: Run
    last: Run


@dataclass(frozen=True)
class PermissionChange:
    account_id: str
    permkey: str
    name: str | None
    before: str | None  # None: not granted
    after: str | None
    was: Run
    now: Run


@dataclass(frozen=True)
class Movement:
    """A finding opened or closed in the period, with the run that shows it."""

    timeline: Timeline
    event: str  # opened, came back, fixed
    run: Run


@dataclass(frozen=True)
class EvidencePack:
    start: date
    end: date
    account: str | None
    database: str
    runs: tuple[Run, ...]
    identities: tuple[Identity, ...]
    permission_changes: tuple[PermissionChange, ...]
    permission_runs: int  # runs in the period that read the role's permission list
    movements: tuple[Movement, ...]
    open_at_end: tuple[Timeline, ...]
    limitations: tuple[str, ...] = LIMITATIONS
    generated_at: datetime | None = None
    version: str = __version__


def build_pack(store: HistoryStore, start: date, end: date, account: str | None = None) -> EvidencePack:
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
    everything = load_runs(store, account=account, until=until)
    period = [r for r in everything if start <= r.day <= end]
    items = timelines(store, everything)
    movements: list[Movement] = []
    for t in items:
        for n, episode in enumerate(t.episodes):
            if start <= episode.opened.day <= end:
                movements.append(Movement(t, "came back" if n else "opened", episode.opened))
            if episode.closed is not None and start <= episode.closed.day <= end:
                movements.append(Movement(t, "fixed", episode.closed))
    movements.sort(key=lambda m: (m.run.started_at, m.timeline.code or "", m.timeline.fingerprint))
    open_at_end = tuple(sorted((t for t in items if _open_at(t, period)),
                               key=lambda t: (t.account_id, t.code or "", t.fingerprint)))
    changes, read = _permission_changes(store, everything, start)
    return EvidencePack(start=start, end=end, account=account, database=store.label, runs=tuple(period),
                        identities=tuple(_identities(store, period)), permission_changes=tuple(changes),
                        permission_runs=read, movements=tuple(movements), open_at_end=open_at_end,
                        generated_at=datetime.now(UTC))


def _open_at(t: Timeline, period: Sequence[Run]) -> bool:
    """Present in the account's last run of the period."""
    last = [r for r in period if r.account_id == t.account_id]
    if not last:
        return False
    final = last[-1]
    for episode in t.episodes:
        if episode.opened.started_at <= final.started_at and (
                episode.closed is None or episode.closed.started_at > final.started_at):
            return True
    return False


def _identities(store: HistoryStore, period: Sequence[Run]) -> list[Identity]:
    by_id = {r.id: r for r in period}
    if not by_id:
        return []
    rows: dict[tuple[str, str, str], list[tuple[Run, Any]]] = defaultdict(list)
    with store.connect() as conn:
        query = select(schema.identities).where(schema.identities.c.run_id.in_(list(by_id)))
        for row in conn.execute(query).mappings():
            run = by_id[row["run_id"]]
            rows[(run.account_id, row["kind"], row["ident"])].append((run, row))
    out = []
    for (account, kind, ident), seen in rows.items():
        seen.sort(key=lambda pair: pair[0].started_at)
        latest = seen[-1][1]
        states = tuple(dict.fromkeys(row["state"] or "unknown" for _, row in seen))

        def last_known(column: str, seen: list[tuple[Run, Any]] = seen) -> str | None:
            return next((row[column] for _, row in reversed(seen) if row[column]), None)

        out.append(Identity(account, kind, ident, latest["name"], latest["application"], latest["user_name"],
                            latest["role_name"], states, last_known("created"), last_known("revoked"),
                            last_known("certificate_expiry"), seen[0][0], seen[-1][0]))
    out.sort(key=lambda i: (i.account_id, i.kind, i.name or "", i.ident))
    return out


def _permission_changes(store: HistoryStore, runs: Sequence[Run], start: date) -> tuple[list[PermissionChange], int]:
    """Changes between consecutive runs that read the whole list; the last such run before the period
    is the starting point, so a change on its first day is seen."""
    readers: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if run.permissions_read:
            readers[run.account_id].append(run)
    chosen: list[Run] = []
    for account_runs in readers.values():
        earlier = [r for r in account_runs if r.day < start]
        chosen += earlier[-1:] + [r for r in account_runs if r.day >= start]
    levels: dict[int, dict[str, tuple[str | None, str | None]]] = defaultdict(dict)
    if chosen:
        with store.connect() as conn:
            query = select(schema.role_permissions).where(schema.role_permissions.c.run_id.in_([r.id for r in chosen]))
            for row in conn.execute(query).mappings():
                levels[row["run_id"]][row["permkey"]] = (row["level"], row["name"])
    out: list[PermissionChange] = []
    in_period = 0
    per_account: dict[str, list[Run]] = defaultdict(list)
    for run in chosen:
        per_account[run.account_id].append(run)
        in_period += run.day >= start
    for account, account_runs in per_account.items():
        for was, now in pairwise(account_runs):
            old, new = levels[was.id], levels[now.id]
            for key in sorted(old.keys() | new.keys()):
                before = old.get(key, (None, None))[0]
                after = new.get(key, (None, None))[0]
                if _granted(before) != _granted(after):
                    name = (new.get(key) or old.get(key) or (None, None))[1]
                    out.append(PermissionChange(account, key, name, _granted(before), _granted(after), was, now))
    return out, in_period


def _granted(level: str | None) -> str | None:
    return None if level in (None, "None") else level


# ---- chart -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: tuple[tuple[str, str], ...]  # (account, SVG points)
    dots: tuple[tuple[float, float, str], ...]  # x, y, title
    y_ticks: tuple[tuple[float, int], ...]
    x_labels: tuple[tuple[float, str], ...]
    left: int = 48
    bottom: int = 24


def chart(pack: EvidencePack, width: int = 640, height: int = 220) -> Chart | None:
    """Open findings (FAIL, WARN, MUTED) per run over the period, one line per account."""
    if not pack.runs:
        return None
    left, bottom, top, right = 48, 24, 12, 12
    start = datetime.combine(pack.start, time(), tzinfo=UTC)
    span = max((datetime.combine(pack.end + timedelta(days=1), time(), tzinfo=UTC) - start).total_seconds(), 1)
    peak = max(max(r.open_findings for r in pack.runs), 1)

    def x(run: Run) -> float:
        return round(left + (width - left - right) * (run.started_at - start).total_seconds() / span, 1)

    def y(value: int) -> float:
        return round(height - bottom - (height - bottom - top) * value / peak, 1)

    lines, dots = [], []
    per_account: dict[str, list[Run]] = defaultdict(list)
    for run in pack.runs:
        per_account[run.account_id].append(run)
    for account, runs in per_account.items():
        lines.append((account, " ".join(f"{x(r)},{y(r.open_findings)}" for r in runs)))
        dots += [(x(r), y(r.open_findings), f"{account} {r.brief()}: {r.open_findings} open") for r in runs]
    ticks = tuple((y(v), v) for v in sorted({0, peak // 2, peak}))
    labels = ((float(left), pack.start.isoformat()), (float(width - right), pack.end.isoformat()))
    return Chart(width, height, tuple(lines), tuple(dots), ticks, labels)


# ---- rendering ---------------------------------------------------------------------------------------------
def render_html(pack: EvidencePack) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("netsuite_audit", "templates"), autoescape=select_autoescape(["j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("evidence.html.j2").render(pack=pack, chart=chart(pack), level=_level)


def _level(value: str | None) -> str:
    return value if value is not None else "not granted"


def _md(text: object) -> str:
    from netsuite_audit.render.safe import markdown_text

    return markdown_text("" if text is None else str(text), table=True)


def render_markdown(pack: EvidencePack) -> str:
    scope = f"account {pack.account}" if pack.account else "every account in the history"
    out = [f"# nsaudit evidence pack: {pack.start.isoformat()} to {pack.end.isoformat()}", "",
           f"Scope: {scope}; {len(pack.runs)} run(s) in the period, from the history database {_md(pack.database)}. "
           f"Made by nsaudit {pack.version}" + (f" on {pack.generated_at:%Y-%m-%d %H:%M} UTC." if pack.generated_at
                                                 else "."), ""]
    out += ["## Integration identities seen", ""]
    if pack.identities:
        out += ["| account | kind | name | integration record | user | role | state | created | revoked | "
                "certificate expiry | first seen | last seen |", "|" + " --- |" * 12]
        out += [f"| {_md(i.account_id)} | {_md(i.kind)} | {_md(i.name)} | {_md(i.application)} | {_md(i.user_name)} "
                f"| {_md(i.role_name)} | {_md(' -> '.join(i.states))} | {_md(i.created or 'not read')} "
                f"| {_md(i.revoked or 'not read')} | {_md(i.certificate_expiry or 'not read')} "
                f"| {i.first.brief()} | {i.last.brief()} |" for i in pack.identities]
    else:
        out.append("No identity was read in the period (the token list needs Access Token Management).")
    out += ["", "## Integration role: permission changes", ""]
    if pack.permission_changes:
        out += ["| account | permission | before | after | between runs |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {_md(c.account_id)} | {_md(c.permkey)} {_md(c.name or '')} | {_level(c.before)} | "
                f"{_level(c.after)} | {c.was.brief()} and {c.now.brief()} |" for c in pack.permission_changes]
    elif pack.permission_runs:
        out.append(f"No change: {pack.permission_runs} run(s) in the period read the role's permission list.")
    else:
        out.append("Not known: no run in the period read the role's permission list (needs an audit profile).")
    out += ["", "## Findings opened and closed", ""]
    if pack.movements:
        out += ["| date | account | code | finding | event | run |", "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| {m.run.day.isoformat()} | {_md(m.timeline.account_id)} | {_md(m.timeline.code or '')} | "
                f"{_md(m.timeline.title)} ({_md(m.timeline.fingerprint)}) | {m.event} | {m.run.brief()} |"
                for m in pack.movements]
    else:
        out.append("No finding was opened or closed in the period.")
    out += ["", f"Open at the end of the period: {len(pack.open_at_end)} finding(s).", ""]
    out += [f"- {_md(t.account_id)} {_md(t.code or t.check_id)} {_md(t.title)} ({_md(t.fingerprint)}), "
            f"{t.status}, first seen {t.first_seen.brief()}" for t in pack.open_at_end]
    out += ["", "## Runs backing these statements", "",
            "| time (UTC) | account | source | exit | open findings | snapshot SHA-256 |",
            "| --- | --- | --- | --- | --- | --- |"]
    out += [f"| {r.started_at:%Y-%m-%d %H:%M} | {_md(r.account_id)} | {_md(r.source)} | {r.exit_code} | "
            f"{r.open_findings} | {r.snapshot_sha256} |" for r in pack.runs]
    out += ["", "## Scope and limitations", ""] + [f"- {line}" for line in pack.limitations]
    out += ["", "## Reviewer sign-off", "", "I reviewed the identities, permission changes and findings above "
            "and the follow-up of each exception.", "", "| | |", "| --- | --- |", "| Reviewer | |",
            "| Title | |", "| Date | |", "| Signature | |", "| Exceptions and follow-up | |", ""]
    return "\n".join(out)


class _SafeWriter:
    """csv.writer whose every cell goes through render.csv_out.safe_cell (no formulas, no controls)."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, cells: Sequence[object]) -> None:
        from netsuite_audit.render.csv_out import safe_cell

        self._writer.writerow([safe_cell(c) for c in cells])


def render_csv(pack: EvidencePack) -> str:
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    writer.writerow(["section", "account", "item", "detail", "date", "run_time_utc", "snapshot_sha256"])
    for i in pack.identities:
        writer.writerow(["identity", i.account_id, f"{i.kind} {i.ident} {i.name or ''}".strip(),
                         f"user {i.user_name or 'not read'}; role {i.role_name or 'not read'}; integration record "
                         f"{i.application or 'not read'}; state {' -> '.join(i.states)}; created "
                         f"{i.created or 'not read'}; revoked {i.revoked or 'not read'}; certificate expiry "
                         f"{i.certificate_expiry or 'not read'}",
                         i.last.day.isoformat(), f"{i.last.started_at:%Y-%m-%d %H:%M}", i.last.snapshot_sha256])
    for c in pack.permission_changes:
        writer.writerow(["permission", c.account_id, c.permkey, f"{_level(c.before)} -> {_level(c.after)}",
                         c.now.day.isoformat(), f"{c.now.started_at:%Y-%m-%d %H:%M}", c.now.snapshot_sha256])
    for m in pack.movements:
        writer.writerow(["finding", m.timeline.account_id, f"{m.timeline.code or ''} {m.timeline.fingerprint}".strip(),
                         f"{m.event}: {m.timeline.title}", m.run.day.isoformat(),
                         f"{m.run.started_at:%Y-%m-%d %H:%M}", m.run.snapshot_sha256])
    for r in pack.runs:
        writer.writerow(["run", r.account_id, r.source, f"exit {r.exit_code}; {r.open_findings} open findings",
                         r.day.isoformat(), f"{r.started_at:%Y-%m-%d %H:%M}", r.snapshot_sha256])
    return buffer.getvalue()
