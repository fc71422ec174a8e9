"""The nsaudit command line. Heavy imports happen inside commands so `nsaudit --version` stays fast."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from netsuite_audit import __version__

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class FailOn(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


def fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"nsaudit: error: {message}", err=True)
    sys.exit(code)


def handle_input_errors(func: F) -> F:
    """Bad input is one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from netsuite_audit.errors import InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


class LazyGroup(click.Group):
    """A group whose listed sub-commands are imported only when used (keeps start-up fast)."""

    lazy = {
        "explain": "netsuite_audit.catalog.explain:explain_command",
        "sim": "netsuite_audit.simulator.cli:sim",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="nsaudit")
def cli() -> None:
    """Find NetSuite expense-integration failures (NS codes) before the sync does."""


# ---- shared options --------------------------------------------------------------------------------
def _source_options(func: F) -> F:
    options = [
        click.option("--profile", "profile", metavar="NAME", envvar="NSAUDIT_PROFILE",
                     help="Credentials profile (profiles file or keyring). Default: env vars, then 'default'."),
        click.option("--audit-profile", metavar="NAME", envvar="NSAUDIT_AUDIT_PROFILE",
                     help="Optional admin token profile that can read role permissions (Bulk Manage Roles)."),
        click.option("--workspace", "workspace_path", type=click.Path(path_type=Path), envvar="NSAUDIT_WORKSPACE",
                     help="Workspace description (TOML or YAML): what the integration uses."),
        click.option("--reports", "reports_path", type=click.Path(path_type=Path), envvar="NSAUDIT_REPORTS",
                     help="Pending reports (JSON or CSV): give each report a verdict."),
        click.option("--demo", is_flag=True, help="Audit the bundled simulated account (no credentials)."),
        click.option("--concurrency", type=click.IntRange(1, 50), default=4, show_default=True,
                     envvar="NSAUDIT_CONCURRENCY", help="Requests in flight at most (never above the account limit)."),
        click.option("--account-limit", type=click.IntRange(1, 1000), default=None, envvar="NSAUDIT_ACCOUNT_LIMIT",
                     help="The account's concurrency limit, if known (caps --concurrency)."),
        click.option("--progress/--no-progress", default=None, help="Progress display (default: on a terminal)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _collect(profile: str | None, audit_profile: str | None, workspace: Any, reports: Any, demo: bool,
             concurrency: int, account_limit: int | None, progress: bool | None) -> Any:
    """Log in and read the account; returns the snapshot."""
    from netsuite_audit.collect.collector import CollectOptions, collect
    from netsuite_audit.credentials import load_credentials
    from netsuite_audit.demo import demo_session
    from netsuite_audit.progress import progress_display

    report_ids = tuple(r.id for r in reports.reports) if reports else ()
    restlet = None
    if workspace is not None and workspace.restlet and workspace.restlet.script and workspace.restlet.deploy:
        restlet = (workspace.restlet.script, workspace.restlet.deploy)
    show = sys.stderr.isatty() if progress is None else progress
    options = CollectOptions(concurrency=concurrency, account_limit=account_limit, report_ids=report_ids,
                             restlet=restlet)
    if demo:
        with demo_session() as session, progress_display(show) as on_progress:
            return collect(session.creds, audit_creds=session.audit_creds, options=options,
                           progress=on_progress)
    profile = profile or (workspace.connection.profile if workspace else None)
    creds = load_credentials(profile)
    audit_creds = load_credentials(audit_profile) if audit_profile else None
    with progress_display(show) as on_progress:
        return collect(creds, audit_creds=audit_creds, options=options, progress=on_progress)


def _load_inputs(workspace_path: Path | None, reports_path: Path | None, demo: bool) -> tuple[Any, Any]:
    from netsuite_audit.paths import fixtures_dir
    from netsuite_audit.pending import PendingReports
    from netsuite_audit.workspace import Workspace

    if demo and workspace_path is None:
        workspace_path = fixtures_dir() / "workspaces" / "demo.toml"
    workspace = Workspace.load(workspace_path) if workspace_path else None
    reports = PendingReports.load(reports_path) if reports_path else None
    return workspace, reports


# ---- run ---------------------------------------------------------------------------------------------
@cli.command()
@_source_options
@click.option("--snapshot", "snapshot_path", type=click.Path(path_type=Path),
              help="Audit a saved snapshot offline instead of logging in.")
@click.option("--check", "include", multiple=True, metavar="TOKEN",
              help="Run only checks matching a check id (globs allowed), NS code, severity or tag. Repeatable.")
@click.option("--skip", "exclude", multiple=True, metavar="TOKEN", help="Skip matching checks. Repeatable.")
@click.option("--checks-dir", "checks_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Folder of extra check modules. Repeatable.")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[:PATH]",
              help="Output format (text, json), optionally with a file for it. Repeatable.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the (single) format to this file.")
