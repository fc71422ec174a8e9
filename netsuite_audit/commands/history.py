"""`nsaudit history`: the runs recorded, every finding's timeline (first seen, last seen, fixed on,
came back on, days open) and the mean time to fix per code; `nsaudit history evidence`: the evidence
pack of a review period (HTML, Markdown or CSV). See docs/history.md."""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from netsuite_audit.history.queries import History
    from netsuite_audit.history.store import HistoryStore

F = TypeVar("F", bound=Callable[..., Any])


def handle_input_errors(func: F) -> F:
    """Bad input is one line and exit 2; a database that cannot be read is one line and exit 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        from netsuite_audit.history.store import failure_text
        from netsuite_audit.render.output import OutputFailed
        from netsuite_audit.support.errors import InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            click.echo(f"nsaudit: error: {exc}", err=True)
            sys.exit(2)
        except OutputFailed as exc:
            for line in exc.lines:
                click.echo(f"nsaudit: error: {line}", err=True)
            sys.exit(3)
        except SQLAlchemyError as exc:
            click.echo(f"nsaudit: error: the history database could not be read: {failure_text(exc, '')}", err=True)
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


_DATE = click.DateTime(formats=["%Y-%m-%d"])
_CSV_COLUMNS = ("account", "fingerprint", "code", "check", "severity", "title", "status", "last_status",
                "first_seen", "last_seen", "fixed_on", "came_back_on", "days_open", "times_fixed",
                "first_seen_snapshot", "last_seen_snapshot")


def _history_option(func: Any) -> Any:
    return click.option("--history", "history", metavar="URL", envvar="NSAUDIT_HISTORY",
                        help="The history database: a SQLite file or postgresql://... (default: "
                             "history.sqlite3 in the user data directory).")(func)


def _open(value: str | None) -> HistoryStore:
    from netsuite_audit.history.store import HistoryStore, database_url
    from netsuite_audit.support.errors import InputError

    url = database_url(value)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise InputError("no history yet: nothing was recorded here (nsaudit run records every run)",
                         source=url.removeprefix("sqlite:///"))
    return HistoryStore.open(value)


@click.group("history", invoke_without_command=True)
@_history_option
@click.option("--since", type=_DATE, default=None,
              help="Only runs, and findings seen or fixed, from this day (YYYY-MM-DD).")
@click.option("--account", default=None, help="Only this account id (e.g. 1234567_SB1).")
@click.option("--code", default=None, help="Only findings with this NS code (or check id).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="csv: the findings table only.")
@click.pass_context
@handle_input_errors
def history_group(ctx: click.Context, history: str | None, since: Any, account: str | None, code: str | None,
                  fmt: str) -> None:
    """What each run found, what was fixed and when, and what came back.

    \b
    Every `nsaudit run` is recorded (--no-history to skip). A finding is fixed on the first later
    run that ran its check and did not find it; it came back when a run after that found it again.
    """
    if ctx.invoked_subcommand is not None:
        ctx.meta["nsaudit.history"] = history
        return
    from netsuite_audit.history.queries import history as load

    store = _open(history)
    try:
        found = load(store, account=account, code=code, since=since.date() if since else None)
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps({"database": store.label, "runs": [r.as_dict() for r in found.runs],
                               "findings": [t.as_dict() for t in found.timelines],
                               "time_to_fix": [f.as_dict() for f in found.fix_times]}, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        from netsuite_audit.render.csv_out import safe_cell

        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(_CSV_COLUMNS)
        for timeline in found.timelines:
            row = timeline.as_dict()
            writer.writerow([safe_cell(row[c]) for c in _CSV_COLUMNS])
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(render_text(found, store.label), nl=False)


def render_text(found: History, database: str) -> str:
    from netsuite_audit.render.safe import clean_text

    out = [f"History: {clean_text(database)}", "", f"Runs ({len(found.runs)})"]
    out.append(f"  {'time (UTC)':<17} {'account':<14} {'source':<9} {'exit':>4} {'open':>5}  snapshot")
    out += [f"  {r.started_at:%Y-%m-%d %H:%M} {clean_text(r.account_id):<14} {r.source:<9} {r.exit_code:>4} "
            f"{r.open_findings:>5}  {r.snapshot_sha256[:16]}" for r in found.runs]
    accounts = dict.fromkeys(t.account_id for t in found.timelines)
    for account in accounts:
        items = [t for t in found.timelines if t.account_id == account]
        out += ["", f"Findings, account {clean_text(account)} ({len(items)})"]
        for t in items:
            out.append(f"  {t.code or '-':<7} {t.status:<25} days open {t.days_open:<4} first seen "
                       f"{t.first_seen.started_at:%Y-%m-%d %H:%M}, last seen {t.last_seen.started_at:%Y-%m-%d %H:%M}")
            out.append(f"          {clean_text(t.fingerprint)}: {clean_text(t.title)}")
    if not found.timelines:
        out += ["", "No finding recorded" + (" in these runs." if found.runs else ".")]
    out += ["", "Mean time to fix per code"]
    out += [f"  {f.code:<12} {f.mean_days:8.2f} days ({f.fixes} fix{'es' if f.fixes != 1 else ''})"
            for f in found.fix_times] or ["  no finding has been fixed yet"]
    return "\n".join(out) + "\n"


def _pick(fmt: str | None, output: Path | None) -> str:
    from netsuite_audit.support.errors import InputError

    if fmt:
        return fmt
    if output is None:
        return "markdown"
    suffix = output.suffix.lower()
    known = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}
    if suffix not in known:
        raise InputError("give the evidence pack a .html, .md or .csv name, or --format", source=str(output))
    return known[suffix]


@history_group.command("evidence")
@_history_option
@click.option("--from", "start", type=_DATE, required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", type=_DATE, required=True, help="Last day of the period (YYYY-MM-DD), included.")
@click.option("--account", default=None, help="Only this account id.")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown", "csv"]), default=None,
              help="Default: from the -o file name (.html, .md, .csv), else Markdown.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to FILE (replaced atomically) instead of standard output.")
@click.pass_context
@handle_input_errors
def evidence_command(ctx: click.Context, history: str | None, start: Any, end: Any, account: str | None,
                     fmt: str | None, output: Path | None) -> None:
    """The evidence pack of a review period: identities, permission changes, findings opened and
    closed, the runs behind them, scope and limitations, and a reviewer sign-off block."""
    from netsuite_audit.history.evidence import build_pack, render_csv, render_html, render_markdown
    from netsuite_audit.support.errors import InputError

    first, last = start.date(), end.date()
    if last < first:
        raise InputError(f"ends ({last}) before --from ({first})", source="--to")
    kind = _pick(fmt, output)
    store = _open(history or ctx.meta.get("nsaudit.history"))
    try:
        pack = build_pack(store, first, last, account)
    finally:
        store.close()
    text = {"html": render_html, "markdown": render_markdown, "csv": render_csv}[kind](pack)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from netsuite_audit.render.output import write_atomic

    write_atomic(output, text)
    click.echo(f"nsaudit: evidence pack written to {output} ({len(pack.runs)} runs, {first} to {last})", err=True)


