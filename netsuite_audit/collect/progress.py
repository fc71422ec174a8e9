"""A quiet progress display on stderr while the collector reads the account (off when not a TTY)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

ProgressFn = Callable[[str, dict[str, Any]], None]


@contextmanager
def progress_display(enabled: bool) -> Iterator[ProgressFn]:
    if not enabled:
        yield lambda event, data: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    tables_done: list[str] = []
    with console.status("Logging in to NetSuite over REST and SOAP...") as status:

        def update(event: str, data: dict[str, Any]) -> None:
            if event == "login":
                via = "REST" if data.get("rest") else "SOAP" if data.get("soap") else None
                status.update(f"Logged in ({via}); reading tables..." if via else "Login failed")
            elif event == "table":
                tables_done.append(str(data.get("table")))
                status.update(f"Read {len(tables_done)} tables (last: {data.get('table')}, "
                              f"{data.get('rows')} rows)...")

        yield update
