"""Small hostile HTTP servers on loopback, for tests of what nsaudit does when the other side misbehaves.

``Hostile(answer)`` serves on 127.0.0.1 (a free port) and calls ``answer(request)`` for every
request; ``answer`` writes the raw answer with ``request.send(...)`` or the helpers. Every request
received is recorded in ``.seen`` (method, path, headers, body), so a test can assert that nothing
reached a server. ``silent_listener()`` accepts connections and never answers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, seen: Seen, release: threading.Event) -> None:
        self.handler = handler
        self.seen = seen
        self.release = release  # set when the server stops: a handler that stalls should return

    @property
    def path(self) -> str:
        return self.seen.path

    def raw(self, data: bytes) -> None:
        self.handler.wfile.write(data)
        self.handler.wfile.flush()

    def answer(self, status: int, body: bytes | str = b"", content_type: str = "application/json",
               headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", f"Content-Length: {len(data)}",
                 "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
        self.raw(("\r\n".join(lines) + "\r\n\r\n").encode() + data)


Answer = Callable[[Request], None]


class Hostile:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.seen: list[Seen] = []
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                owner.seen.append(seen)
                try:
                    owner.answer(Request(self, seen, owner.release))
                except OSError:
                    pass  # the client gave up: that is what these tests provoke
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Hostile:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def silent_listener() -> Iterator[str]:
    """A loopback URL whose connections are accepted (by the kernel) and never answered."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


Override = Callable[[Request], bool]


Rewrite = Callable[[Request, bytes], bytes]


def refuse_rest_login(request: Request) -> bool:
    """An override for ``forwarding``: NetSuite's REST login probe (serverTime) answers 401 Invalid login
    attempt, so nsaudit reads the account over SOAP; everything else is forwarded."""
    import json

    from netsuite_audit.netsuite.rest import SERVER_TIME_PATH

    if request.path.startswith(SERVER_TIME_PATH):
        request.answer(401, json.dumps({"title": "Unauthorized", "status": 401, "o:errorDetails": [
            {"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}]}))
        return True
    return False


def forwarding(target: str, override: Override, rewrite: Rewrite | None = None) -> Answer:
    """An answer that lets ``override`` answer first (it returns True when it did) and otherwise
    forwards the request unchanged, Host header included, to ``target`` (the simulator): a hostile
    proxy in front of a real account. ``rewrite`` may change each forwarded answer's body. The
    simulator checks signatures against the Host header, so a forwarded request still verifies."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(target)

    def answer(request: Request) -> None:
        if override(request):
            return
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            seen = request.seen
            connection.request(seen.method, seen.path, body=seen.body or None, headers=seen.headers)
            reply = connection.getresponse()
            body = reply.read()
            if rewrite is not None:
                body = rewrite(request, body)
            keep = {k: v for k, v in reply.getheaders() if k.lower() in ("date", "retry-after")}
            request.answer(reply.status, body, reply.getheader("Content-Type") or "application/json", keep)
        finally:
            connection.close()

    return answer
