"""The nsaudit command line. Heavy imports happen inside commands so `nsaudit --version` stays fast."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netsuite_audit import __version__

if TYPE_CHECKING:
    import rich.table

    from netsuite_audit.pipeline import RunPlan
    from netsuite_audit.render.emit import Target

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2
EXIT_SYSTEM = 3  # could not audit, or the local system failed (an output file could not be written)


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
        from netsuite_audit.expensify.errors import ExpensifyError
        from netsuite_audit.render.output import OutputFailed
        from netsuite_audit.support.errors import InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))
        except ExpensifyError as exc:  # one line: bad credentials, unknown policy, not admin (2); unreachable (3)
            fail(str(exc), exc.exit_code)
        except OutputFailed as exc:  # the local system, not the input: each file on its own line, exit 3
            for line in exc.lines:
                click.echo(f"nsaudit: error: {line}", err=True)
            sys.exit(EXIT_SYSTEM)
        except RecursionError:  # a parser that slipped past inputs.parsing: still one line, never a traceback
            fail("an input file is nested too deeply to read")

    return wrapper  # type: ignore[return-value]


class LazyGroup(click.Group):
    """A group whose listed sub-commands are imported only when used (keeps start-up fast)."""

    lazy = {
        "doctor": "netsuite_audit.commands.doctor:doctor_command",
        "explain": "netsuite_audit.commands.explain:explain_command",
        "history": "netsuite_audit.commands.history:history_group",
        "init": "netsuite_audit.commands.init:init_command",
        "report": "netsuite_audit.commands.report:report_command",
        "restlet": "netsuite_audit.commands.restlet:restlet_group",
        "sim": "netsuite_audit.simulator.cli:sim",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, attr = self.lazy[cmd_name].split(":")
            try:
                imported = importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
                return None  # a command not shipped in this build
            command: click.Command = getattr(imported, attr)
            return command
        return super().get_command(ctx, cmd_name)


def _use_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Load the configuration file into click's default_map (command line > env > file > default).

    On the group this also finds ./nsaudit.toml or [tool.nsaudit] in ./pyproject.toml; on a command
    only an explicit --config counts (the group already loaded the discovered file).
    """
    is_group = isinstance(ctx.command, click.Group)
    if value is None and not is_group:
        return value
    from netsuite_audit.commands.config import load_config
    from netsuite_audit.support.errors import InputError

    try:
        loaded = load_config(value)
    except InputError as exc:
        fail(str(exc))
    for warning in loaded.warnings:
        click.echo(f"nsaudit: warning: {warning}", err=True)
    ctx.meta[CONFIG_META] = loaded
    full = loaded.default_map()
    ctx.default_map = full if is_group else full.get(ctx.info_name or "", {})
    return value


CONFIG_META = "nsaudit.config"


def _config_option(func: F) -> F:
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                        envvar="NSAUDIT_CONFIG", is_eager=True, expose_value=False, callback=_use_config,
                        help="Configuration file (default: ./nsaudit.toml, else [tool.nsaudit] in "
                             "./pyproject.toml).")(func)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="nsaudit")
@_config_option
def cli() -> None:
    """Find NetSuite expense-integration failures (NS codes) before the sync does.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage,
    3 could not audit (login, network, a broken check, UNVERIFIABLE under --strict).
    """


# ---- shared options --------------------------------------------------------------------------------
FORMATS_HELP = "text, json, junit, sarif, markdown, csv, html"


def _profile_option(multiple: bool) -> Callable[[F], F]:
    if multiple:
        return click.option(
            "--profile", "profiles", multiple=True, metavar="NAME", envvar="NSAUDIT_PROFILE",
            help="Credentials profile (profiles file or keyring). Repeat to audit several accounts at once. "
                 "Default: env vars, then 'default'.")
    return click.option("--profile", "profile", metavar="NAME", envvar="NSAUDIT_PROFILE",
                        help="Credentials profile (profiles file or keyring). Default: env vars, then 'default'.")


# Kept here (not imported from netsuite.soap_records) so the CLI starts without lxml; a test holds
# them equal to soap_records.SUPPORTED_VERSIONS / DEFAULT_VERSION.
SOAP_VERSIONS = ("2024_2", "2025_2")
DEFAULT_SOAP_VERSION = "2025_2"


