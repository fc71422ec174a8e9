"""The root of every error nsaudit raises on purpose.

Each layer has one base class below this one: ``netsuite.errors.NetSuiteError`` for the clients,
``InputError`` (here) for files and values the user hands us, ``collect.collector.CollectError`` for
the collector, ``simulator.auth.SimulatorError`` for the simulator.
"""

from __future__ import annotations


class NsauditError(Exception):
    """Base of all nsaudit errors."""


class InputError(NsauditError):
    """Bad user input: a file, a field or a value. Rendered as one line, exit code 2.

    ``source`` names the file (or ``"--flag"`` / ``"env NSAUDIT_X"``) and ``field`` the field inside it.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None) -> None:
        self.source = source
        self.field = field
        self.detail = message
        where = ": ".join(part for part in (source, field) if part)
        super().__init__(f"{where}: {message}" if where else message)
