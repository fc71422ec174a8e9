"""Writing outputs safely: a report file is replaced atomically, never left half written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from netsuite_audit.support.errors import InputError, NsauditError


class OutputFailed(NsauditError):
    """Output files that could not be written (read-only folder, full disk, a path in /proc): a local
    system failure, exit code 3. ``lines`` holds one message per file."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("; ".join(lines))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("folder does not exist", source=str(path))
    if path.is_dir():
        raise InputError("is a folder; give a file name", source=str(path))
    try:
        _write(path, directory, text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputFailed([f"{path}: could not write the file ({reason}); nothing was replaced"]) from None


def _write(path: Path, directory: Path, text: str) -> None:
    from netsuite_audit.support.signals import PENDING_TEMP_FILES

    # Registered before the file exists (a folder and a name prefix), so a stop signal at any moment
    # finds it: the handler removes every file matching it.
    pending = (str(directory), f".{path.name}.", ".tmp")
    PENDING_TEMP_FILES.add(pending)
    fd, tmp = tempfile.mkstemp(prefix=pending[1], suffix=pending[2], dir=directory)
    try:
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    finally:
        PENDING_TEMP_FILES.discard(pending)


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual mode under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