def _source_options(func: F) -> F:
    options = [
        click.option("--audit-profile", metavar="NAME", envvar="NSAUDIT_AUDIT_PROFILE",
                     help="Optional admin token profile that can read role permissions (Bulk Manage Roles)."),
        click.option("--workspace", "workspace_path", type=click.Path(path_type=Path), envvar="NSAUDIT_WORKSPACE",
                     help="Workspace description (TOML or YAML): what the integration uses."),
        click.option("--reports", "reports_path", type=click.Path(path_type=Path), envvar="NSAUDIT_REPORTS",
                     help="Pending reports (JSON or CSV): give each report a verdict."),
        click.option("--demo", is_flag=True, envvar="NSAUDIT_DEMO",
                     help="Audit the bundled simulated account (no credentials)."),
        click.option("--auth", "demo_auth", type=click.Choice(["tba", "oauth2"]), default=None,
                     envvar="NSAUDIT_DEMO_AUTH",
                     help="With --demo: log in with the demo tokens (tba, default) or with OAuth 2.0 client "
                          "credentials made for this run (oauth2). Real credentials say their kind themselves."),
        click.option("--demo-connection", type=click.Choice(["tba-soap", "oauth2-rest"]), default=None,
                     envvar="NSAUDIT_DEMO_CONNECTION",
                     help="With --demo: the demo account's Expensify connection: TBA over SOAP (tba-soap, default) "
                          "or OAuth 2.0 over REST (oauth2-rest; nsaudit then logs in with OAuth 2.0 client "
                          "credentials made for this run). docs/connections.md."),
        click.option("--expensify-policy", metavar="ID_OR_NAME", envvar="NSAUDIT_EXPENSIFY_POLICY",
                     help="Read the workspace (members, tags, categories, tax) from this Expensify policy; the "
                          "--workspace file then only needs what the API cannot give. Credentials: "
                          "NSAUDIT_EXPENSIFY_USER_ID/_SECRET, a profile or the keyring (docs/expensify.md)."),
        click.option("--expensify-reports", type=click.Choice(["approved", "processing", "all-unexported"]),
                     envvar="NSAUDIT_EXPENSIFY_REPORTS",
                     help="Also read the reports about to be exported from Expensify and give each a verdict."),
        click.option("--expensify", "expensify_demo", is_flag=True, envvar="NSAUDIT_DEMO_EXPENSIFY",
                     help="With --demo: read the demo's workspace and reports through the simulated Expensify."),
        click.option("--concurrency", type=click.IntRange(1, 50), default=4, show_default=True,
                     envvar="NSAUDIT_CONCURRENCY", help="Requests in flight at most (never above the account limit)."),
        click.option("--account-limit", type=click.IntRange(1, 1000), default=None, envvar="NSAUDIT_ACCOUNT_LIMIT",
                     help="The account's concurrency limit, if known (caps --concurrency)."),
        click.option("--progress/--no-progress", default=None, envvar="NSAUDIT_PROGRESS",
                     help="Progress display (default: on a terminal)."),
        click.option("--soap-version", type=click.Choice(list(SOAP_VERSIONS)), default=DEFAULT_SOAP_VERSION,
                     show_default=True, envvar="NSAUDIT_SOAP_VERSION",
                     help="SuiteTalk (SOAP) endpoint version nsaudit calls: NetSuitePort_<version>."),
        click.option("--restlet", "restlet", metavar="SCRIPT:DEPLOY", envvar="NSAUDIT_RESTLET",
                     help="The nsaudit RESTlet's script and deployment ids (docs/restlet.md); default: the "
                          "workspace's [restlet]. Lets `nsaudit snapshot` read it without a workspace."),
        click.option("--timeout", type=click.FloatRange(1, 86400), default=300, show_default=True,
                     envvar="NSAUDIT_TIMEOUT", metavar="SECONDS",
                     help="Time limit for reading the account; what is not read by then is UNVERIFIABLE "
                          "(exit 3)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _expensify_plan(expensify_policy: str | None, expensify_reports: str | None, expensify_demo: bool,
                    demo: bool) -> dict[str, Any]:
    from netsuite_audit.expensify.models import ReportScope
    from netsuite_audit.support.errors import InputError

    if expensify_demo and not demo:
        raise InputError("--expensify reads the demo's simulated Expensify; use it with --demo, or give "
                         "--expensify-policy for a real policy", source="--expensify")
    if expensify_demo and expensify_policy:
        raise InputError("--demo --expensify reads the demo's own policy; drop --expensify-policy",
                         source="--expensify-policy")
    if expensify_reports and not (expensify_policy or expensify_demo):
        raise InputError("needs --expensify-policy (the policy whose reports are read)", source="--expensify-reports")
    return {"expensify_policy": expensify_policy, "expensify_demo": expensify_demo,
            "expensify_reports": ReportScope(expensify_reports) if expensify_reports else None}


def _restlet(text: str | None) -> tuple[int, int] | None:
    """``--restlet 77:1`` as (script, deploy); anything else is one line, exit 2."""
    from netsuite_audit.support.errors import InputError

    if text is None:
        return None
    script, colon, deploy = text.strip().partition(":")
    if not (colon and script.isdecimal() and deploy.isdecimal() and int(script) > 0 and int(deploy) > 0):
        raise InputError(f"expected SCRIPT:DEPLOY, two internal ids such as 77:1, got {text[:40]!r}",
                         source="--restlet")
    return int(script), int(deploy)


def _check_demo_auth(demo: bool, demo_auth: str | None, demo_connection: str | None = None) -> str:
    """How the demo logs in (``tba`` or ``oauth2``), checked against ``--demo-connection``."""
    from netsuite_audit.support.errors import InputError

    if demo_connection is not None and not demo:
        raise InputError("applies to --demo only; a real workspace says its connection in [connection] kind",
                         source="--demo-connection")
    if demo_connection == "oauth2-rest":
        if demo_auth == "tba":
            raise InputError("the oauth2-rest demo has no TBA token of the integration role; drop --auth tba",
                             source="--auth")
        return "oauth2"
    if demo_auth is not None and not demo:
        raise InputError("applies to --demo only; real credentials say their kind in the profile (auth = ...) "
                         "or by the environment variables set", source="--auth")
    return demo_auth or "tba"


def _show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def _profiles(profiles: tuple[str, ...], all_profiles: bool) -> list[str]:
    from netsuite_audit.support.errors import InputError

    if all_profiles:
        from netsuite_audit.inputs.credentials import default_profiles_file, list_profiles

        if profiles:
            raise InputError("use either --profile or --all-profiles", source="--all-profiles")
        found = list_profiles()
        if not found:
            raise InputError(f"no profiles found in {default_profiles_file()}", source="--all-profiles")
        return found
    return list(dict.fromkeys(profiles))


# ---- run ---------------------------------------------------------------------------------------------
@cli.command()
@_config_option
@_profile_option(multiple=True)
@click.option("--all-profiles", is_flag=True, envvar="NSAUDIT_ALL_PROFILES",
              help="Audit the account of every profile in the profiles file, concurrently.")
@_source_options
@click.option("--snapshot", "snapshot_path", type=click.Path(path_type=Path), envvar="NSAUDIT_SNAPSHOT",
              help="Audit a saved snapshot offline instead of logging in.")
@click.option("--check", "include", multiple=True, metavar="TOKEN", envvar="NSAUDIT_CHECK",
              help="Run only checks matching a check id (globs allowed), NS code, severity or tag. Repeatable.")
@click.option("--skip", "exclude", multiple=True, metavar="TOKEN", envvar="NSAUDIT_SKIP",
              help="Skip matching checks. Repeatable.")
@click.option("--checks-dir", "checks_dirs", multiple=True, type=click.Path(path_type=Path),
              envvar="NSAUDIT_CHECKS_DIR", help="Folder of extra check modules. Repeatable.")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[:PATH]", envvar="NSAUDIT_FORMAT",
              help=f"Output format ({FORMATS_HELP}), optionally with a file for it; {{profile}} in PATH "
                   "is replaced by the profile name. Repeatable.")
