"""Issue 10 item 13: SIGINT and SIGTERM stop nsaudit within about a second, with exit codes 130 and 143,
and leave no temporary file from an atomic write (the old output stays as it was)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from netsuite_audit.simulator.server import SimServer
from tests.support.check_cases import build_snapshot
from tests.support.e2e import FIXTURES, account_data

ROOT = Path(__file__).resolve().parents[2]
DEMO = account_data("demo")


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NSAUDIT_")}
    return {**env, "NSAUDIT_CONFIG": "", "PYTHONPATH": str(ROOT), **extra}


def _creds(url: str, tmp: Path) -> dict[str, str]:
    token = DEMO["tokens"][0]
    integration = next(i for i in DEMO["integrations"] if i["id"] == token["integration"])
    return {"NSAUDIT_ACCOUNT": DEMO["account_id"], "NSAUDIT_CONSUMER_KEY": integration["consumer_key"],
            "NSAUDIT_CONSUMER_SECRET": integration["consumer_secret"], "NSAUDIT_TOKEN_ID": token["token_id"],
            "NSAUDIT_TOKEN_SECRET": token["token_secret"], "NSAUDIT_BASE_URL": url,
            "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml")}


def _stop_and_time(process: subprocess.Popen[str], signum: int) -> tuple[int, float, str]:
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("nsaudit did not stop within 30 s of the signal")
    return process.returncode, time.monotonic() - sent, err


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_slow_audit_stops_at_once(tmp_path: Path, signum: int, code: int) -> None:
    # Every request takes 3 s, so the run is mid-flight when the signal comes.
    with SimServer(FIXTURES / "accounts" / "demo.json", latency_ms=3000) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "netsuite_audit", "run", "--no-progress", "-f", f"json:{tmp_path / 'r.json'}"],
            env=_env(_creds(server.url, tmp_path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=tmp_path)
        time.sleep(2.5)  # started, imports done, the first requests in flight
        returncode, took, err = _stop_and_time(process, signum)
    assert returncode == code, (returncode, err)
    assert took < 2.0, f"took {took:.1f} s to stop"
    assert "Traceback" not in err
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


SLOW_WRITE = textwrap.dedent("""
    import os, sys, time
    real_fsync = os.fsync
    def slow_fsync(fd):
        time.sleep(60)
        real_fsync(fd)
    os.fsync = slow_fsync
    sys.argv = ["nsaudit", *sys.argv[1:]]
    from netsuite_audit.cli import main
    main()
""")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_an_atomic_write_leaves_no_temp_file(tmp_path: Path, signum: int, code: int) -> None:
    (tmp_path / "snap.json").write_text(build_snapshot(None).to_json(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("old result\n")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, "run", "--snapshot", str(tmp_path / "snap.json"),
         "-f", f"json:{out / 'result.json'}"],
        env=_env({}), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not list(out.glob(".result.json.*.tmp")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.05)
    returncode, took, err = _stop_and_time(process, signum)
    assert returncode == code, (returncode, err)
    assert took < 2.0, f"took {took:.1f} s to stop"
    assert sorted(p.name for p in out.iterdir()) == ["result.json"]
    assert (out / "result.json").read_text() == "old result\n"
