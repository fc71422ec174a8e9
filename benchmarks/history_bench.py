"""``python -m benchmarks.history_bench [--size XL]``: what recording a run in the audit history costs,
against the time of that run, for SQLite and PostgreSQL. Target: under 5 % of the run's time.

Needs the size's files from ``python -m benchmarks.run --sizes XL`` (benchmarks/out/XL: the snapshot,
the workspace, the reports and the live runs' result JSON, and results-XL.json for the run's time).
Each recording is timed in a fresh interpreter, as ``nsaudit run`` pays it: importing the history
package (SQLAlchemy), building the rows from the result and the snapshot, opening the database
(checking its schema revision; on the first write into a new database, creating it with Alembic),
writing the run in one transaction, closing. Loading the result and the snapshot is not timed (the
run has them in memory). PostgreSQL is a server this benchmark starts on loopback (tests/support/
postgres.py: the same as the tests'), skipped with a note when no PostgreSQL binaries exist.
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


def _record_once(url: str, result: Path, snapshot: Path, workspace: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, url, str(result), str(snapshot), str(workspace)],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"history_bench: recording failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _backend(url: str, files: tuple[Path, Path, Path]) -> dict[str, Any]:
    first = _record_once(url, *files)
    warm = [_record_once(url, *files)["seconds"] for _ in range(WARM_WRITES)]
    return {"first_write_s": first["seconds"], "warm_writes_s": warm, "warm_median_s": statistics.median(warm),
            "rows": {k: first[k] for k in ("findings", "permissions", "identities")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", default="XL")
    parser.add_argument("--out", type=Path, default=OUT)
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
    with tempfile.TemporaryDirectory(prefix="nsaudit-history-bench-") as tmp:
        report["backends"]["sqlite"] = _backend(str(Path(tmp) / "history.sqlite3"), files)
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        report["backends"]["postgresql"] = {"skipped": "no PostgreSQL server binaries on this machine"}
    else:
        server = PostgresServer(bindir).start()
        try:
            report["backends"]["postgresql"] = _backend(server.new_database(), files)
        finally:
            server.stop()
    ok = True
    print(f"{args.size}: the live run takes {run_s:.2f} s (median whole-process wall, results-{args.size}.json); "
          f"offline {offline_s:.2f} s")
    for name, fig in report["backends"].items():
        if "skipped" in fig:
            print(f"  {name:<10} skipped: {fig['skipped']}")
            continue
        worst = max(fig["first_write_s"], fig["warm_median_s"])
        ratio = worst / run_s
        ok = ok and ratio < TARGET
        fig["ratio"] = ratio
        print(f"  {name:<10} first write (new database, migration) {fig['first_write_s'] * 1000:7.0f} ms, warm "
              f"median {fig['warm_median_s'] * 1000:6.0f} ms {[round(s * 1000) for s in fig['warm_writes_s']]}; "
              f"{fig['rows']['findings']} findings; worst {ratio:.1%} of the run (target < {TARGET:.0%}): "
              f"{'PASS' if ratio < TARGET else 'MISS'}")
    (args.out / f"history-{args.size}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