@click.option("-o", "--output", type=click.Path(path_type=Path), envvar="NSAUDIT_OUTPUT",
              help="Write the (single) format to this file.")
@click.option("--fail-on", type=click.Choice([s.value for s in FailOn]), default="low", show_default=True,
              envvar="NSAUDIT_FAIL_ON", help="Lowest severity that makes the exit code 1.")
@click.option("--strict", is_flag=True, envvar="NSAUDIT_STRICT",
              help="Exit 3 when any check at or above --fail-on is UNVERIFIABLE.")
@click.option("--color/--no-color", default=None, envvar="NSAUDIT_COLOR",
              help="Colour in text output (default: on a terminal).")
@click.option("-v", "--verbose", is_flag=True, envvar="NSAUDIT_VERBOSE",
              help="Text output in full: every finding's evidence and fix steps, every item to check by hand; "
                   "and each Expensify job as it runs.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, envvar="NSAUDIT_AS_OF",
              help="Judge dates (NetSuite's retirement dates, mute expiry) as of this day, YYYY-MM-DD "
                   "(default: today).")
@click.option("--mutes", "mutes_path", type=click.Path(path_type=Path), envvar="NSAUDIT_MUTES",
              help="Mute file (TOML, YAML or JSON): accepted findings with reason, owner and expiry date.")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path), envvar="NSAUDIT_BASELINE",
              help="A previous JSON result: findings already in it are shown as known and do not fail the run.")
