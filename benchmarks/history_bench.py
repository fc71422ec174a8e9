"""``python -m benchmarks.history_bench [--size XL] [--runs 3]``: what recording a run in the audit
history costs, against the time of that run, for SQLite and PostgreSQL. Target: under 5 % of the run.

Needs the size's files from ``python -m benchmarks.run --sizes XL`` (benchmarks/out/XL: the generated
account, the snapshot, the workspace, the reports, a live run's result JSON).

1. **The write** (judged): in a fresh interpreter, after the imports a live run makes in the
   background while it reads the account (``history/hook.py``), the time to build the rows from the
   result and the snapshot, open the database (check its schema revision; the first write into a new
   database creates it with Alembic), write the run in one transaction and close. First write and
   the median of warm writes. The cold figure (the imports included) is shown too.
2. **The whole process** (shown): live ``nsaudit run`` of the size against ``nsaudit sim serve``
   (200 ms latency, concurrency 5, as benchmarks.run), interleaved ``--no-history`` / SQLite /
   PostgreSQL runs; the medians' difference. On a shared machine the runs' spread is larger than
   the difference, so this confirms, it does not judge.

PostgreSQL is a server this benchmark starts on loopback (tests/support/postgres.py, as the tests
do), skipped with a note when no PostgreSQL binaries exist.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
TARGET = 0.05
WARM_WRITES = 5

_CHILD = """
import json, sys, time
from netsuite_audit.inputs.given import read_inputs
from netsuite_audit.result import AuditResult
from netsuite_audit.snapshot import AccountSnapshot
result = AuditResult.load(__import__("pathlib").Path(sys.argv[2]))
snapshot = AccountSnapshot.load(__import__("pathlib").Path(sys.argv[3]))
workspace = read_inputs(__import__("pathlib").Path(sys.argv[4]), None).workspace
cold = sys.argv[5] == "cold"
if not cold:  # what history/hook.py's warm() imports while a live run reads the account
    from netsuite_audit.history.hook import warm
    warm(sys.argv[1])
    import threading
    for thread in threading.enumerate():
        if thread.name == "nsaudit-history-import":
            thread.join()
started = time.perf_counter()
from netsuite_audit.history.record import build_record
from netsuite_audit.history.store import HistoryStore
record = build_record(result, snapshot, workspace=workspace, source="live")
store = HistoryStore.open(sys.argv[1])
store.record(record)
store.close()
print(json.dumps({"seconds": time.perf_counter() - started, "findings": len(record.findings),
                  "permissions": len(record.permissions), "identities": len(record.identities)}))
