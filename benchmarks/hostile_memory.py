"""Peak memory and wall time of whole `nsaudit run` processes against hostile servers (issue 22).

```
python -m benchmarks.hostile_memory            # the figures of docs/security.md (a few minutes)
python -m benchmarks.hostile_memory --quick    # shorter time limits, a smoke run
python -m benchmarks.hostile_memory --rows 1000000   # the endless-pages case with another row budget
```

Each scenario starts a small hostile server on 127.0.0.1 in this process (tests/support/hostile.py)
and runs `python -m netsuite_audit run` against it in a child process; the child's peak resident set
(``ru_maxrss`` from ``os.wait4``) and wall time are printed and written to
``benchmarks/out/hostile-memory.json``. Targets: peak RSS under 512 MB for an endless body on every
request and for a SuiteQL ``totalResults`` of 10^12; a hanging Expensify endpoint ends within
``--timeout`` + 5 s. The exit code is 0 when every target holds, 1 otherwise.

"endless valid pages" answers every SuiteQL query with well-formed full pages that promise 40,000,000
rows (under the per-query bound), at whatever offset is asked: only the run's row budget ends it. It
runs with ``NSAUDIT_MAX_ROWS`` (``--rows``, 200,000 by default; 20,000 with ``--quick``) and reports
the peak RSS and how many bytes each accepted row cost, to size the default budget against memory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.hostile import Hostile, Request

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
WORKSPACE = ROOT / "fixtures" / "workspaces" / "healthy.toml"
RSS_TARGET_MB = 512
SUITEQL = "/services/rest/query/v1/suiteql"
SERVER_TIME = "/services/rest/system/v1/serverTime"


def _endless(request: Request) -> None:
    request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b'{"items": [' + b'{"id": "1"},' * 6000
    while not request.release.is_set():
        request.raw(chunk)


def _huge_total(request: Request) -> None:
    if request.path.startswith(SERVER_TIME):
        request.answer(200, json.dumps({"serverTime": "2026-12-01T10:00:00.000Z"}))
    elif request.path.startswith(SUITEQL):
        items = [{"id": str(n), "name": f"row {n}"} for n in range(1000)]
        request.answer(200, json.dumps({"items": items, "count": 1000, "hasMore": True, "offset": 0,
                                        "totalResults": 10**12}))
    else:
        request.answer(404, "{}")


_NEXT_ID = itertools.count(1)  # ids rise across every answer, so each partition of a large table moves on


def _endless_pages(request: Request) -> None:
    """Well-formed SuiteQL pages without end: the offset asked for, 1000 new rows, more promised."""
    from urllib.parse import parse_qs, urlsplit

    if request.path.startswith(SERVER_TIME):
        request.answer(200, json.dumps({"serverTime": "2026-12-01T10:00:00.000Z"}))
    elif request.path.startswith(SUITEQL):
        offset = int(parse_qs(urlsplit(request.path).query).get("offset", ["0"])[0])
        ids = [next(_NEXT_ID) for _ in range(1000)]
        items = [{"id": str(n), "name": f"row {n}"} for n in ids]
        request.answer(200, json.dumps({"items": items, "count": 1000, "hasMore": True, "offset": offset,
                                        "totalResults": 40_000_000}))
    else:
        request.answer(404, "{}")


def _expensify_hangs(request: Request) -> None:
    request.release.wait(600)


def _env(url: str, expensify: bool, rows: int | None = None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
        "NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck-bench-hostile-0001",
        "NSAUDIT_CONSUMER_SECRET": "cs-bench-hostile-secret", "NSAUDIT_TOKEN_ID": "tk-bench-hostile-0001",
        "NSAUDIT_TOKEN_SECRET": "ts-bench-hostile-secret", "NSAUDIT_BASE_URL": url,
        "NSAUDIT_PROFILES_FILE": str(OUT / "no-profiles.toml"), "NSAUDIT_CONFIG": "",
        "PYTHONPATH": str(ROOT),
    }
    if rows is not None:
        env["NSAUDIT_MAX_ROWS"] = str(rows)
    if expensify:
        env.update({"NSAUDIT_EXPENSIFY_USER_ID": "bench_partner_user", "NSAUDIT_EXPENSIFY_USER_SECRET":
                    "bench-partner-secret", "NSAUDIT_EXPENSIFY_BASE_URL": url})
    return env


def measure(answer: Callable[[Request], None], timeout: float, *extra: str, expensify: bool = False,
            rows: int | None = None) -> dict[str, Any]:
    """One whole run against ``answer``: exit code, wall seconds, peak RSS in MB."""
    with Hostile(answer) as server:
        command = [sys.executable, "-m", "netsuite_audit", "run", "--no-progress", "--workspace", str(WORKSPACE),
                   "--timeout", f"{timeout:g}", "-f", "text", *extra]
        started = time.monotonic()
        child = subprocess.Popen(command, env=_env(server.url, expensify, rows), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, cwd=OUT)
        assert child.stderr is not None
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": child.returncode, "wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "stderr_tail": stderr.decode("utf-8", "replace").strip().splitlines()[-1:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter time limits (a smoke run)")
    parser.add_argument("--rows", type=int, default=None,
                        help="NSAUDIT_MAX_ROWS for the endless-pages case (200000; 20000 with --quick)")
    args = parser.parse_args(argv)
    rows = args.rows or (20_000 if args.quick else 200_000)
    OUT.mkdir(parents=True, exist_ok=True)
    limit = 8.0 if args.quick else 30.0
    hang = 3.0 if args.quick else 15.0
    results = {
        "endless body on every request": measure(_endless, limit),
        "SuiteQL totalResults 10^12": measure(_huge_total, limit),
        f"endless valid pages, NSAUDIT_MAX_ROWS {rows}": measure(_endless_pages, 600.0, rows=rows),
        f"Expensify hangs, --timeout {hang:g}": measure(_expensify_hangs, hang, "--expensify-policy", "P1",
                                                       expensify=True),
    }
    targets = []
    for name, figures in results.items():
        if name.startswith("Expensify"):
            ok = figures["wall_s"] <= hang + 5 and figures["exit"] == 3
            measured = f"{figures['wall_s']} s (target <= {hang + 5:g} s), exit {figures['exit']}"
        elif name.startswith("endless valid pages"):  # ended by the row budget, never by the time limit
            ok = figures["exit"] == 3 and figures["wall_s"] < 300
            measured = (f"{figures['peak_rss_mb']} MB peak RSS at a budget of {rows} rows "
                        f"({figures['peak_rss_mb'] * 1024 * 1024 / rows:.0f} bytes a row), exit {figures['exit']}")
        else:
            ok = figures["peak_rss_mb"] < RSS_TARGET_MB and figures["exit"] == 3
            measured = f"{figures['peak_rss_mb']} MB peak RSS (target < {RSS_TARGET_MB} MB), exit {figures['exit']}"
        targets.append({"scenario": name, "measured": measured, "pass": ok, **figures})
        print(f"{'ok  ' if ok else 'MISS'} {name}: {measured}; {figures['wall_s']} s")
    name = "hostile-memory-quick.json" if args.quick else "hostile-memory.json"
    (OUT / name).write_text(json.dumps({"targets": targets}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(t["pass"] for t in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