@click.option("--history", "history", metavar="URL", envvar="NSAUDIT_HISTORY",
              help="Record the run in this history database: a SQLite file or postgresql://... "
                   "(default: history.sqlite3 in the user data directory; --demo records only here). "
                   "See docs/history.md.")
@click.option("--no-history", is_flag=True, envvar="NSAUDIT_NO_HISTORY", help="Do not record this run.")
@click.option("--shard", metavar="I/N", envvar="NSAUDIT_SHARD",
              help="With several profiles: audit only shard I of N (1-based) of the profiles, sorted by name.")
@handle_input_errors
def run(profiles: tuple[str, ...], all_profiles: bool, audit_profile: str | None, workspace_path: Path | None,
        reports_path: Path | None, demo: bool, demo_auth: str | None, demo_connection: str | None,
        expensify_policy: str | None, expensify_reports: str | None, expensify_demo: bool, concurrency: int,
        account_limit: int | None, progress: bool | None, soap_version: str, restlet: str | None, timeout: float,
        snapshot_path: Path | None,
        include: tuple[str, ...], exclude: tuple[str, ...], checks_dirs: tuple[Path, ...], formats: tuple[str, ...],
        output: Path | None, fail_on: str, strict: bool, color: bool | None, verbose: bool, as_of: Any,
        mutes_path: Path | None, baseline_path: Path | None, history: str | None, no_history: bool,
        shard: str | None) -> None:
    """Audit the account and report every predicted NS error with its fix.

    With several profiles (--profile a --profile b, or --all-profiles) the accounts are audited
    concurrently, each result goes to its own file, a summary table is printed and the exit code is
    the worst one: 2 > 3 > 1 > 0.
    """
    from netsuite_audit.audit.model import Severity
    from netsuite_audit.audit.registry import load_checks, select
    from netsuite_audit.commands.accounts import account_targets, shard_profiles
    from netsuite_audit.inputs.given import read_inputs
    from netsuite_audit.pipeline import RunPlan, audit_account
    from netsuite_audit.render.emit import emit, parse_formats
    from netsuite_audit.support.errors import InputError

    demo_auth = _check_demo_auth(demo, demo_auth, demo_connection)
    targets = parse_formats(formats, output)
    names = _profiles(profiles, all_profiles)
    if shard is not None:
        names = shard_profiles(names, shard)
        if not names:
            click.echo(f"nsaudit: shard {shard} holds no profile; nothing to audit", err=True)
            sys.exit(0)
    checks = select(load_checks(checks_dirs), include, exclude,
                    warn=lambda message: click.echo(f"nsaudit: warning: {message}", err=True))
    if not checks:  # nothing would be checked: never an exit code that says clean
        tokens = " ".join([*(f"--check {t}" for t in include), *(f"--skip {t}" for t in exclude)])
        fail(f"{tokens} select no check, so nothing would be audited; `nsaudit checks` lists them"
             + (" (--strict: could not audit)" if strict else ""), EXIT_SYSTEM if strict else EXIT_INPUT)
    expensify = _expensify_plan(expensify_policy, expensify_reports, expensify_demo, demo)
    # A live audit of one account reads the reports while it waits for NetSuite.
    live_single = snapshot_path is None and len(names) <= 1
    inputs = read_inputs(workspace_path, reports_path, demo=demo, expensify_demo=expensify_demo,
                         reports_later=live_single, demo_connection=demo_connection)
    plan = RunPlan(
        checks=checks, include=include, exclude=exclude, inputs=inputs, demo=demo, demo_auth=demo_auth,
        demo_connection=demo_connection or "tba-soap", snapshot_path=snapshot_path,
        audit_profile=audit_profile, concurrency=concurrency, account_limit=account_limit,
        soap_version=soap_version, progress=_show_progress(progress), timeout=timeout, fail_on=Severity(fail_on),
        strict=strict,
        mutes_path=str(mutes_path) if mutes_path else None,
        baseline_path=str(baseline_path) if baseline_path else None, verbose=verbose, restlet=_restlet(restlet),
        **expensify,
        # The demo's simulated account stays out of the user's own history unless one is named.
        history=None if no_history or (demo and history is None) else _history_url(history),
        **({"today": as_of.date()} if as_of is not None else {}),
    )
    if len(names) > 1:
        if demo or snapshot_path is not None:
            raise InputError("--demo and --snapshot audit one account; drop them or give one profile",
                             source="--profile")
        _run_many(plan, names, targets if formats or output else [], color)
        return
    profile = names[0] if names else None
    result = audit_account(plan, profile)
    emit(result, account_targets(targets, profile or ("demo" if demo else "default")), color=color, verbose=verbose)
    sys.exit(result.exit_code)


