"""The offline evaluation, measured from inside a fresh process.

``python -m benchmarks.offline SNAPSHOT WORKSPACE REPORTS [--profile FILE]`` loads the saved snapshot,
the workspace and the pending reports, runs every check, and prints one JSON line:

* ``cpu_s``: user+system CPU (``resource.getrusage``) from just before the snapshot is loaded to the
  last finding, imports excluded;
* ``cpu_total_s``: the whole process's CPU, interpreter start-up and imports included;
* ``maxrss_mb``: the process's peak resident set size: ``VmHWM`` from ``/proc/self/status`` (on
  Linux ``ru_maxrss`` of a child of ``benchmarks.run`` starts from the parent's peak, so it is used
  only where /proc is not there);
* ``check_cpu_s``: CPU per check, to find a slow one;
* ``over_budget``: checks stopped after ``--check-budget`` CPU seconds (their CPU still counts), so
  that one runaway check cannot hang the benchmark.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's own peak resident set size in MB (``VmHWM``; ``ru_maxrss`` where there is no /proc).

    ``ru_maxrss`` is not used on Linux: a process forked by a larger one (``benchmarks.run`` spawns
    this one) starts with its parent's peak, and keeps it until it exceeds it.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, else kB


class OverBudget(BaseException):  # not an Exception: the engine must not turn it into ERROR
    """Raised inside a check that used up its CPU budget."""


def _stop_check(signum: int, frame: Any) -> None:
    raise OverBudget


def _budget(seconds: float) -> None:
    """Arm (or with 0, disarm) a CPU-time alarm that interrupts the running check."""
    signal.setitimer(signal.ITIMER_PROF, seconds)


def evaluate(snapshot_path: Path, workspace_path: Path, reports_path: Path,
             check_budget: float = 10.0) -> dict[str, Any]:
    from netsuite_audit.audit.context import Context
    from netsuite_audit.audit.engine import applicable, run_check
    from netsuite_audit.audit.registry import load_checks
    from netsuite_audit.audit.state import RunState
    from netsuite_audit.inputs.pending import PendingReports
    from netsuite_audit.inputs.workspace import Workspace
    from netsuite_audit.snapshot import AccountSnapshot

    checks = load_checks()
    started = _cpu()
    wall = time.perf_counter()
    snapshot = AccountSnapshot.load(snapshot_path)
    loaded_snapshot = _cpu()
    workspace = Workspace.load(workspace_path)
    reports = PendingReports.load(reports_path)
    loaded_inputs = _cpu()
    per_check: dict[str, float] = {}
    over: list[str] = []
    findings = 0
    signal.signal(signal.SIGPROF, _stop_check)
    state = RunState.of(snapshot, workspace, reports)  # one per run, as the engine makes it
    for check in checks:
        if applicable(check, reports=reports, workspace_given=True):
            continue
        before = _cpu()
        ctx = Context(meta=check.meta, snapshot=snapshot, workspace=workspace, reports=reports,
                      workspace_given=True, run_state=state)
        try:
            _budget(check_budget)
            try:
                findings += len(run_check(check, ctx))
            finally:
                _budget(0)
        except OverBudget:
            over.append(check.meta.id)
        per_check[check.meta.id] = round(_cpu() - before, 4)
    done = _cpu()
    return {
        "cpu_s": round(done - started, 3),
        "cpu_load_snapshot_s": round(loaded_snapshot - started, 3),
        "cpu_load_inputs_s": round(loaded_inputs - loaded_snapshot, 3),
        "cpu_checks_s": round(done - loaded_inputs, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_total_s": round(done, 3),
        "maxrss_mb": round(peak_rss_mb(), 1),
        "findings": findings,
        "over_budget": over,
        "check_cpu_s": dict(sorted(per_check.items(), key=lambda kv: -kv[1])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.offline")
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the evaluation here")
    parser.add_argument("--check-budget", type=float, default=10.0, help="CPU seconds one check may use")
    args = parser.parse_args(argv)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        figures = profiler.runcall(evaluate, args.snapshot, args.workspace, args.reports, args.check_budget)
        profiler.dump_stats(args.profile)
    else:
        figures = evaluate(args.snapshot, args.workspace, args.reports, args.check_budget)
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
