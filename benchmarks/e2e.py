"""Whole-process figures: ``nsaudit run`` as a user runs it, live and offline.

Live: the generated account is served by ``nsaudit sim serve --latency-ms L --concurrency C`` in its
own process (a fresh server for every run, so its counters belong to that run), and
``nsaudit run --concurrency C --workspace … --reports … -f json:…`` is timed as a child process
(``benchmarks.measure``: interpreter start-up and imports included). The network lower bound of a run
is ``ceil(calls / C) x L`` with ``calls`` the requests the simulator answered in that run.

Offline: ``nsaudit run --snapshot …`` on the collected snapshot, timed the same way, against the time a
fresh interpreter needs to ``json.load`` the snapshot, workspace and reports files (measured in the same
benchmark run).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.simproc import SimProcess

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "bench"
AUDIT_PROFILE = "bench-audit"

_JSON_LOAD = """
import json, sys, time
paths = sys.argv[1:]
started = time.perf_counter()
for path in paths:
    with open(path, "rb") as handle:
        json.load(handle)
print(time.perf_counter() - started)
"""


def nsaudit_command() -> list[str]:
    script = shutil.which("nsaudit")
    if script is None:
        raise RuntimeError("the nsaudit console script is not installed (pip install -e .)")
    return [script]


def write_profiles(path: Path, account: dict[str, Any], url: str) -> None:
    """A profiles file with the fixture's integration token and its admin token, pointed at ``url``.
    The secrets are the generated account's own (simulator-only); the file is private (0600)."""
    integrations = {i["id"]: i for i in account["integrations"]}
    lines = []
    for name, token in ((PROFILE, account["tokens"][0]), (AUDIT_PROFILE, account["tokens"][1])):
        app = integrations[token["integration"]]
        lines += [f"[profiles.{name}]", f'account = "{account["account_id"]}"',
                  f'consumer_key = "{app["consumer_key"]}"', f'consumer_secret = "{app["consumer_secret"]}"',
                  f'token_id = "{token["token_id"]}"', f'token_secret = "{token["token_secret"]}"',
                  f'base_url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    path.chmod(0o600)


def user_env() -> dict[str, str]:
    """The environment a user's shell would give ``nsaudit``: no NSAUDIT_* settings, and bytecode
    caching on (an installed wheel has its .pyc files; PYTHONDONTWRITEBYTECODE would make every run
    compile the project's sources again)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NSAUDIT_") and k != "PYTHONDONTWRITEBYTECODE"}


def warm_bytecode() -> None:
    """Compile the project's modules once, as ``pip install`` does for a wheel."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "netsuite_audit", "checks"], cwd=ROOT,
                   env=user_env(), capture_output=True, check=False)


def _env(profiles: Path) -> dict[str, str]:
    env = user_env()
    env["NSAUDIT_PROFILES_FILE"] = str(profiles)
    # Each run is recorded in the audit history as a user's is (so the timed run includes it), in a
    # SQLite file beside the other outputs rather than in the user's data directory.
    env["NSAUDIT_HISTORY"] = str(profiles.parent / "history.sqlite3")
    return env


class BenchmarkRunFailed(RuntimeError):
    """A timed command did not complete its audit (exit other than 0 or 1): its time means nothing."""


def measured(cmd: list[str], env: dict[str, str], stderr: Path) -> dict[str, Any]:
    """``cmd`` timed as a whole process by ``benchmarks.measure`` (a small launcher, so the peak RSS is
    the command's own)."""
    launcher = [sys.executable, "-m", "benchmarks.measure", "--stderr", str(stderr), "--", *cmd]
    done = subprocess.run(launcher, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if figures.get("exit") not in (0, 1):
        tail = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:] if stderr.exists() else []
        raise BenchmarkRunFailed(f"{' '.join(cmd[:3])} ... exited {figures.get('exit')} (stderr {stderr}): "
                                 + " | ".join(tail))
    return figures


def live_run(folder: Path, paths: dict[str, Path], account: dict[str, Any], *, latency_ms: int,
             concurrency: int, run: int) -> dict[str, Any]:
    profiles = folder / "profiles.toml"
    result = folder / f"result-live-{run}.json"
    with SimProcess(paths["account"], latency_ms, concurrency) as server:
        write_profiles(profiles, account, server.url)
        cmd = [*nsaudit_command(), "run", "--profile", PROFILE, "--audit-profile", AUDIT_PROFILE,
               "--concurrency", str(concurrency), "--workspace", str(paths["workspace"]),
               "--reports", str(paths["reports"]), "-f", f"json:{result}", "--no-progress"]
        figures = measured(cmd, _env(profiles), folder / f"stderr-live-{run}.txt")
    sim = server.figures
    calls = sim.requests
    bound = math.ceil(calls / concurrency) * latency_ms / 1000
    body = _result(result)
    network = body.get("network") or {}
    return {
        **figures,
        "calls": calls,
        "server_refusals": sim.refused,
        "server_max_in_flight": sim.max_in_flight,
        "lower_bound_s": round(bound, 3),
        "ratio": round(figures["wall_s"] / bound, 3) if bound else None,
        "findings": len(body.get("findings", ())),
        "network": network,
    }


def _result(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise BenchmarkRunFailed(f"the run exited without writing {path}")
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def json_load_s(files: list[Path]) -> float:
    """Seconds a fresh interpreter needs to ``json.load`` these files (the parse alone)."""
    done = subprocess.run([sys.executable, "-c", _JSON_LOAD, *map(str, files)], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def offline_run(folder: Path, snapshot: Path, paths: dict[str, Path], run: int) -> dict[str, Any]:
    result = folder / f"result-offline-{run}.json"
    cmd = [*nsaudit_command(), "run", "--snapshot", str(snapshot), "--workspace", str(paths["workspace"]),
           "--reports", str(paths["reports"]), "-f", f"json:{result}", "--no-progress"]
    figures = measured(cmd, _env(folder / "profiles.toml"), folder / f"stderr-offline-{run}.txt")
    body = _result(result)
    return {**figures, "findings": len(body.get("findings", ()))}


def _median_run(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda r: float(r[key]))
    return ordered[len(ordered) // 2]


def bench_e2e(folder: Path, paths: dict[str, Path], snapshot: Path, *, latency_ms: int, concurrency: int,
              runs: int) -> dict[str, Any]:
    account = json.loads(paths["account"].read_text(encoding="utf-8"))
    warm_bytecode()
    live = [live_run(folder, paths, account, latency_ms=latency_ms, concurrency=concurrency, run=n)
            for n in range(runs)]
    loads = [json_load_s([snapshot, paths["workspace"], paths["reports"]]) for _ in range(runs)]
    offline = [offline_run(folder, snapshot, paths, n) for n in range(runs)]
    live_median = _median_run(live, "wall_s")
    offline_median = _median_run(offline, "wall_s")
    load = statistics.median(loads)
    return {
        "live": {**live_median, "wall_s_runs": [r["wall_s"] for r in live],
                 "ratio_runs": [r["ratio"] for r in live], "maxrss_mb_max": max(r["maxrss_mb"] for r in live),
                 "exits": [r["exit"] for r in live]},
        "offline": {**offline_median, "wall_s_runs": [r["wall_s"] for r in offline],
                    "json_load_s": round(load, 4), "json_load_s_runs": [round(x, 4) for x in loads],
                    "ratio": round(offline_median["wall_s"] / load, 3) if load else None,
                    "maxrss_mb_max": max(r["maxrss_mb"] for r in offline),
                    "exits": [r["exit"] for r in offline]},
    }