def _history_url(value: str | None) -> str:
    from netsuite_audit.history.store import database_url

    return database_url(value)


def _run_many(plan: RunPlan, names: list[str], targets: list[Target], color: bool | None) -> None:
    from netsuite_audit.commands.accounts import render_summary, run_accounts, worst_exit

    runs = run_accounts(plan, names, targets, color)
    for account in runs:
        if account.error:
            click.echo(f"nsaudit: error: [{account.profile}] {account.error}", err=True)
    use_color = sys.stdout.isatty() if color is None else color
    if not any(t.path is None for t in targets):  # nothing went to the terminal: list each account's findings
        from netsuite_audit.render.emit import code_title
        from netsuite_audit.render.text import render_account_brief

        for account in runs:
            if account.result is not None:
                click.echo(render_account_brief(account.result, account.profile, color=use_color,
                                                code_title=code_title), nl=False)
    click.echo(render_summary(runs, color=use_color), nl=False)
    sys.exit(worst_exit([r.exit_code for r in runs]))


# ---- snapshot -----------------------------------------------------------------------------------------
@cli.command()
@_config_option
@_profile_option(multiple=False)
@_source_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, envvar="NSAUDIT_SNAPSHOT_OUTPUT",
              help="Snapshot file to write.")
@click.option("-v", "--verbose", is_flag=True, envvar="NSAUDIT_VERBOSE", help="Show each Expensify job as it runs.")
@handle_input_errors
def snapshot(profile: str | None, audit_profile: str | None, workspace_path: Path | None,
             reports_path: Path | None, demo: bool, demo_auth: str | None, demo_connection: str | None,
             expensify_policy: str | None, expensify_reports: str | None, expensify_demo: bool, concurrency: int,
             account_limit: int | None, progress: bool | None, soap_version: str, restlet: str | None,
             timeout: float, output: Path, verbose: bool) -> None:
    """Read the account once and save what was read, for offline audits (nsaudit run --snapshot).

    It reads what `nsaudit run` reads: the RESTlet too when --restlet or the workspace's [restlet] names
    it, and NetSuite's transactions for the pending reports' ids when --reports is given (only those: the
    snapshot records which, and a run from it with other reports cannot judge those)."""
    from netsuite_audit.inputs.given import read_inputs
    from netsuite_audit.pipeline import RunPlan, collect_account, restlet_of
    from netsuite_audit.render.output import write_atomic

    demo_auth = _check_demo_auth(demo, demo_auth, demo_connection)
    expensify = _expensify_plan(expensify_policy, expensify_reports, expensify_demo, demo)
    inputs = read_inputs(workspace_path, reports_path, demo=demo, expensify_demo=expensify_demo,
                         demo_connection=demo_connection)
    plan = RunPlan(checks=(), inputs=inputs, demo=demo, demo_auth=demo_auth,
                   demo_connection=demo_connection or "tba-soap",
                   audit_profile=audit_profile, concurrency=concurrency, account_limit=account_limit,
                   soap_version=soap_version, progress=_show_progress(progress), timeout=timeout, verbose=verbose,
                   restlet=_restlet(restlet), **expensify)
    snap = collect_account(plan, profile)
    write_atomic(output, snap.to_json())
    reads = snap.reads.values()
    ok = sum(1 for r in reads if r.state == "ok")
    side = f"; {snap.expensify.label()}" if snap.expensify is not None else ""
    restlet_read = ("RESTlet read" if snap.restlet is not None
                    else "no RESTlet named (--restlet or the workspace's [restlet]): the settings only it reads "
                         "are not in the snapshot" if restlet_of(plan) is None else "RESTlet NOT read")
    looked_up = snap.looked_up_reports or ()
    reports_read = (f"transactions looked up for {len(looked_up)} pending report(s)" if looked_up
                    else "no pending report looked up (--reports): a run from this snapshot cannot judge "
                         "whether a report is already in NetSuite")
    click.echo(f"wrote {output}: {ok} of {len(snap.reads)} tables read over {snap.transport.upper()}, "
               f"login {'ok' if snap.login.any_ok else 'FAILED'}{side}; {restlet_read}; {reports_read}", err=True)
    failed = [table for table, read in snap.reads.items() if read.failed_in_transit]
    if failed:
        click.echo(f"nsaudit: {len(failed)} table(s) failed in transit (network, timeout, 429s or 5xx): "
                   f"{', '.join(failed)}; the snapshot is incomplete", err=True)
    sys.exit(0 if snap.login.any_ok and not failed and snap.restlet_failure is None else 3)


