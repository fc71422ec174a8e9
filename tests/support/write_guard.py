"""Pytest plugin: the simulator must see no write attempt in the whole test session.

Registered from tests/conftest.py (``pytest_plugins = ["tests.support.write_guard"]``). At the end of the
session it sums the write attempts of every :class:`SimServer` started during the session and fails
the run when there is any, except:

* servers created with ``expect_writes=True`` (the simulator's own write-refusal tests), which
  ``total_write_attempts()`` already leaves out;
* servers started while a test marked ``@pytest.mark.write_probe`` ran (tests that try writes on
  purpose, to prove they are refused).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import pytest

from netsuite_audit.simulator.server import SimServer, started_servers

MARKER = "write_probe"

_before: set[int] = set()  # ids of servers started before the session (not ours to judge)
_exempt: set[int] = set()  # ids of servers started inside write_probe tests


def unexpected_writes(servers: Iterable[SimServer], exempt: set[int]) -> dict[str, int]:
    """``{server description: write attempts}`` for servers that were not allowed to see writes."""
    found: dict[str, int] = {}
    for server in servers:
        if server.expect_writes or id(server) in exempt:
            continue
        counters = server.account.counters.snapshot()
        if counters.write_attempts:
            name = f"simulator for {server.fixture.account_id} (port {server.requested_port or 'auto'})"
            found[f"{name}: {', '.join(sorted(counters.writes))}"] = counters.write_attempts
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: the test sends writes to a simulator on purpose")
    _before.update(id(server) for server in started_servers())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    known = {id(server) for server in started_servers()}
    yield
    if item.get_closest_marker(MARKER) is not None:
        _exempt.update(id(server) for server in started_servers() if id(server) not in known)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    servers = [server for server in started_servers() if id(server) not in _before]
    found = unexpected_writes(servers, _exempt)
    if not found:
        return
    total = sum(found.values())
    lines = [f"write guard: the simulator saw {total} write attempt(s) (nsaudit must never write):"]
    lines += [f"  {name}: {count}" for name, count in found.items()]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n".join(lines), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


__all__ = ["MARKER", "unexpected_writes"]
