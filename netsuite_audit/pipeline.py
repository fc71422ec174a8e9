"""The pipeline for one account: what a run decided (``RunPlan``), reading the account or a saved
snapshot (``read_account``: netsuite/ -> collect/ -> snapshot), then ``audit_account``: the checks
(audit/ + checks/), mutes and the baseline, and the result that render/ words.

Several accounts at once: ``commands/accounts.py`` runs this for each profile in its own thread.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netsuite_audit.audit.model import Severity
from netsuite_audit.audit.registry import LoadedCheck
from netsuite_audit.audit.state import PreparedInputs
from netsuite_audit.collect.network_use import NetworkUse
from netsuite_audit.expensify.models import ExpensifyRead, Job, ReportScope
from netsuite_audit.inputs.given import GivenInputs
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.result import AuditResult, PermissionRow, ResultConnection
from netsuite_audit.snapshot import AccountSnapshot, ReadState
from netsuite_audit.support.background import InBackground, resolved
from netsuite_audit.support.errors import InputError

if TYPE_CHECKING:
    from netsuite_audit.audit.baseline import Baseline
    from netsuite_audit.audit.mutes import Mutes
    from netsuite_audit.expensify.credentials import ExpensifyCredentials
    from netsuite_audit.netsuite.transport import RetryPolicy

PROFILE_FIELD = "{profile}"

Warn = Callable[[str], None]


def stderr_warning(message: str) -> None:
    print(f"nsaudit: warning: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class RunPlan:
    """Everything one `nsaudit run` decided before touching any account."""

    checks: Sequence[LoadedCheck]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    inputs: GivenInputs = field(default_factory=GivenInputs)  # the workspace and reports files, read
    demo: bool = False  # audit the bundled demo account (simulator on loopback)
    demo_auth: str = "tba"  # --auth: how the demo logs in (tba or oauth2)
    demo_connection: str = "tba-soap"  # --demo-connection: the demo account's Expensify connection
    snapshot_path: Path | None = None
    audit_profile: str | None = None
    concurrency: int = 4
    account_limit: int | None = None
    soap_version: str = "2025_2"  # SuiteTalk endpoint version (--soap-version)
    progress: bool = False
    timeout: float = 300.0  # seconds for reading the account (--timeout)
    fail_on: Severity = Severity.LOW
    strict: bool = False
    mutes_path: str | None = None  # may contain {profile}
    baseline_path: str | None = None  # may contain {profile}
    today: date = field(default_factory=date.today)
    expensify_policy: str | None = None  # id or name: read the workspace from Expensify
    expensify_reports: ReportScope | None = None  # read pending reports from Expensify
    expensify_demo: bool = False  # with demo: read the demo's Expensify side from the simulator
    verbose: bool = False
    restlet: tuple[int, int] | None = None  # --restlet SCRIPT:DEPLOY (wins over the workspace's [restlet])
    history: str | None = None  # the history database (file or URL) this run is recorded in; None: not recorded


def restlet_of(plan: RunPlan) -> tuple[int, int] | None:
    """The RESTlet to read: --restlet, else the workspace's [restlet] (script and deploy both given)."""
    if plan.restlet is not None:
        return plan.restlet
    workspace = plan.inputs.workspace
    if workspace is not None and workspace.restlet and workspace.restlet.script and workspace.restlet.deploy:
        return (workspace.restlet.script, workspace.restlet.deploy)
    return None


def snapshot_restlet_note(plan: RunPlan, snapshot: AccountSnapshot) -> str | None:
    """A run from a saved snapshot whose workspace (or --restlet) names a RESTlet the snapshot did not
    read: the settings only it reads are unknown, said in every output rather than lost quietly."""
    wanted = restlet_of(plan)
    if plan.snapshot_path is None or wanted is None or snapshot.restlet is not None or snapshot.restlet_failure:
        return None
    return (f"the snapshot {plan.snapshot_path.name} was taken without the RESTlet named here (script {wanted[0]}, "
            f"deploy {wanted[1]}), so the settings only it reads are unknown: take the snapshot again with "
            f"--workspace (the same file) or --restlet {wanted[0]}:{wanted[1]}")


