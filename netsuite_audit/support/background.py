"""Work started now and collected later: reading the pending reports while the account is read.

A live audit spends most of its time waiting for NetSuite. The pending-reports file (100,000 lines
take about half a second of CPU) is not needed until the checks run, so the pipeline parses and
indexes it in an ``InBackground`` thread while the collector's requests are in flight. ``get()``
waits for it and raises what the work raised (a bad file is still exit 2 with one line naming it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class InBackground(Generic[T]):
    def __init__(self, work: Callable[[], T], name: str = "nsaudit-background") -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        # A daemon thread: a run that stops early (bad input, Ctrl-C) does not wait for it.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to whoever asks for the value
            self._error = exc
        finally:
            self._done.set()

    def get(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def resolved(value: T | InBackground[T]) -> T:
    """``value``, or what an ``InBackground`` computed."""
    return value.get() if isinstance(value, InBackground) else value