"""


def _record_once(url: str, result: Path, snapshot: Path, workspace: Path, mode: str = "warm") -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, url, str(result), str(snapshot), str(workspace), mode],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"history_bench: recording failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _backend(url: str, files: tuple[Path, Path, Path]) -> dict[str, Any]:
    first = _record_once(url, *files)
    warm = [_record_once(url, *files)["seconds"] for _ in range(WARM_WRITES)]
    cold = [_record_once(url, *files, mode="cold")["seconds"] for _ in range(3)]
    return {"first_write_s": first["seconds"], "warm_writes_s": warm, "warm_median_s": statistics.median(warm),
            "cold_median_s": statistics.median(cold), "cold_s": cold,
            "rows": {k: first[k] for k in ("findings", "permissions", "identities")}}


def _whole_process(folder: Path, histories: dict[str, str | None], runs: int) -> dict[str, Any]:
    """Live runs of the size, interleaved per history setting; wall seconds per setting."""
    from benchmarks.e2e import AUDIT_PROFILE, PROFILE, _env, measured, nsaudit_command, warm_bytecode, write_profiles
    from benchmarks.simproc import SimProcess

    account = json.loads((folder / "account.json").read_text(encoding="utf-8"))
    warm_bytecode()
    walls: dict[str, list[float]] = {name: [] for name in histories}
    cpus: dict[str, list[float]] = {name: [] for name in histories}
    for n in range(runs):
        for name, url in histories.items():
            with SimProcess(folder / "account.json", 200, 5) as server:
                profiles = folder / "profiles.toml"
                write_profiles(profiles, account, server.url)
                env = _env(profiles)
                cmd = [*nsaudit_command(), "run", "--profile", PROFILE, "--audit-profile", AUDIT_PROFILE,
                       "--concurrency", "5", "--workspace", str(folder / "workspace.json"),
                       "--reports", str(folder / "reports.json"), "-f", f"json:{folder / 'result-history.json'}",
                       "--no-progress"]
                cmd += ["--no-history"] if url is None else ["--history", url]
                stderr = folder / f"stderr-history-{name}-{n}.txt"
                figures = measured(cmd, env, stderr)
                if "history not recorded" in stderr.read_text(encoding="utf-8", errors="replace"):
                    raise SystemExit(f"history_bench: the {name} run did not record its history ({stderr})")
                walls[name].append(float(figures["wall_s"]))
                cpus[name].append(float(figures["cpu_s"]))
    return {name: {"wall_s": statistics.median(w), "runs": w, "cpu_s": statistics.median(cpus[name]),
                   "cpu_runs": cpus[name]} for name, w in walls.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", default="XL")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs per history setting")
    args = parser.parse_args()
    folder = args.out / args.size
    figures = json.loads((args.out / f"results-{args.size}.json").read_text(encoding="utf-8"))
    size = next(s for s in figures["sizes"] if s["size"]["name"] == args.size)
    run_s = float(size["e2e"]["live"]["wall_s"])
    offline_s = float(size["e2e"]["offline"]["wall_s"])
    results = sorted(folder.glob("result-live-*.json"))
    if not results:
        raise SystemExit(f"history_bench: no result-live-*.json in {folder}: run python -m benchmarks.run "
                         f"--sizes {args.size} first")
    files = (results[0], folder / "snapshot.json", folder / "workspace.json")
    report: dict[str, Any] = {"size": args.size, "run_wall_s": run_s, "offline_wall_s": offline_s,
                              "target_ratio": TARGET, "backends": {}}
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    server = PostgresServer(bindir).start() if bindir is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="nsaudit-history-bench-") as tmp:
            report["backends"]["sqlite"] = _backend(str(Path(tmp) / "history.sqlite3"), files)
            histories: dict[str, str | None] = {"none": None, "sqlite": str(Path(tmp) / "whole.sqlite3")}
            if server is not None:
                report["backends"]["postgresql"] = _backend(server.new_database(), files)
                histories["postgresql"] = server.new_database()
            else:
                report["backends"]["postgresql"] = {"skipped": "no PostgreSQL server binaries on this machine"}
            report["whole_process"] = _whole_process(folder, histories, args.runs) if args.runs else {}
    finally:
        if server is not None:
            server.stop()
    ok = True
    print(f"{args.size}: the live run takes {run_s:.2f} s (median whole-process wall, results-{args.size}.json); "
          f"offline {offline_s:.2f} s")
    for name, fig in report["backends"].items():
        if "skipped" in fig:
            print(f"  {name:<10} skipped: {fig['skipped']}")
            continue
        ratio = fig["warm_median_s"] / run_s  # every run pays this; the first write once per database
        ok = ok and ratio < TARGET
        fig["ratio"] = ratio
        print(f"  {name:<10} write {fig['warm_median_s'] * 1000:4.0f} ms (median, "
              f"{[round(s * 1000) for s in fig['warm_writes_s']]}), {fig['rows']['findings']} findings: "
              f"{ratio:.1%} of the run (target < {TARGET:.0%}): {'PASS' if ratio < TARGET else 'MISS'}; "
              f"first write into a new database {fig['first_write_s'] * 1000:.0f} ms "
              f"({fig['first_write_s'] / run_s:.1%}); cold, imports included, {fig['cold_median_s'] * 1000:.0f} ms "
              f"({fig['cold_median_s'] / run_s:.1%})")
    whole = report.get("whole_process") or {}
    if whole:
        base, base_cpu = whole["none"]["wall_s"], whole["none"]["cpu_s"]
        for name, fig in whole.items():
            delta, cpu = fig["wall_s"] - base, fig["cpu_s"] - base_cpu
            runs = [round(w, 2) for w in fig['runs']]
            print(f"  whole process, {name:<10} wall median {fig['wall_s']:.2f} s {runs}, "
                  f"CPU median {fig['cpu_s']:.2f} s"
                  + ("" if name == "none" else f"; wall {delta:+.2f} s ({delta / base:+.1%}), CPU {cpu:+.2f} s "
                                               f"({cpu / base_cpu:+.1%}) against --no-history"))
    (args.out / f"history-{args.size}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
