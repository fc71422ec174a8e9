"""The simulator's HTTP server: werkzeug's threaded server on loopback, in a background thread.

Per request, in this order:

1. count the request by kind (``rest.suiteql``, ``soap.search``, ``restlet`` ...);
2. the account concurrency gate, shared by REST, SOAP and RESTlet: past the limit the request is
   refused the way NetSuite refuses it (REST 429 with Oracle's malformed body, SOAP
   ``exceededConcurrentRequestLimitFault``, RESTlet 400 ``SSS_REQUEST_LIMIT_EXCEEDED``);
3. injected faults, if a :class:`FaultPlan` is given (429, 500, or the connection dropped unanswered);
4. the handler: ``/services/rest/...`` and the RESTlet path to ``rest.py``, ``POST
   /services/NetSuitePort_<version>`` to ``soap.py``;
5. the configured latency: every answer takes at least that long. The simulator sleeps whatever is
   left of it after its own work, still holding the concurrency slot, so a request costs the
   configured latency and not latency plus the simulator's CPU time (which, in one Python process
   on a small machine, would otherwise add up across concurrent requests).

Every server started in this process is remembered, so a test session can check at the end that
nothing ever tried to write (:func:`total_write_attempts`).
"""

from __future__ import annotations

import errno
import os
import re
import socket
import threading
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from netsuite_audit.simulator import rest
from netsuite_audit.simulator.account import CounterSnapshot, SimAccount
from netsuite_audit.simulator.auth import SimulatorError
from netsuite_audit.simulator.faults import FaultInjector, FaultKind, FaultPlan
from netsuite_audit.simulator.fixture import AccountFixture, load_fixture
from netsuite_audit.simulator.trail import LoginAuditTrail

SOAP_PREFIX = "/services/NetSuitePort_"
_SOAP_BODY_OP = re.compile(rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]\w*)")
_REGISTRY: list[SimServer] = []
_REGISTRY_LOCK = threading.Lock()