@click.option("--fail-on", type=click.Choice([s.value for s in FailOn]), default="low", show_default=True,
              envvar="NSAUDIT_FAIL_ON", help="Lowest severity that makes the exit code 1.")
@click.option("--strict", is_flag=True, help="Exit 3 when any check at or above --fail-on is UNVERIFIABLE.")
@click.option("--color/--no-color", default=None, help="Colour in text output (default: on a terminal).")
@handle_input_errors
def run(profile: str | None, audit_profile: str | None, workspace_path: Path | None, reports_path: Path | None,
        demo: bool, concurrency: int, account_limit: int | None, progress: bool | None,
        snapshot_path: Path | None, include: tuple[str, ...], exclude: tuple[str, ...],
        checks_dirs: tuple[Path, ...], formats: tuple[str, ...], output: Path | None, fail_on: str,
        strict: bool, color: bool | None) -> None:
    """Audit the account and report every predicted NS error with its fix."""
    from datetime import UTC, datetime

    from netsuite_audit.audit.engine import run_checks
    from netsuite_audit.audit.model import Severity
    from netsuite_audit.audit.registry import load_checks, select
    from netsuite_audit.render.emit import emit, parse_formats
    from netsuite_audit.result import Selection, build_result
    from netsuite_audit.snapshot import AccountSnapshot

    targets = parse_formats(formats, output)
    checks = select(load_checks(checks_dirs), include, exclude)
    workspace, reports = _load_inputs(workspace_path, reports_path, demo)
    started = datetime.now(UTC)
    if snapshot_path is not None:
        snapshot = AccountSnapshot.load(snapshot_path)
    else:
        snapshot = _collect(profile, audit_profile, workspace, reports, demo, concurrency, account_limit,
                            progress)
    findings, skipped = run_checks(checks, snapshot, workspace, reports)
    explicit = {c.meta.id for c in checks} if include else set()
    from netsuite_audit.audit.verdicts import report_verdicts

    result = build_result(
        snapshot=snapshot, findings=findings, checks=[(c.meta, c.builtin) for c in checks], skipped=skipped,
        started_at=started, finished_at=datetime.now(UTC),
        selection=Selection(include=include, exclude=exclude, fail_on=Severity(fail_on), strict=strict),
        role=workspace.connection.role if workspace else None,
        workspace=str(workspace_path) if workspace_path else ("demo" if demo else None),
        reports=str(reports_path) if reports_path else None, explicit=explicit,
        verdicts=report_verdicts(reports, findings),
    )
    emit(result, targets, color=color)
    sys.exit(result.exit_code)


# ---- snapshot -----------------------------------------------------------------------------------------
@cli.command()
@_source_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Snapshot file to write.")
@handle_input_errors
def snapshot(profile: str | None, audit_profile: str | None, workspace_path: Path | None,
             reports_path: Path | None, demo: bool, concurrency: int, account_limit: int | None,
             progress: bool | None, output: Path) -> None:
    """Read the account once and save what was read, for offline audits (nsaudit run --snapshot)."""
    from netsuite_audit.render.output import write_atomic

    workspace, reports = _load_inputs(workspace_path, reports_path, demo)
    snap = _collect(profile, audit_profile, workspace, reports, demo, concurrency, account_limit, progress)
    write_atomic(output, snap.to_json())
    reads = snap.reads.values()
    ok = sum(1 for r in reads if r.state == "ok")
    click.echo(f"wrote {output}: {ok} of {len(snap.reads)} tables read over {snap.transport.upper()}, "
               f"login {'ok' if snap.login.any_ok else 'FAILED'}", err=True)
    sys.exit(0 if snap.login.any_ok else 3)


# ---- checks --------------------------------------------------------------------------------------------
@cli.command("checks")
@click.option("--checks-dir", "checks_dirs", multiple=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default="text")
@handle_input_errors
def list_checks(checks_dirs: tuple[Path, ...], fmt: str) -> None:
    """List every check: id, NS codes, severity, how it detects, what it reads."""
    import json

    from netsuite_audit.audit.registry import load_checks
    from netsuite_audit.result import CheckInfo

    infos = [CheckInfo.from_meta(c.meta, c.builtin) for c in load_checks(checks_dirs)]
    if fmt == OutputFormat.JSON:
        click.echo(json.dumps([i.model_dump(mode="json") for i in infos], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    for column in ("check", "codes", "severity", "detection", "reads (permission)", "title"):
        table.add_column(column)
    for info in infos:
        table.add_row(info.id, " ".join(info.codes), info.severity.value,
                      ", ".join(d.value for d in info.detection),
                      ", ".join(f"{r.table} ({r.permission})" for r in info.reads), info.title)
    Console(width=200).print(table)


def main() -> None:
    cli()