def snapshot_reports_note(plan: RunPlan, snapshot: AccountSnapshot, reports: PendingReports | None,
                          reports_file: Path | None) -> str | None:
    """A run from a saved snapshot whose pending reports include ids the snapshot never looked up among
    NetSuite's transactions (taken without --reports, or with other reports): the checks that read them
    judge only the reports looked up, said in every output rather than lost quietly."""
    readers = [c.meta.id for c in plan.checks if "transaction" in c.meta.reads]
    if plan.snapshot_path is None or reports is None or not reports.reports or not readers:
        return None
    if snapshot.read("transaction").state not in (ReadState.OK, ReadState.SKIPPED):
        return None  # the look-up failed: the checks say so themselves
    ids = [report.id for report in reports.reports]
    missing = snapshot.not_looked_up(ids)
    if not missing:
        return None
    again = (f"take the snapshot again with --reports {reports_file.name if reports_file else '(the same reports)'}, "
             "or run nsaudit live")
    name = plan.snapshot_path.name
    if snapshot.looked_up_reports is None and snapshot.read("transaction").state == ReadState.OK:
        return (f"the snapshot {name} does not record which pending reports it looked up among NetSuite's "
                f"transactions (written by nsaudit {snapshot.tool_version}), so {', '.join(readers)} cannot pass "
                f"the reports it finds nothing for: {again}")
    listed = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return (f"the snapshot {name} did not look up {len(missing)} of the {len(ids)} pending reports among "
            f"NetSuite's transactions ({listed}), so whether they are already in NetSuite is unknown "
            f"({', '.join(readers)} is UNVERIFIABLE for them): {again}")


def fill(template: str, profile: str | None) -> str:
    return template.replace(PROFILE_FIELD, profile or "default")


def load_mutes(plan: RunPlan, profile: str | None) -> Mutes | None:
    if plan.mutes_path is None:
        return None
    from netsuite_audit.audit.mutes import Mutes

    return Mutes.load(Path(fill(plan.mutes_path, profile)), [c.meta for c in plan.checks])


def load_baseline(plan: RunPlan, profile: str | None) -> Baseline | None:
    if plan.baseline_path is None:
        return None
    from netsuite_audit.audit.baseline import Baseline

    path = Path(fill(plan.baseline_path, profile))
    previous = AuditResult.load(path)
    return Baseline.from_findings(previous.account.account_id, previous.findings, str(path))


def collect_account(plan: RunPlan, profile: str | None) -> AccountSnapshot:
    """Log in and read the account (or load the saved snapshot); returns the snapshot."""
    return read_account(plan, profile)[0]


Prepared = PreparedInputs | InBackground[PreparedInputs]


def prepare_inputs(inputs: GivenInputs) -> Prepared:
    """The workspace and the pending reports, indexed for the checks of one account. A reports file
    to be read while the account is (``reports_later``: a live audit of one account) is read and
    indexed in a background thread; ``get()`` waits for it and raises what reading it raised."""
    workspace = inputs.workspace or Workspace()
    if not inputs.reports_later:
        return PreparedInputs(workspace, inputs.read_reports())
    # What reading the account imports (the collector) is imported before the thread starts: the
    # thread would otherwise share the interpreter with these imports, and the first request would
    # leave later.
    from netsuite_audit.audit.lookups import warm
    from netsuite_audit.collect import collector  # noqa: F401

    return InBackground(lambda: warm(PreparedInputs(workspace, inputs.read_reports())), name="nsaudit-reports")


