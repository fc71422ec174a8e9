"""The HTTP session every NetSuite request goes through, with the limits a hostile server cannot lift.

* **No redirects.** A signed request (OAuth header, SOAP tokenPassport) is never sent again to the
  address a ``3xx`` names: the answer is a :class:`RedirectRefused` error, whatever the method.
* **Bounded time.** ``timeout`` is a *total* limit for one request: connecting, sending, the headers
  and the whole body. A watchdog shuts the socket down when it passes, so a server that accepts and
  never answers, or trickles a byte at a time, cannot hold a request past it (a socket read timeout
  alone restarts with every byte). Connecting has its own, shorter limit.
* **Bounded size.** The body is streamed and counted (after decompression); past ``max_body`` bytes
  the request fails with :class:`BodyTooLarge` instead of filling memory.
* **Refused connections fail fast.** Nothing listens there: :class:`ConnectionRefused`, not retried.

Every failure here is a :class:`~netsuite_audit.netsuite.errors.TransportError`, so the clients and
the collector treat it as "no usable answer", never as something NetSuite said.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from netsuite_audit.netsuite.errors import TransportError
from netsuite_audit.netsuite.redact import redact

# The largest real answer is a page of 1000 rows: a few MB of SuiteQL JSON, a few tens of MB for a
# SOAP search page of employees with their roles. 128 MiB leaves ample room and still bounds memory.
MAX_BODY_BYTES = 128 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 60.0
_CHUNK = 64 * 1024
# Answers being read at the same moment, all sessions of the process together (REST, SOAP, the token
# endpoint, RESTlets, Expensify): with up to eight reads in flight, a per-request cap alone would let
# eight endless bodies hold a gigabyte. Past this the read in progress fails like an oversized body.
MAX_IN_FLIGHT_BYTES = 192 * 1024 * 1024


class BodyBudget:
    """Bytes of answer bodies being read right now, shared by every session that uses it. A read
    takes bytes as chunks arrive and gives them all back when it ends (read, refused or broken)."""

    def __init__(self, limit: int = MAX_IN_FLIGHT_BYTES) -> None:
        self.limit = limit
        self.held = 0
        self.peak = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self.held + size > self.limit:
                return False
            self.held += size
            self.peak = max(self.peak, self.held)
            return True

    def give_back(self, size: int) -> None:
        with self._lock:
            self.held -= size


# One budget for the process: every SafeSession of a run shares it unless given another.
SHARED_BUDGET = BodyBudget()


class RedirectRefused(TransportError):
    """The server answered with a redirect; nsaudit never follows one (the request was signed)."""

    retryable = False


class BodyTooLarge(TransportError):
    """The answer was larger than the body cap."""

    retryable = False


class ConnectionRefused(TransportError):
    """Nothing accepts connections at that address; retrying would only add waiting."""

    retryable = False


class RequestTimedOut(TransportError):
    """No complete answer within the per-request time limit."""


# -- the per-request watchdog -------------------------------------------------------------------

class _Watch:
    """Shuts down the socket of the request in progress on this thread once ``seconds`` pass."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def arm(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is None:
            return
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sock = None


_current = threading.local()


