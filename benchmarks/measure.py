"""Run one command as a child and measure it as a whole process.

``python -m benchmarks.measure -- CMD ...`` starts ``CMD``, waits for it with ``os.wait4`` and prints
one JSON line: ``wall_s`` (from just before the child is started to its exit: interpreter start-up,
imports and everything the command does), ``cpu_s`` (the child's user + system CPU), ``maxrss_mb``
(the child's peak resident set size) and ``exit`` (its exit code).

Why a separate small process: on Linux a child's ``ru_maxrss`` starts from the peak of the process
that started it (the memory map is inherited until ``exec``). The benchmark itself holds a generated
account of several hundred MB; started from this small launcher, the command's peak is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def measure(cmd: list[str], stdout_path: str | None = None, stderr_path: str | None = None) -> dict[str, float | int]:
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
    finally:
        for handle in (out, err):
            if not isinstance(handle, int):
                handle.close()
    return {
        "wall_s": round(wall, 4),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 4),
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),  # kB on Linux
        "exit": proc.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    stdout_path = stderr_path = None
    while args and args[0] != "--":
        option = args.pop(0)
        if option == "--stdout":
            stdout_path = args.pop(0)
        elif option == "--stderr":
            stderr_path = args.pop(0)
        else:
            raise SystemExit(f"unknown option {option}")
    if not args or args[0] != "--" or len(args) < 2:
        raise SystemExit("usage: python -m benchmarks.measure [--stdout FILE] [--stderr FILE] -- CMD ...")
    figures = measure(args[1:], stdout_path, stderr_path)
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
