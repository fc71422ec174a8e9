"""Pausing CPython's cyclic garbage collector around allocation-heavy, cycle-free work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Suspend CPython's cyclic garbage collector for a block that allocates heavily but creates no
    reference cycles (parsing a large input, running a check).

    A check builds many short-lived dicts, lists and strings over a large, immutable snapshot and
    reports; each time enough of them survive, the collector walks every tracked object of those
    inputs again, which on a large account cost more than the checks themselves. Reference counting
    still frees everything as usual; whatever the block leaves is looked at by the next collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
