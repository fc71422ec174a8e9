"""Per-run state (audit/state.py): what the checks share is built once per account and kept on that
account's run, so two accounts audited in one process, even at the same time, each get their own
findings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.lookups import warm
from netsuite_audit.audit.model import Finding
from netsuite_audit.audit.registry import load_checks
from netsuite_audit.audit.state import PreparedInputs, RunState
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.snapshot import AccountSnapshot
from tests.support.e2e import FIXTURES, account_data, collect_from, serve

DEMO_WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
DEMO_REPORTS = FIXTURES / "reports" / "demo.json"


@pytest.fixture(scope="module")
def two_accounts() -> tuple[AccountSnapshot, AccountSnapshot]:
    """The demo account (planted defects) and the healthy one, each read from its own simulator."""
    snapshots = []
    for name in ("demo", "healthy"):
        with serve(account_data(name)) as server:
            snapshots.append(collect_from(server))
    return snapshots[0], snapshots[1]


def _key(findings: list[Finding]) -> list[tuple[str, str, str | None, str]]:
    return [(f.check_id, f.status.value, f.code, f.message) for f in findings]


def _audit(snapshot: AccountSnapshot, workspace: Workspace, reports: PendingReports,
           inputs: PreparedInputs | None = None) -> list[Finding]:
    findings, _ = run_checks(load_checks(), snapshot, workspace, reports, inputs=inputs)
    return findings


def test_two_accounts_at_once_each_get_their_own_findings(
        two_accounts: tuple[AccountSnapshot, AccountSnapshot]) -> None:
    demo, healthy = two_accounts
    workspace, reports = Workspace.load(DEMO_WORKSPACE), PendingReports.load(DEMO_REPORTS)
    alone = [_key(_audit(snap, workspace, reports)) for snap in (demo, healthy)]
    assert alone[0] != alone[1]  # the accounts differ, so a shared index would show
    # The same workspace and reports objects, both accounts at once, three times over.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(3):
            together = list(pool.map(lambda snap: _key(_audit(snap, workspace, reports)), (demo, healthy)))
            assert together == alone
    # One after the other in one thread, the second account after the first.
    assert [_key(_audit(snap, workspace, reports)) for snap in (healthy, demo)] == alone[::-1]


def test_prepared_inputs_are_shared_but_the_account_state_is_not(
        two_accounts: tuple[AccountSnapshot, AccountSnapshot]) -> None:
    demo, healthy = two_accounts
    workspace, reports = Workspace.load(DEMO_WORKSPACE), PendingReports.load(DEMO_REPORTS)
    alone = [_key(_audit(snap, workspace, reports)) for snap in (demo, healthy)]
    inputs = warm(PreparedInputs(workspace, reports))  # as a live run prepares them in the background
    assert [_key(_audit(snap, workspace, reports, inputs)) for snap in (demo, healthy)] == alone


def test_a_run_state_holds_what_it_built_once(two_accounts: tuple[AccountSnapshot, AccountSnapshot]) -> None:
    demo, healthy = two_accounts
    inputs = PreparedInputs(Workspace.load(DEMO_WORKSPACE), PendingReports.load(DEMO_REPORTS))
    first, second = RunState(inputs, demo), RunState(inputs, healthy)
    built: list[str] = []
    assert first.once("x", lambda: built.append("first") or 1) == 1
    assert first.once("x", lambda: built.append("again") or 2) == 1
    assert second.once("x", lambda: built.append("second") or 3) == 3
    assert built == ["first", "second"]
    assert first.line_index is second.line_index is inputs.line_index  # an index of the inputs alone
    assert first.fits(demo, inputs.workspace, inputs.reports) and not first.fits(healthy, inputs.workspace,
                                                                                 inputs.reports)


def test_nothing_is_kept_in_a_module_between_runs() -> None:
    """The engine's modules keep no per-run dictionaries: every cache is on the run (see also
    tests/meta/test_layers.py, which forbids caches keyed by ``id()``). What a row type has (``*_ATTRS``,
    keyed by class) is a fact of the code, the same in every run."""
    import netsuite_audit.audit.line_index as line_index
    import netsuite_audit.audit.lookups as lookups
    import netsuite_audit.audit.references as references

    for module in (lookups, line_index, references):
        names = [n for n, v in vars(module).items() if isinstance(v, dict) and n.startswith("_") and n.isupper()
                 and not n.endswith("_ATTRS")]
        assert names == [], f"{Path(module.__file__ or '').name}: {names}"