def read_account(plan: RunPlan, profile: str | None,
                 prepared: Prepared | None = None) -> tuple[AccountSnapshot, NetworkUse | None]:
    """The snapshot, and what reading it cost on the network (None for a saved snapshot). The pending
    reports' ids are looked up among NetSuite's transactions: ``prepared`` may still be reading them."""
    if plan.snapshot_path is not None:
        return AccountSnapshot.load(plan.snapshot_path), None
    from netsuite_audit.collect.collector import CollectOptions, Collector
    from netsuite_audit.collect.progress import progress_display
    from netsuite_audit.inputs.credentials import load_credentials
    from netsuite_audit.simulator.demo import demo_session
    from netsuite_audit.support.gcpause import keep_for_the_run

    workspace = plan.inputs.workspace
    deadline = overall_deadline(plan.timeout)  # one deadline for the whole read: Expensify and NetSuite
    later: Callable[[], tuple[str, ...]] | None = None
    report_ids: tuple[str, ...] = ()
    if isinstance(prepared, InBackground):  # still being read: the ids are asked for when needed
        background = prepared

        def later() -> tuple[str, ...]:
            loaded = background.get().reports
            return tuple(r.id for r in loaded.reports) if loaded else ()
    else:
        reports = prepared.reports if prepared is not None else plan.inputs.reports
        report_ids = tuple(r.id for r in reports.reports) if reports else ()
    restlet = restlet_of(plan)

    # An OAuth 2.0/REST connection: no SOAP classification probes (the connection does not search over SOAP),
    # and the access token list from the audit profile (the connection's role has no Access Token Management).
    rest_connection = workspace is not None and workspace.connection.resolved_kind == "oauth2-rest"

    def options(expensify: ExpensifyRead | None) -> CollectOptions:
        ids = list(report_ids)
        ids += [r.id for r in (expensify.reports or ())] if expensify is not None else []
        return CollectOptions(concurrency=plan.concurrency, account_limit=plan.account_limit,
                              report_ids=tuple(dict.fromkeys(ids)), later_report_ids=later, restlet=restlet,
                              retry=deadline, soap_version=plan.soap_version,
                              probe_soap_classifications=not rest_connection,
                              tokens_via_audit_profile=rest_connection)

    def with_expensify(snap: AccountSnapshot, expensify: ExpensifyRead | None) -> AccountSnapshot:
        return snap.model_copy(update={"expensify": expensify}) if expensify is not None else snap

    if plan.demo:
        with demo_session(auth=plan.demo_auth, connection=plan.demo_connection) as session:
            expensify = None
            if plan.expensify_demo:
                if session.expensify_creds is None or session.expensify_policy is None:
                    raise InputError("the demo account has no Expensify side", source="--expensify")
                expensify = _read_expensify(plan, session.expensify_creds, session.expensify_policy, deadline)
            with progress_display(plan.progress) as on_progress:
                collector = Collector(session.creds, audit_creds=session.audit_creds, options=options(expensify),
                                      progress=on_progress)
                snap = with_expensify(collector.collect(), expensify)
                keep_for_the_run()
                return snap, collector.network_use()
    profile = profile or (workspace.connection.profile if workspace else None)
    expensify = None
    if plan.expensify_policy:
        from netsuite_audit.expensify.credentials import load_expensify_credentials

        expensify = _read_expensify(plan, load_expensify_credentials(profile), plan.expensify_policy,
                                    deadline)
    creds = load_credentials(profile)
    audit_creds = load_credentials(plan.audit_profile) if plan.audit_profile else None
    with progress_display(plan.progress) as on_progress:
        collector = Collector(creds, audit_creds=audit_creds, options=options(expensify), progress=on_progress)
        snap = with_expensify(collector.collect(), expensify)
    keep_for_the_run()  # the snapshot lives to the end of the run
    return snap, collector.network_use()


MAX_ROWS_ENV = "NSAUDIT_MAX_ROWS"