# ---- checks --------------------------------------------------------------------------------------------
@cli.command("checks")
@_config_option
@click.option("--checks-dir", "checks_dirs", multiple=True, type=click.Path(path_type=Path),
              envvar="NSAUDIT_CHECKS_DIR")
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default="text")
@click.option("--codes", is_flag=True,
              help="List every NS code instead: the checks that predict it and how it is detected.")
@handle_input_errors
def list_checks(checks_dirs: tuple[Path, ...], fmt: str, codes: bool) -> None:
    """List every check: id, NS codes, severity, how it detects, what it reads."""
    import json

    from netsuite_audit.audit.registry import load_checks
    from netsuite_audit.result import CheckInfo

    loaded = load_checks(checks_dirs)
    if codes:
        _list_codes(loaded, fmt)
        return
    infos = [CheckInfo.from_meta(c.meta, c.builtin) for c in loaded]
    if fmt == OutputFormat.JSON:
        click.echo(json.dumps([i.model_dump(mode="json") for i in infos], indent=2))
        return
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    for column in ("check", "codes", "severity", "detection", "reads (permission)", "title"):
        table.add_column(column)
    for info in infos:
        table.add_row(info.id, " ".join(info.codes), info.severity.value,
                      ", ".join(d.value for d in info.detection),
                      ", ".join(f"{r.table} ({r.permission})" for r in info.reads), info.title)
    _console().print(table)


def _console() -> Any:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def _list_codes(loaded: list[Any], fmt: str) -> None:
    """Every catalog code with the checks that predict it and how (NetSuite data, RESTlet, workspace...)."""
    import json

    from rich.table import Table

    from netsuite_audit.commands.coverage import coverage

    rows = coverage(loaded)
    if fmt == OutputFormat.JSON:
        click.echo(json.dumps([{**r.model_dump(mode="json"), "detectable": r.detectable} for r in rows], indent=2))
        return
    table = Table(pad_edge=False)
    for column in ("code", "category", "detected from", "checks", "title"):
        table.add_column(column)
    for row in rows:
        how = ", ".join(d.value for d in row.detection)
        table.add_row(row.code, row.category, how, ", ".join(row.checks) or "-", row.title)
    predicted = sum(1 for r in rows if r.checks)
    console = _console()
    console.print(table)
    console.print(f"{predicted} of {len(rows)} codes are predicted by a check; the rest are manual steps or cannot "
                  "be predicted (nsaudit explain CODE says what to do).")


# ---- diff ----------------------------------------------------------------------------------------------
@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, envvar="NSAUDIT_DIFF_FORMAT", help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), envvar="NSAUDIT_DIFF_OUTPUT",
              help="Write the diff to this file instead of standard output.")
