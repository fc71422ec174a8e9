"""Runs checks over a snapshot. Honest by construction: a check whose tables could not be read is
UNVERIFIABLE (naming the permission), a check that raises is ERROR, and a check that finds nothing
is one PASS."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from netsuite_audit.audit.aggregate import fold_findings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.audit.references import AmbiguousName, Reference, UnresolvedReference
from netsuite_audit.audit.registry import LoadedCheck
from netsuite_audit.audit.state import PreparedInputs, RunState
from netsuite_audit.audit.unknown import column_manual, column_missing_text, missing_columns
from netsuite_audit.audit.verdicts import VerdictTally
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.snapshot import AccountSnapshot, ReadState
from netsuite_audit.support.gcpause import cycle_collection_paused

NEEDS_WORKSPACE = "needs a workspace description (--workspace)"
NEEDS_SUBJECTS = "needs a workspace description (--workspace) or pending reports (--reports) to judge"
# Reasons that mean "the user did not hand over what the check judges": --strict makes them exit 3.
NEEDS_INPUTS = (NEEDS_WORKSPACE, NEEDS_SUBJECTS)
LOGIN_MISSING = "a working token-based login (see NS0109)"
# Tables read only for ids the run's inputs give (the pending reports' transactions). A snapshot taken
# without those ids never asked for them: the check runs and says, per item, what was not looked up.
LOOKUP_TABLES = frozenset({"transaction"})


def applicable(check: LoadedCheck, *, reports: PendingReports | None, workspace_given: bool,
               expensify: bool = False) -> str | None:
    """Why a check does not apply to this run (``None`` when it does)."""
    if check.meta.needs_expensify and not expensify:
        return "needs an Expensify policy read in this run (--expensify-policy)"
    if check.meta.needs_reports and reports is None:
        return "needs pending reports (--reports)"
    if check.meta.needs_workspace and not workspace_given:
        return NEEDS_WORKSPACE
    given = {"workspace": workspace_given, "reports": reports is not None}
    if check.meta.judges and not any(given[source] for source in check.meta.judges):
        return NEEDS_SUBJECTS
    return None


Mark = Callable[[Finding], Finding]


def run_check(check: LoadedCheck, ctx: Context, tally: VerdictTally | None = None,
              mark: Mark | None = None) -> list[Finding]:
    """The check's findings. With ``tally``, every finding is counted into the per-report verdicts as it
    is produced and large groups are folded (audit.aggregate), so a check that yields a million findings
    never holds them all; the tally only takes the findings of a check that finished. ``mark`` (the
    run's mutes) is applied to each finding as it is produced, before any folding."""
    if tally is None:
        return _run(check, ctx, None, mark)[0]
    staged = VerdictTally()
    findings, counted = _run(check, ctx, staged, mark)
    if counted:
        tally.merge(staged)
    else:
        for finding in findings:
            tally.add(finding)
    return findings


def _run(check: LoadedCheck, ctx: Context, staged: VerdictTally | None,
         mark: Mark | None = None) -> tuple[list[Finding], bool]:
    """The findings, and whether ``staged`` already counted them (the check ran to the end)."""
    meta = check.meta
    snap = ctx.snapshot
    if meta.needs_login and not snap.login.any_ok and _unreachable(snap):
        return [ctx.unverifiable(
            "Not checked: nsaudit could not reach NetSuite (a connection failure, not a login problem), so "
            "nothing could be read.",
            missing="an answer from NetSuite (see the NS0109 finding for the cause)",
            manual=("Fix the connection first (the URL, host and network; see the NS0109 finding), then run "
                    "nsaudit again.",),
        )], False
    if meta.needs_login and not snap.login.any_ok:
        return [ctx.unverifiable(
            "Not checked: nsaudit could not log in to NetSuite, so nothing could be read.",
            missing=LOGIN_MISSING,
            manual=("Fix the login first (see the NS0109 finding), then run nsaudit again.",),
        )], False
    unread = [t for t in meta.reads
              if not snap.readable(t) and not (t in LOOKUP_TABLES and snap.read(t).state == ReadState.SKIPPED)]
    if unread:
        return [_unreadable(ctx, unread)], False
    not_returned = missing_columns(snap, meta.columns)
    if not_returned:
        return [_columns_unknown(ctx, not_returned)], False
    try:
        with cycle_collection_paused():
            if staged is None:
                results = list(_marked(check.run(ctx), mark))
            else:
                produced = _unique_ids_lazy(_with_catalog_fix(f) for f in check.run(ctx))
                results = list(fold_findings(_marked(_counted(produced, staged), mark)))
    except UnresolvedReference as exc:  # the check builds on a workspace reference that matches nothing
        return [_depends_on(ctx, exc.reference)], False
    except AmbiguousName as exc:  # a name in use that two records carry: either could be the one meant
        return [_ambiguous(ctx, exc)], False
    except Exception as exc:  # a broken check is reported, never silently a PASS
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return [ctx._finding(
            Status.ERROR,
            f"The check itself failed: {type(exc).__name__}: {exc} "
            f"({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}). Its verdict is unknown.",
        )], False
    if staged is not None:
        return results or [ctx.passed("No problems found.")], bool(results)
    if not results:
        results = [ctx.passed("No problems found.")]
    return _unique_ids([_with_catalog_fix(f) for f in results]), False


def _unreachable(snap: AccountSnapshot) -> bool:
    """Every login probe tried failed in transit: no answer at all, so nothing says the login is wrong."""
    probes = [p for p in (snap.login.soap, snap.login.rest) if p is not None]
    return bool(probes) and all(p.error in ("network", "concurrency", "server") for p in probes)


def _marked(findings: Iterable[Finding], mark: Mark | None) -> Iterable[Finding]:
    return findings if mark is None else map(mark, findings)


def _counted(findings: Iterable[Finding], tally: VerdictTally) -> Iterator[Finding]:
    for finding in findings:
        tally.add(finding)
        yield finding


def _with_catalog_fix(finding: Finding) -> Finding:
    """A FAIL or WARN with no fix steps of its own gets the catalog's steps for its code."""
    if finding.fix or finding.status not in (Status.FAIL, Status.WARN) or not finding.code:
        return finding
    from netsuite_audit.catalog import load_catalog

    catalog = load_catalog()
    if finding.code not in catalog:
        return finding
    entry = catalog.get(finding.code)
    return finding.model_copy(update={"fix": (*entry.fix.netsuite, *entry.fix.web)})


def _unreadable(ctx: Context, tables: list[str]) -> Finding:
    snap = ctx.snapshot
    failed = [t for t in tables if snap.read(t).failed_in_transit]
    if failed:
        return _failed_in_transit(ctx, tables, failed)
    parts, details, manual = [], [], []
    for table in tables:
        read = snap.read(table)
        perm = read.permission
        parts.append(describe_permission(perm) if perm else f"read access to {table}")
        if read.detail:
            details.append(f"{table}: {read.detail}")
        if read.state == ReadState.UNAVAILABLE and read.detail:
            continue
        if perm:
            manual.append(f"In NetSuite, open the integration role and confirm {describe_permission(perm)}.")
    message = (
        f"Not checked: nsaudit could not read {', '.join(tables)}."
        + (f" NetSuite said: {'; '.join(details)}" if details else "")
    )
    return ctx.unverifiable(message, missing="; ".join(dict.fromkeys(parts)), manual=tuple(manual),
                            evidence={"tables": tables})


def _failed_in_transit(ctx: Context, tables: list[str], failed: list[str]) -> Finding:
    """A read that failed in transit says what happened; it is never a missing permission."""
    snap = ctx.snapshot
    what = {t: snap.read(t).detail or f"the read of {t} failed ({snap.read(t).failure})" for t in failed}
    message = (
        f"Not checked: nsaudit could not read {', '.join(failed)} because the connection to NetSuite failed "
        f"(not a permission problem): {'; '.join(f'{t}: {d}' for t, d in what.items())}"
    )
    return ctx.unverifiable(
        message,
        missing=f"a complete answer from NetSuite for {', '.join(failed)}",
        manual=("Run nsaudit again; if the failure repeats, check the network path to NetSuite and the "
                "account's concurrency use (other integrations running at the same time).",),
        evidence={"tables": tables, "read_failures": what},
    )


def _columns_unknown(ctx: Context, refs: list[str]) -> Finding:
    snap = ctx.snapshot
    return ctx.unverifiable(
        f"Not checked: NetSuite did not return {', '.join(refs)}, so those values are unknown (not "
        "empty) and the verdict depends on them.",
        missing=column_missing_text(snap, refs), manual=column_manual(snap, refs),
        evidence={"columns_not_returned": refs},
    )


def _depends_on(ctx: Context, ref: Reference) -> Finding:
    how = ("matches no record in NetSuite" if ref.state == "unresolved"
           else f"matches {len(ref.matches)} records in NetSuite")
    return ctx.unverifiable(
        f"Not checked: this check builds on the workspace's {ref.label}, which {how} (see the "
        "workspace-references finding).",
        missing=f"a workspace {ref.path} that names exactly one NetSuite record",
        manual=(f"Correct {ref.path} in the workspace description (its internal id is safest), then run "
                "nsaudit again.",),
        evidence={"setting": ref.path, "value": ref.ref, "state": ref.state},
    )


def _ambiguous(ctx: Context, exc: AmbiguousName) -> Finding:
    ids = ", ".join(str(i) for i in exc.ids[:10]) + (", ..." if len(exc.ids) > 10 else "")
    return ctx.unverifiable(
        f"Not checked: the name {exc.name!r}, used by the workspace or a pending report, is carried by "
        f"{len(exc.ids)} {exc.table} records in NetSuite (internal ids {ids}); which one the integration "
        "would use is unknown, so neither is judged.",
        missing=f"a {exc.table} name that matches exactly one record",
        manual=(f"Give the {exc.table} record by its internal id (or a name only one record carries) in the "
                "workspace description and on the reports, then run nsaudit again.",),
        evidence={"table": exc.table, "name": exc.name, "internal_ids": list(exc.ids)},
    )


def _unique_ids(findings: list[Finding]) -> list[Finding]:
    return list(_unique_ids_lazy(findings))


def _unique_ids_lazy(findings: Iterable[Finding]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for finding in findings:
        count = seen.get(finding.id, 0)
        seen[finding.id] = count + 1
        yield finding if count == 0 else finding.model_copy(update={"id": f"{finding.id}#{count + 1}"})


def run_checks(
    checks: Iterable[LoadedCheck],
    snapshot: AccountSnapshot,
    workspace: Workspace | None = None,
    reports: PendingReports | None = None,
    *,
    today: date | None = None,
    tally: VerdictTally | None = None,
    mark: Mark | None = None,
    inputs: PreparedInputs | None = None,
) -> tuple[list[Finding], list[tuple[str, str]]]:
    """All findings, in check order, and the checks skipped as (check id, reason). ``today`` is the
    run's date for date-based checks (default: the day the snapshot was collected).

    With ``tally`` the per-report verdicts are gathered while the checks run and large groups of
    findings are folded into one each (see ``run_check``); ``mark`` is applied to every finding before
    that folding. ``inputs`` are the workspace and reports already indexed (a live run prepares them while
    it reads the account); the run's state (audit/state.py) is built on them, one per call."""
    workspace_given = workspace is not None
    if inputs is None or inputs.reports is not reports or (workspace_given and inputs.workspace is not workspace):
        inputs = PreparedInputs(workspace or Workspace(), reports)
    ws = inputs.workspace
    state = RunState(inputs, snapshot)
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    # The indexes the checks share (``state``) live as long as the run: between checks the cycle
    # collector would walk them again and again, so it waits for the last check, and what is left then
    # is kept out of its sight like the inputs (see gcpause).
    with cycle_collection_paused(keep=True):
        for check in checks:
            reason = applicable(check, reports=reports, workspace_given=workspace_given,
                                expensify=snapshot.expensify is not None)
            if reason:
                skipped.append((check.meta.id, reason))
                continue
            ctx = Context(meta=check.meta, snapshot=snapshot, workspace=ws, reports=reports,
                          workspace_given=workspace_given, today=today, run_state=state)
            idle = check.idle(ctx) if check.idle is not None else None
            if idle:  # the inputs hold nothing this check judges: not run, never a PASS that checked nothing
                skipped.append((check.meta.id, idle))
                continue
            findings.extend(run_check(check, ctx, tally, mark))
    return findings, skipped


__all__ = ["run_check", "run_checks"]