def overall_deadline(seconds: float) -> RetryPolicy:
    """The retry policy of one audit: every request, wait and retry ends within ``seconds`` from now,
    and every client counts the rows it accepts against one row budget (``NSAUDIT_MAX_ROWS``)."""
    import time

    from netsuite_audit.netsuite.transport import RetryPolicy, RowBudget

    return RetryPolicy(deadline=time.monotonic() + seconds, deadline_label=f"the --timeout of {seconds:g} s",
                       rows=RowBudget(_max_rows()))


def _max_rows() -> int | None:
    """The run's row budget from ``NSAUDIT_MAX_ROWS`` (a whole number from 1), None for the default."""
    text = os.environ.get(MAX_ROWS_ENV, "").strip().replace("_", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 12 and int(text) >= 1):
        raise InputError("must be a whole number of rows from 1", source=f"env {MAX_ROWS_ENV}")
    return int(text)


def _read_expensify(plan: RunPlan, creds: ExpensifyCredentials, policy: str,
                    retry: RetryPolicy | None = None) -> ExpensifyRead:
    """Read the policy (and the pending reports when asked) before NetSuite: the reports' ids are
    looked up in NetSuite's transactions."""
    from netsuite_audit.expensify.models import ReportScope
    from netsuite_audit.expensify.reader import read_expensify

    scope = plan.expensify_reports
    if plan.expensify_demo and scope is None:
        scope = ReportScope.APPROVED

    def show(job: Job) -> None:
        print(f"nsaudit: expensify job: {job.kind} - {job.detail}: responseCode {job.response_code} "
              f"(HTTP {job.http_status}, {job.attempts} attempt(s), {job.elapsed_ms} ms)", file=sys.stderr, flush=True)

    read = read_expensify(creds, policy, scope, today=plan.today, on_job=show if plan.verbose else None,
                          retry=retry)
    if plan.verbose:
        print(f"nsaudit: {read.label()}: {len(read.jobs)} Integration Server job(s)", file=sys.stderr, flush=True)
    return read


