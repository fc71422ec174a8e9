"""Pausing CPython's cyclic garbage collector around allocation-heavy, cycle-free work."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many blocks hold the collector paused, across threads. The collector is one per process:
    with several accounts audited at once (a thread each), the first block to start pauses it and the
    last to end turns it back on, so no thread turns it on under another's feet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0
        self._was_enabled = False

    def enter(self) -> None:
        with self._lock:
            if self._held == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._held += 1

    def leave(self) -> None:
        with self._lock:
            self._held -= 1
            if self._held == 0 and self._was_enabled:
                gc.enable()


_PAUSES = _Pauses()  # the process's one collector has one count of pauses


@contextmanager
def cycle_collection_paused(*, keep: bool = False) -> Iterator[None]:
    """Suspend CPython's cyclic garbage collector for a block that allocates heavily but creates no
    reference cycles (parsing a large input, running a check).

    A check builds many short-lived dicts, lists and strings over a large, immutable snapshot and
    reports; each time enough of them survive, the collector walks every tracked object of those
    inputs again, which on a large account cost more than the checks themselves. Reference counting
    still frees everything as usual; whatever the block leaves is looked at by the next collection.

    ``keep=True`` is for a block that loads an input the run holds to its end (the snapshot, the
    pending reports): what exists when it ends is moved out of the collector's sight (``gc.freeze``),
    so later collections do not walk those hundreds of thousands of objects again and again.
    Reference counting still frees them when they are dropped.

    Blocks may overlap across threads (several accounts at once): the collector comes back on when
    the last of them ends, and only if it was on when the first began.
    """
    _PAUSES.enter()
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        _PAUSES.leave()


def keep_for_the_run() -> None:
    """Move what exists now out of the cycle collector's sight (``gc.freeze``): called once the
    account is read, since the snapshot lives to the end of the run and later collections would
    walk its rows again and again. Reference counting still frees whatever is dropped."""
    gc.freeze()
