"""A pending-reports CSV of a million lines, every line a finding (issue 10 item 9).

``python -m benchmarks.huge_reports [--lines N]`` writes ``benchmarks/out/huge/reports.csv`` (N lines,
default 1,000,000, ten lines a report, every merchant flagged by merchant-characters: two lines in
three rejected, one in three unusual, the first of each report clean) and a minimal snapshot, then runs
``nsaudit run --snapshot ... --reports ... --check merchant-characters -f json:... -f text:...`` in its
own process and prints one JSON line: wall seconds, the process's peak RSS, findings in the result
(folded: one per check and cause), the total they stand for, and the size of the text output.

Kept apart from ``benchmarks.run`` (whose speed targets are the whole-account runs): this one shows
that the run finishes, that memory follows the input rather than the finding count, and that the text
report stays small. Figures are for reading, not for unit-test assertions (the machine is shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "huge"
PER_REPORT = 10


def write_reports(path: Path, lines: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["report_id", "employee", "amount", "merchant", "category", "currency"])
        for n in range(lines):
            merchant = "Cafe" if n % PER_REPORT == 0 else ("Uber *Trip" if n % 3 else "Shop \u2122")
            writer.writerow([f"R{n // PER_REPORT:07d}", "sam.rivera@northwind.example", "12.50", merchant, "1", "USD"])


def write_snapshot(path: Path) -> None:
    from tests.support.check_cases import build_snapshot

    path.write_text(build_snapshot(None).to_json(), encoding="utf-8")


def run(lines: int) -> dict[str, object]:
    OUT.mkdir(parents=True, exist_ok=True)
    reports, snapshot = OUT / "reports.csv", OUT / "snapshot.json"
    result_path, text_path = OUT / "result.json", OUT / "result.txt"
    write_reports(reports, lines)
    write_snapshot(snapshot)
    command = [sys.executable, "-m", "netsuite_audit", "run", "--snapshot", str(snapshot), "--reports", str(reports),
               "--check", "merchant-characters", "--no-color", "-f", f"json:{result_path}", "-f", f"text:{text_path}"]
    started = time.monotonic()
    done = subprocess.run(command, env={**os.environ, "NSAUDIT_CONFIG": ""}, capture_output=True, text=True,
                          check=False)
    wall = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the only child this process ran
    if done.returncode not in (0, 1):
        raise SystemExit(f"nsaudit exited {done.returncode}: {done.stderr.strip()}")
    data = json.loads(result_path.read_text(encoding="utf-8"))
    return {
        "lines": lines,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "findings": len(data["findings"]),
        "stands_for": data["summary"]["total"],
        "report_verdicts": len(data["report_verdicts"]),
        "text_bytes": text_path.stat().st_size,
        "result_json_bytes": result_path.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(run(args.lines)))


if __name__ == "__main__":
    main()