def audit_account(plan: RunPlan, profile: str | None, warn: Warn = stderr_warning) -> AuditResult:
    """The whole pipeline for one account. Input files are read before the account is."""
    from netsuite_audit.audit.baseline import apply_baseline
    from netsuite_audit.audit.engine import run_checks
    from netsuite_audit.audit.mutes import MuteApplier
    from netsuite_audit.audit.verdicts import VerdictTally
    from netsuite_audit.result import Selection, build_result, current_user

    given = plan.inputs
    prepared = prepare_inputs(given)  # a live audit of one account reads the reports meanwhile
    mutes = load_mutes(plan, profile)
    baseline = load_baseline(plan, profile)
    started = datetime.now(UTC)
    if plan.history is not None:
        from netsuite_audit.history.hook import warm

        warm(plan.history)  # imported while the account is read
    snapshot, network = read_account(plan, profile, prepared)
    if plan.snapshot_path is not None and plan.expensify_policy:
        _check_saved_policy(snapshot, plan.expensify_policy, str(plan.snapshot_path))
    notes: list[str] = []  # the file overriding Expensify, said in the run and in the result
    unread_restlet = snapshot_restlet_note(plan, snapshot)
    if unread_restlet:
        notes.append(unread_restlet)
    inputs = resolved(prepared)
    workspace, reports, workspace_label = given.workspace, inputs.reports, given.workspace_label
    if snapshot.expensify is not None:
        from netsuite_audit.audit.expensify_workspace import build_workspace

        built = build_workspace(snapshot.expensify, snapshot, given.workspace, given.workspace_file)
        notes.extend(built.overrides)
        workspace = built.workspace
        if built.reports is not None:
            if reports is not None:
                notes.append(f"pending reports: {given.reports_file} is used; the reports read from Expensify are not")
            else:
                reports = built.reports
        workspace_label = workspace_source(snapshot.expensify, given.workspace_file)
        inputs = PreparedInputs(workspace, reports)  # the workspace the checks judge by is another now
    unlooked = snapshot_reports_note(plan, snapshot, reports, given.reports_file)
    if unlooked:
        notes.append(unlooked)
    tally = VerdictTally()  # verdicts from every finding; large groups of findings come back folded
    muting = MuteApplier(mutes, plan.today) if mutes is not None else None  # each finding, before folding
    findings, skipped = run_checks(list(plan.checks), snapshot, workspace, reports, today=plan.today,
                                   tally=tally, mark=muting, inputs=inputs)
    verdicts = tally.verdicts(reports)
    warnings: list[str] = [*notes, *(muting.warnings() if muting is not None else ())]
    if baseline is not None:
        baseline.check_account(snapshot.account.account_id)
        findings = apply_baseline(findings, baseline)
    for message in warnings:
        warn(message)
    explicit = {c.meta.id for c in plan.checks} if plan.include else set()
    result = build_result(
        snapshot=snapshot, findings=findings, checks=[(c.meta, c.builtin) for c in plan.checks], skipped=skipped,
        started_at=started, finished_at=datetime.now(UTC),
        selection=Selection(include=plan.include, exclude=plan.exclude, fail_on=plan.fail_on, strict=plan.strict,
                            mutes=fill(plan.mutes_path, profile) if plan.mutes_path else None,
                            baseline=fill(plan.baseline_path, profile) if plan.baseline_path else None),
        role=workspace.connection.role if workspace else None,
        workspace=workspace_label,
        workspace_name=workspace.name if workspace is not None else None, run_by=current_user(),
        reports=str(given.reports_file) if given.reports_file else (
            f"{snapshot.expensify.label()}: {snapshot.expensify.report_scope} reports"
            if snapshot.expensify is not None and reports is not None and snapshot.expensify.reports is not None
            else None),
        explicit=explicit, verdicts=verdicts, warnings=warnings, network=network,
        permissions=_permissions(snapshot, workspace, warn),
        connection=_connection(snapshot, workspace),
        snapshot_file=str(plan.snapshot_path) if plan.snapshot_path is not None else None,
    )
    if plan.history is not None:  # a failed write is one warning; the exit code stays the audit's
        from netsuite_audit.history.hook import record

        record(plan.history, result, snapshot, workspace, warn,
               source="snapshot" if plan.snapshot_path is not None else "demo" if plan.demo else "live",
               snapshot_file=plan.snapshot_path.name if plan.snapshot_path is not None else None)
    return result


def _check_saved_policy(snapshot: AccountSnapshot, policy: str, source: str) -> None:
    """Offline, --expensify-policy must name the policy the snapshot holds (nothing is read again)."""
    saved = snapshot.expensify
    if saved is None:
        raise InputError("holds nothing read from Expensify; take it with nsaudit snapshot --expensify-policy",
                         source=source)
    if policy not in (saved.policy_id, saved.policy.name):
        raise InputError(f"holds Expensify policy {saved.policy_id}, not {policy!r}", source=source)


def workspace_source(read: ExpensifyRead, path: Path | None) -> str:
    """Where the workspace came from, for every report header."""
    from netsuite_audit.audit.expensify_workspace import EXPENSIFY_KEYS

    keys = ", ".join(EXPENSIFY_KEYS)
    text = f"{read.label()} ({keys}; {len(read.jobs)} job(s))"
    # Only the file's name: reports never show where files live on the machine that ran them.
    return f"{text}; everything else and any key it sets: file {path.name}" if path else text


def _connection(snapshot: AccountSnapshot, workspace: Workspace | None) -> ResultConnection:
    from netsuite_audit.audit.connection import decide

    return ResultConnection.model_validate(decide(snapshot, workspace).to_json())


def _permissions(snapshot: AccountSnapshot, workspace: Workspace | None, warn: Warn) -> list[PermissionRow]:
    from netsuite_audit.audit.permission_matrix import permission_matrix

    try:
        return permission_matrix(snapshot, workspace)
    except InputError as exc:  # e.g. an unknown permission profile: the role-permissions check reports it
        warn(f"no permission matrix: {exc}")
        return []
