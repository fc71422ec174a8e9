"""A real PostgreSQL server started by the caller (the history tests, the history benchmark).

The server binaries are found on PATH, through ``pg_config --bindir``, or in Debian's versioned
folders (``find_bindir`` returns None where none exist). ``initdb`` refuses to run as root, so under
root (a container, a CI job) the cluster is made and run as the unprivileged ``nobody`` user in a
temporary folder handed to it; otherwise as the current user. The server listens on 127.0.0.1 on a
free port with trust authentication for its one user, and ``stop()`` removes everything.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

USER = "nsaudit_test"


def find_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(done.stdout.strip())
        if done.returncode == 0 and (folder / "initdb").exists():
            return folder
    for versioned in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):  # Debian's layout
        if (Path(versioned) / "initdb").exists():
            return Path(versioned)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user() -> dict[str, Any]:
    """subprocess arguments that run a command as ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return {}
    import grp
    import pwd

    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": [],
            "_ids": (nobody.pw_uid, grp.getgrgid(nobody.pw_gid).gr_gid)}


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="nsaudit-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self.run_as = _as_user()
        ids = self.run_as.pop("_ids", None)
        if ids is not None:
            os.chown(self.base, *ids)

    def _run(self, *args: str) -> None:
        done = subprocess.run([str(self.bindir / args[0]), *args[1:]], capture_output=True, text=True,
                              check=False, timeout=120, cwd=self.base, **self.run_as)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def start(self) -> PostgresServer:
        try:
            self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync",
                      "--no-instructions")
            options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40")
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"), "-w",
                      "-t", "60", "start")
        except BaseException:
            shutil.rmtree(self.base, ignore_errors=True)
            raise
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"h_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