def _arm(connection: HTTPConnection) -> None:
    watch: _Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.arm(connection.sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> Any:
        _arm(self)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        _arm(self)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter with connection pools whose sockets the watchdog can shut down."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


@contextmanager
def _watched(seconds: float) -> Iterator[_Watch]:
    watch = _Watch(seconds)
    _current.watch = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.stop()
        _current.watch = None


# -- the session --------------------------------------------------------------------------------

def _refused(exc: BaseException) -> bool:
    """True when a requests ConnectionError comes from a refused TCP connection."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return False


def _total(timeout: Any) -> float:
    if isinstance(timeout, int | float) and timeout > 0:
        return float(timeout)
    if isinstance(timeout, tuple):
        return float(sum(part for part in timeout if isinstance(part, int | float)) or DEFAULT_TIMEOUT)
    return DEFAULT_TIMEOUT


class SafeSession(requests.Session):
    """A ``requests.Session`` that never follows redirects, bounds each request's total time and
    body size, and turns every transport failure into a ``TransportError`` naming what happened."""

    def __init__(self, *, max_body: int = MAX_BODY_BYTES, connect_timeout: float = CONNECT_TIMEOUT,
                 budget: BodyBudget | None = None) -> None:
        super().__init__()
        self.max_body = max_body
        self.budget = budget if budget is not None else SHARED_BUDGET
        self.connect_timeout = connect_timeout
        adapter = _WatchedAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        total = _total(kwargs.get("timeout"))
        kwargs["timeout"] = (min(self.connect_timeout, total), total)
        verb = method.decode() if isinstance(method, bytes) else method
        where = _origin(url.decode() if isinstance(url, bytes) else url)
        started = time.monotonic()
        with _watched(total) as watch:
            try:
                response = super().request(method, url, *args, **kwargs)
                if response.is_redirect or 300 <= response.status_code < 400:
                    response.close()
                    target = redact(response.headers.get("Location", "(no Location header)"))
                    raise RedirectRefused(
                        f"{verb} {where} answered HTTP {response.status_code} redirecting to {target}; "
                        "nsaudit never follows redirects (the request carries signed credentials)",
                        status=response.status_code, date_header=response.headers.get("Date"),
                    )
                self._read_body(response, verb, where)
                if watch.fired:  # the shut-down socket may look like a short, complete answer
                    raise RequestTimedOut(
                        f"no complete answer from {where} within {total:g} s (per-request time limit)")
                return response
            except requests.RequestException as exc:
                if watch.fired or isinstance(exc, requests.Timeout):
                    raise RequestTimedOut(
                        f"no complete answer from {where} within {total:g} s (per-request time limit)"
                    ) from None
                if _refused(exc):
                    raise ConnectionRefused(f"{where} refused the connection (nothing is listening there)") \
                        from None
                elapsed = time.monotonic() - started
                raise TransportError(
                    f"no usable answer from {where} for {verb} after {elapsed:.1f} s: "
                    f"{type(exc).__name__}: {_short(exc)}"
                ) from None
            except (urllib3.exceptions.HTTPError, OSError) as exc:  # raised while reading the body
                if watch.fired:
                    raise RequestTimedOut(
                        f"no complete answer from {where} within {total:g} s (per-request time limit)"
                    ) from None
                raise TransportError(f"the answer from {where} broke off: {type(exc).__name__}") from None

    def _read_body(self, response: requests.Response, verb: str, where: str) -> None:
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            response.close()
            raise BodyTooLarge(self._too_large(verb, where, f"announced {int(declared)} bytes"),
                               status=response.status_code)
        body = bytearray()  # grown in place: no list of chunks joined into a second copy
        held = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                if len(body) + len(chunk) > self.max_body:
                    response.close()
                    raise BodyTooLarge(self._too_large(verb, where, "sent more"), status=response.status_code)
                if not self.budget.take(len(chunk)):
                    response.close()
                    raise BodyTooLarge(
                        f"the answer to {verb} {where} would pass the memory budget of {self.budget.limit} bytes "
                        "for answers being read at once; nsaudit stopped reading it", status=response.status_code)
                held += len(chunk)
                body += chunk
            response._content = bytes(body)
        finally:
            self.budget.give_back(held)
            # The error raised here keeps this frame alive (the collector stores it per table): the
            # bytes must not live on with it.
            body.clear()

    def _too_large(self, verb: str, where: str, what: str) -> str:
        return (f"the answer to {verb} {where} {what} than the {self.max_body} byte limit; "
                "nsaudit stopped reading it")


def _origin(url: str) -> str:
    """The URL without its query (which may carry signed parameters)."""
    return url.split("?", 1)[0].split("#", 1)[0]


def _short(exc: BaseException, limit: int = 200) -> str:
    text = redact(" ".join(str(exc).split()))
    return text if len(text) <= limit else text[:limit] + "..."


__all__ = ["MAX_BODY_BYTES", "SHARED_BUDGET", "BodyBudget", "BodyTooLarge", "ConnectionRefused", "RedirectRefused",
           "RequestTimedOut", "SafeSession"]