@click.option("--color/--no-color", default=None, envvar="NSAUDIT_COLOR", help="Colour in text output.")
@handle_input_errors
def diff_command(old: Path, new: Path, fmt: str, output: Path | None, color: bool | None) -> None:
    """Compare two JSON results (new, resolved, changed findings) or two snapshots (configuration drift).

    Exit 1 when there is something new (results: new or changed findings; snapshots: any drift), else 0.
    """
    from netsuite_audit.commands.diff import diff_files, render
    from netsuite_audit.render.output import write_atomic

    found = diff_files(old, new)
    use_color = (sys.stdout.isatty() if color is None else color) and output is None
    text = render(found, fmt, color=use_color)
    if output is not None:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(found.exit_code)


# ---- config --------------------------------------------------------------------------------------------
@cli.group("config")
def config_group() -> None:
    """Inspect the configuration: values, and where each one comes from."""


@config_group.command("show", context_settings={"ignore_unknown_options": True})
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.argument("run_args", nargs=-1, type=click.UNPROCESSED)
@handle_input_errors
def config_show(as_json: bool, run_args: tuple[str, ...]) -> None:
    """Show each `nsaudit run` option's value and its source (command line, environment variable,
    configuration file or default). Extra arguments are read as `nsaudit run` options.

    Secrets are never read: only whether NSAUDIT_CONSUMER_SECRET and NSAUDIT_TOKEN_SECRET are set.
    """
    import json

    from netsuite_audit.commands.config import describe_options

    root = click.get_current_context().find_root()
    rows, creds, label = describe_options(run, root, run_args, CONFIG_META)
    sources = _workspace_sources(rows)
    if as_json:
        click.echo(json.dumps({"config_file": label, "options": rows, "credentials": creds,
                               "workspace_sources": sources}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160, highlight=False)
    console.print(f"configuration file: {label}", markup=False)
    table = Table(pad_edge=False)
    for column in ("option", "config key", "value", "source"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["option"], row["key"] or "", json.dumps(row["value"]), row["source"])
    console.print(table)
    console.print(_pairs_table("credentials (secrets are never shown)", ("variable", "value"), creds))
    if sources:
        console.print(_pairs_table("workspace values and where they come from", ("workspace key", "source"), sources))


def _pairs_table(title: str, headers: tuple[str, str], pairs: dict[str, str]) -> rich.table.Table:
    from rich.table import Table  # imported here: rich is not needed to start the CLI

    table = Table(pad_edge=False, title=title, title_justify="left")
    for header in headers:
        table.add_column(header)
    for key, value in pairs.items():
        table.add_row(key, value)
    return table


def _workspace_sources(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each workspace key and where `nsaudit run` would take it from: the Expensify policy (read at
    run time) or the workspace file (which wins when both give it)."""
    from netsuite_audit.audit.expensify_workspace import EXPENSIFY_KEYS, set_keys
    from netsuite_audit.inputs.workspace import Workspace
    from netsuite_audit.support.errors import InputError

    values = {row["option"]: row["value"] for row in rows}
    policy, path = values.get("--expensify-policy"), values.get("--workspace")
    given: set[str] = set()
    if path:
        try:
            given = set_keys(Workspace.load(Path(path)))
        except InputError as exc:
            return {"(workspace file)": f"unreadable: {exc}"}
    sources = dict.fromkeys(sorted(given), f"file {path}")
    if policy:
        for key in EXPENSIFY_KEYS:
            if key not in given:
                sources[key] = f"Expensify policy {policy} (read when the run starts)"
    return dict(sorted(sources.items()))


def main() -> None:
    from netsuite_audit.support.signals import install

    install()  # Ctrl-C / SIGTERM: stop within a second, exit 130 / 143, no temporary files left
    try:
        cli()
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _leave(code: int | str | None) -> None:
    """Exit with ``code`` without freeing every object one by one: after a large audit the interpreter's
    teardown (hundreds of thousands of rows and report lines) took about 0.15 s. The streams are
    flushed and the exit handlers run first, as on a normal exit; if anything is left to finish (another
    thread still running, a stream that cannot be flushed) the normal exit is taken."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if isinstance(code, str):  # SystemExit's own rule: a text is printed and the status is 1
        print(code, file=sys.stderr, flush=True)
        code = 1
    atexit._run_exitfuncs()
    os._exit(code or 0)
