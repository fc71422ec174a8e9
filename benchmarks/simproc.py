"""The simulator in its own process (``nsaudit sim serve``), so that its CPU work (SQLite, JSON) does
not compete with the collector for one interpreter lock, as a remote NetSuite would not."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"listening on (?P<url>http://\S+)")
# A child started from a background shell inherits SIGINT ignored, and Python then never raises
# KeyboardInterrupt; restore it so ``sim serve`` stops cleanly and prints its counters.
_SERVE = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
          "sys.argv[0] = 'nsaudit'; from netsuite_audit.cli import main; main()")
_STOPPED = re.compile(
    r"stopped: (?P<requests>\d+) requests, (?P<refused>\d+) refused, (?P<writes>\d+) write attempts, "
    r"max (?P<max>\d+) in flight"
)


@dataclass
class SimFigures:
    requests: int = -1
    refused: int = -1
    write_attempts: int = -1
    max_in_flight: int = -1


@dataclass
class SimProcess:
    account: Path
    latency_ms: int
    concurrency: int
    start_timeout: float = 180.0
    url: str = ""
    figures: SimFigures = field(default_factory=SimFigures)
    _proc: subprocess.Popen[str] | None = None
    _lines: list[str] = field(default_factory=list)

    def __enter__(self) -> SimProcess:
        cmd = [sys.executable, "-c", _SERVE, "sim", "serve", "--account", str(self.account),
               "--latency-ms", str(self.latency_ms), "--concurrency", str(self.concurrency)]
        self._proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()
        threading.Thread(target=self._drain, args=(ready,), daemon=True).start()
        if not ready.wait(self.start_timeout) or not self.url:
            self._kill()
            raise RuntimeError("the simulator did not start:\n" + "".join(self._lines[-20:]))
        return self

    def _drain(self, ready: threading.Event) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.append(line)
            match = _LISTENING.search(line)
            if match and not self.url:
                self.url = match.group("url")
                ready.set()
        ready.set()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        proc = self._proc
        if proc is None:
            return
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._kill()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(_STOPPED.search(x) for x in self._lines):
            time.sleep(0.05)
        for line in self._lines:
            match = _STOPPED.search(line)
            if match:
                self.figures = SimFigures(int(match["requests"]), int(match["refused"]), int(match["writes"]),
                                          int(match["max"]))

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)