def _check_free(host: str, port: int) -> None:
    """Raise OSError (EADDRINUSE) when ``port`` on ``host`` is taken, before werkzeug tries it (it prints
    to stderr and exits instead of raising)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug binds: TIME_WAIT is free
        probe.bind((host, port))


def started_servers() -> list[SimServer]:
    """Every SimServer started in this process, oldest first (stopped ones included)."""
    with _REGISTRY_LOCK:
        return list(_REGISTRY)


def total_write_attempts() -> int:
    """Write attempts seen by every simulator started in this process, except servers created with
    ``expect_writes=True`` (the simulator's own tests of its write refusal)."""
    return sum(
        server.account.counters.write_attempts for server in started_servers() if not server.expect_writes
    )


class DropConnection(SimulatorError, ConnectionError):
    """Raised by the app to make werkzeug close the socket without writing any response.

    werkzeug treats a ``ConnectionError`` from the app as the client having gone away: it sends
    nothing and closes the connection, which is exactly a dropped connection for the client.
    """


class _Handler(WSGIRequestHandler):
    """Quiet request handler whose ``Date`` header follows the simulated account's clock."""

    def version_string(self) -> str:
        return "nsaudit-simulator"

    def date_time_string(self, timestamp: float | None = None) -> str:
        if timestamp is None:
            offset = getattr(self.server, "sim_clock_offset", 0.0)
            timestamp = time.time() + offset
        return super().date_time_string(timestamp)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        # Nothing was written; make sure the connection is closed rather than kept alive, so the
        # client sees it go away instead of waiting for an answer.
        self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        pass


class SimServer:
    """A simulated NetSuite account served over HTTP on loopback.

    ``SimServer(fixture_or_path).start()`` (or ``with SimServer(...) as sim:``) serves at ``sim.url``.
    """

    def __init__(
        self,
        fixture: AccountFixture | Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 0,
        concurrency: int | None = None,
        faults: FaultPlan | None = None,
        seed: int = 0,
        clock_offset: float = 0.0,
        expect_writes: bool = False,
        expensify_windows: tuple[tuple[int, float], ...] | None = None,
        expensify_retry_after: float | None = None,
    ) -> None:
        if not isinstance(fixture, AccountFixture):
            fixture = load_fixture(Path(fixture))
        self.fixture = fixture
        self.host = host
        self.requested_port = port
        self.latency_ms = latency_ms
        self.concurrency = concurrency if concurrency is not None else fixture.concurrency_limit
        self.faults = FaultInjector(faults, seed=seed)
        # True only for tests that send writes on purpose; left out of total_write_attempts().
        self.expect_writes = expect_writes
        self.account = SimAccount(fixture, clock_offset=clock_offset)
        from netsuite_audit.simulator.expensify import WINDOWS, ExpensifyStandIn

        # The Integration Server stand-in (Expensify side), on the same port: /Integration-Server/...
        self.expensify = ExpensifyStandIn(fixture.expensify, self.account, windows=expensify_windows or WINDOWS,
                                          retry_after=expensify_retry_after)
        # Unexpected exceptions inside handlers (bugs, not simulated faults); tests assert none.
        self.errors: list[str] = []
        self._errors_lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------------------- lifecycle
    def start(self) -> SimServer:
        if self._server is not None:
            return self
        from netsuite_audit.simulator import soap  # noqa: F401  - load the SOAP side now, not on the first call
        _check_free(self.host, self.requested_port)
        try:  # werkzeug prints its own advice and exits 1 on a port in use; ours is an OSError
            server = make_server(self.host, self.requested_port, self.wsgi_app, threaded=True,
                                 request_handler=_Handler)
        except SystemExit:
            raise OSError(errno.EADDRINUSE, os.strerror(errno.EADDRINUSE)) from None
        server.sim_clock_offset = self.account.clock_offset  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"nsaudit-sim-{self.port}",
            daemon=True,
        )
        self._thread.start()
        with _REGISTRY_LOCK:
            _REGISTRY.append(self)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return int(self._server.socket.getsockname()[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:50123`` (what ``NSAUDIT_BASE_URL`` should be set to)."""
        return f"http://{self.host}:{self.port}"

    @property
    def trail(self) -> LoginAuditTrail:
        return self.account.trail

    @property
    def counters(self) -> CounterSnapshot:
        return self.account.counters.snapshot()

    # ------------------------------------------------------------------------------ requests
    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def dispatch(self, request: Request) -> Response:
        account = self.account
        if request.path.startswith("/Integration-Server/"):
            try:
                return self.expensify.handle(request)
            except Exception:
                with self._errors_lock:
                    self.errors.append(traceback.format_exc())
                return Response('{"responseCode": 500, "responseMessage": "Internal error"}', status=500,
                                content_type="application/json")
        counters = account.counters
        kind = request_kind(request)
        account.count(kind)
        protocol = kind.split(".", 1)[0]
        if not counters.enter(self.concurrency):
            account.refuse("concurrency")
            counters.concurrency_refused()
            return _concurrency_response(protocol, request)
        try:
            fault = self.faults.draw()
            if fault is not None:
                counters.fault(str(fault))
                if fault is FaultKind.CONCURRENCY:
                    return _concurrency_response(protocol, request)
                if fault is FaultKind.SERVER_ERROR:
                    return _unexpected_error_response(protocol, request)
                request.get_data()  # read the request fully, so closing sends a clean FIN
                raise DropConnection("simulated dropped connection")
            started = time.monotonic()
            response = self._route(request, protocol)
            if self.latency_ms > 0:
                left = self.latency_ms / 1000 - (time.monotonic() - started)
                if left > 0:
                    time.sleep(left)
            return response
        except DropConnection:
            raise
        except Exception:
            with self._errors_lock:
                self.errors.append(traceback.format_exc())
            account.refuse("internal_error")
            return _unexpected_error_response(protocol, request)
        finally:
            counters.leave()

    def _route(self, request: Request, protocol: str) -> Response:
        if protocol == "soap":
            from netsuite_audit.simulator import soap

            return soap.handle(request, self.account)
        return rest.handle(request, self.account)


def request_kind(request: Request) -> str:
    """The counter name: ``soap.<operation>`` for SOAP, else the REST/RESTlet kind."""
    if request.method.upper() == "POST" and request.path.startswith(SOAP_PREFIX):
        return f"soap.{soap_operation(request)}"
    return rest.request_kind(request)


def soap_operation(request: Request) -> str:
    """The operation from the SOAPAction header (zeep sends it quoted), else the Body's first child."""
    action = request.headers.get("SOAPAction", "").strip().strip('"').strip()
    if action:
        return action.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "unknown"
    match = _SOAP_BODY_OP.search(request.get_data())
    return match.group(1).decode("ascii") if match else "unknown"


def _concurrency_response(protocol: str, request: Request) -> Response:
    if protocol == "soap":
        from netsuite_audit.simulator import soap

        return soap.concurrency_fault_response(request)
    if protocol == "restlet":
        return rest.restlet_concurrency_response()
    return rest.concurrency_response()


def _unexpected_error_response(protocol: str, request: Request) -> Response:
    if protocol == "soap":
        from netsuite_audit.simulator import soap

        return soap.unexpected_error_response(request)
    if protocol == "restlet":
        return rest.restlet_unexpected_error_response()
    return rest.unexpected_error_response()
