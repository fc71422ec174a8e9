"""Ctrl-C and SIGTERM stop nsaudit at once: exit 130 (SIGINT) or 143 (SIGTERM), no temporary files left.

The handler does not unwind the stack: worker threads may be waiting on the network for tens of
seconds, and unwinding would wait for them (the thread pools join their workers). Instead it removes
every temporary file an atomic write has open (``render.output`` registers them), flushes what was
already printed, says so on stderr, and ends the process with ``os._exit``. Files already replaced
stay complete; a file being written is never replaced, so the old one stays as it was.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

# Atomic writes in progress as (folder, name prefix, suffix): render.output registers each one before
# its temporary file exists, and the handler removes every file that matches.
PENDING_TEMP_FILES: set[tuple[str, str, str]] = set()

_NAMES = {signal.SIGINT: "interrupted (SIGINT)", signal.SIGTERM: "terminated (SIGTERM)"}


def _stop(signum: int, frame: FrameType | None) -> None:
    for folder, prefix, suffix in list(PENDING_TEMP_FILES):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(prefix) and name.endswith(suffix):
                try:
                    os.unlink(os.path.join(folder, name))
                except OSError:
                    pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed pipe must not keep the process alive
            pass
    try:
        os.write(2, f"\nnsaudit: {_NAMES.get(signal.Signals(signum), 'stopped')}; stopped without "
                    "finishing, no partial file left\n".encode())
    except OSError:
        pass
    os._exit(128 + signum)


def install() -> None:
    """Handle SIGINT and SIGTERM in this process (the main thread of the command line only)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)




def uninstall() -> None:
    """Python's own handlers again: Ctrl-C raises KeyboardInterrupt, SIGTERM ends the process."""
    if signal.getsignal(signal.SIGINT) is _stop:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) is _stop:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
