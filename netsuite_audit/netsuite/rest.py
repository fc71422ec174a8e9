"""Read-only client for NetSuite REST web services: serverTime, SuiteQL and RESTlet GETs.

The client can send exactly two kinds of request: ``GET`` and the SuiteQL ``POST`` (a query, which
reads). Every request is signed afresh (see ``oauth.py``), runs inside the account's shared
:class:`~netsuite_audit.netsuite.transport.Gate`, and is retried on concurrency limits, server errors
and dropped connections. NetSuite's error answers become the typed errors of ``errors.py``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import requests

from netsuite_audit import __version__
from netsuite_audit.inputs.credentials import Credentials
from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    InvalidQuery,
    NetSuiteError,
    PermissionDenied,
    ServerError,
    TransportError,
    UnexpectedAnswer,
)
from netsuite_audit.netsuite.guard import check_request, check_suiteql
from netsuite_audit.netsuite.http import SafeSession
from netsuite_audit.netsuite.m2m import SCOPE_REST, SCOPE_RESTLETS, BearerAuth, TokenClient
from netsuite_audit.netsuite.oauth import rest_auth
from netsuite_audit.netsuite.redact import register_credentials
from netsuite_audit.netsuite.server_time import ServerTime
from netsuite_audit.netsuite.transport import (
    MAX_TOTAL_RESULTS,
    TRANSPORT_FAILURES,
    CallStats,
    Gate,
    RetryPolicy,
    call_with_retry,
    parse_http_date,
)
from netsuite_audit.netsuite.values import to_wire
from netsuite_audit.support.text import replace_surrogates

log = logging.getLogger(__name__)

PROTOCOL = "rest"
MAX_PAGE_SIZE = 1000
# Pages one ``suiteql_all`` loop may fetch (MAX_TOTAL_RESULTS rows of full pages).
MAX_PAGES = MAX_TOTAL_RESULTS // MAX_PAGE_SIZE
SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"
RESTLET_PATH = "/app/site/hosting/restlet.nl"

# Error codes that mean "too many requests at once" whatever the HTTP status (RESTlets answer 400).
_CONCURRENCY_CODES = frozenset({"CONCURRENCY_LIMIT_EXCEEDED", "SSS_REQUEST_LIMIT_EXCEEDED"})
_MISSING_RECORD = re.compile(r"Record '(?P<name>[^']+)' was not found", re.IGNORECASE)
_UNKNOWN_IDENTIFIER = re.compile(r"Unknown identifier '(?P<name>[^']+)'", re.IGNORECASE)
_CODE_RE = re.compile(r'"o:errorCode"\s*:\s*"(?P<code>[A-Za-z0-9_.]+)"')
_DETAIL_RE = re.compile(r'"detail"\s*:\s*"(?P<detail>(?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class SuiteQLPage:
    items: list[dict[str, str]]
    count: int
    has_more: bool
    total_results: int | None
    offset: int


@dataclass(frozen=True)
class _ErrorBody:
    code: str | None
    detail: str | None


def _parse_error_body(text: str) -> _ErrorBody:
    """Pull NetSuite's code and detail out of an error body, even a malformed one.

    Handles the REST shape (``o:errorDetails``), the RESTlet shape (``{"error": {code, message}}``)
    and, by pattern matching, JSON that does not parse (Oracle prints the 429 body with a comma missing).
    """
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        details = body.get("o:errorDetails")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            first = details[0]
            code = first.get("o:errorCode") or body.get("o:errorCode")
            return _ErrorBody(_str_or_none(code), _str_or_none(first.get("detail")))
        error = body.get("error")
        if isinstance(error, dict):
            return _ErrorBody(_str_or_none(error.get("code")), _str_or_none(error.get("message")))
        return _ErrorBody(_str_or_none(body.get("o:errorCode")), _str_or_none(body.get("title")))
    # Not JSON: prefer the code inside o:errorDetails (the specific one) over a top-level USER_ERROR.
    start = text.find('"o:errorDetails"')
    codes = list(_CODE_RE.finditer(text, start if start >= 0 else 0)) or list(_CODE_RE.finditer(text))
    detail_match = _DETAIL_RE.search(text)
    detail = _unescape(detail_match.group("detail")) if detail_match else _snippet(text)
    return _ErrorBody(codes[0].group("code") if codes else None, detail)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _unescape(text: str) -> str:
    try:
        return str(json.loads(f'"{text}"'))
    except ValueError:
        return text


def _snippet(text: str, limit: int = 200) -> str | None:
    flat = " ".join(text.split())
    if not flat:
        return None
    return flat if len(flat) <= limit else flat[:limit] + "..."


def error_from_response(response: requests.Response, *, bearer: bool = False) -> NetSuiteError:
    """The typed error for a NetSuite error answer (status >= 300). ``bearer``: the request carried an
    OAuth 2.0 access token rather than a TBA signature."""
    status = response.status_code
    parsed = _parse_error_body(response.text)
    code, detail = parsed.code, parsed.detail
    said = f": {detail}" if detail else ""
    common: dict[str, Any] = {
        "status": status,
        "protocol": PROTOCOL,
        "date_header": response.headers.get("Date"),
    }

    def label(default: str | None = None) -> str:
        return " ".join(part for part in (f"HTTP {status}", code or default) if part)

    if status == 401 and bearer:
        hint = (
            " (NetSuite refused the OAuth 2.0 access token although it had just been issued: the token "
            "may lack the scope this call needs (rest_webservices for REST and SuiteQL, restlets for a "
            "RESTlet), or its certificate mapping, user or role changed; the Login Audit Trail shows why)"
        )
        text = f"NetSuite refused the login ({label('INVALID_LOGIN')}){said}{hint}"
        return AuthenticationError(text, code="INVALID_LOGIN", **common)
    if status == 401:
        hint = (
            " (NetSuite does not say why a token login fails; the Login Audit Trail in NetSuite shows "
            "the reason, e.g. a bad signature, a clock more than 5 minutes off, or a revoked token)"
        )
        text = f"NetSuite refused the login ({label('INVALID_LOGIN')}){said}{hint}"
        return AuthenticationError(text, code="INVALID_LOGIN", **common)
    if status == 429 or code in _CONCURRENCY_CODES:
        text = f"NetSuite's concurrency limit was hit ({label('CONCURRENCY_LIMIT_EXCEEDED')}){said}"
        return ConcurrencyLimited(text, code=code or "CONCURRENCY_LIMIT_EXCEEDED", **common)
    if status == 403:
        text = f"the role may not do this ({label('INSUFFICIENT_PERMISSION')}){said}"
        return PermissionDenied(text, code=code or "INSUFFICIENT_PERMISSION", **common)
    if status == 400:
        match = _MISSING_RECORD.search(detail or "") or _UNKNOWN_IDENTIFIER.search(detail or "")
        if match:
            name = match.group("name")
            cause = "the role lacks the permission that exposes it, or the feature behind it is disabled"
            if name.lower() == "subsidiary":
                cause += ", or the account is not OneWorld"
            text = f"SuiteQL cannot see {name!r}: {cause} ({label('INVALID_PARAMETER')}){said}"
            return PermissionDenied(text, record=name, code=code or "INVALID_PARAMETER", **common)
        return InvalidQuery(f"NetSuite rejected the request ({label()}){said}", code=code, **common)
    if status == 404:
        text = f"NetSuite found nothing there ({label('NONEXISTENT_ID')}){said}"
        return InvalidQuery(text, code=code or "NONEXISTENT_ID", **common)
    if status >= 500:
        return ServerError(f"NetSuite failed on its side ({label()}){said}", code=code, **common)
    if 300 <= status < 400:
        where = response.headers.get("Location", "?")
        return NetSuiteError(f"NetSuite redirected the request to {where} ({label()})", code=code, **common)
    return NetSuiteError(f"NetSuite answered {label()}{said}", code=code, **common)



def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _count(value: object) -> int | None:
    """A non-negative whole number from a paging field (``int`` or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _text_of(response: requests.Response) -> str:
    return response.content[:400].decode("utf-8", "replace")


def _wire_param(value: object) -> str | None:
    return value if isinstance(value, str) else to_wire(value)


def _clean_item(item: Mapping[str, Any]) -> dict[str, str]:
    """Drop NetSuite's per-item ``links`` and null columns; keep every value a wire string."""
    out: dict[str, str] = {}
    for key, value in item.items():
        if key == "links" or value is None:
            continue
        if isinstance(value, (dict, list)):
            raise TypeError(f"column {key!r} holds a {type(value).__name__}, not a value")
        wire = value if isinstance(value, str) else to_wire(value)
        if wire is not None:  # a lone surrogate cannot be stored or shown: replaced by U+FFFD
            out[replace_surrogates(str(key))] = replace_surrogates(wire)
    return out


def _unexpected(what: str, response: requests.Response) -> UnexpectedAnswer:
    """A 2xx answer that is not the protocol's answer: a failure in transit, never a permission."""
    kind = response.headers.get("Content-Type", "") or "no content type"
    return UnexpectedAnswer(
        f"unexpected answer from NetSuite (HTTP {response.status_code}, {kind}): {what}; not what the "
        "protocol answers",
        code="UNEXPECTED_RESPONSE",
        status=response.status_code,
        protocol=PROTOCOL,
        date_header=response.headers.get("Date"),
    )


class RestClient:
    """Reads from one NetSuite account over REST. Thread-safe for concurrent calls."""

    def __init__(
        self,
        creds: Credentials,
        *,
        session: requests.Session | None = None,
        gate: Gate | None = None,
        retry: RetryPolicy | None = None,
        stats: CallStats | None = None,
        scopes: tuple[str, ...] = (SCOPE_REST, SCOPE_RESTLETS),
    ) -> None:
        self.creds = creds
        self.session = session if session is not None else SafeSession()
        self.gate = gate
        self.retry = retry if retry is not None else RetryPolicy()
        self.stats = stats if stats is not None else CallStats()
        # With OAuth 2.0 credentials REST uses a Bearer token (even when TBA is given too: SOAP uses that).
        self.tokens: TokenClient | None = None
        self._auth: requests.auth.AuthBase
        if creds.oauth2 is not None:
            self.tokens = TokenClient(creds, session=self.session, scopes=scopes, retry=self.retry,
                                      stats=self.stats)
            self._auth = BearerAuth(self.tokens)
        else:
            self._auth = rest_auth(creds)
        register_credentials(creds)
        self.base_url = creds.base_url.rstrip("/")
        if creds.base_url_overridden:
            self.restlet_base = self.base_url
        else:
            self.restlet_base = f"https://{creds.account.host}.restlets.api.netsuite.com"
        # The only requests this client sends: matched exactly on the parsed URL (guard.py).
        self.endpoints = (
            ("GET", self.base_url + SERVER_TIME_PATH),
            ("POST", self.base_url + SUITEQL_PATH),
            ("GET", self.restlet_base + RESTLET_PATH),
        )

    def __repr__(self) -> str:
        return f"RestClient(account={self.creds.account.realm!r}, base_url={self.base_url!r})"

    # -- plumbing -------------------------------------------------------------------------------

    def _send(
        self,
        method: Literal["GET", "POST"],
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One signed attempt. Only the read endpoints (``self.endpoints``, exact match on the parsed
        URL) can be reached, and a SuiteQL POST only with a single SELECT statement."""
        check_request(method, url, self.endpoints)
        if method == "POST":
            check_suiteql(str((body or {}).get("q", "")))
        all_headers = {"Accept": "application/json", "User-Agent": f"nsaudit/{__version__}"}
        all_headers.update(headers or {})
        log.debug("%s %s %s", method, url, dict(params or {}))
        for attempt in (1, 2):
            timeout = self.retry.request_timeout()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=dict(params) if params else None,
                    json=body,
                    headers=all_headers,
                    auth=self._auth,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except TransportError as exc:  # from SafeSession: redirect, size, time, refused, dropped
                exc.protocol = exc.protocol or PROTOCOL
                raise
            except TRANSPORT_FAILURES as exc:
                raise TransportError(
                    f"no answer from NetSuite for {method} {url}: {type(exc).__name__}: {exc}", protocol=PROTOCOL
                ) from exc
            if response.status_code == 401 and attempt == 1 and isinstance(self._auth, BearerAuth):
                used = self._auth.last_token
                if used is not None and self.tokens is not None:
                    self.tokens.invalidate(used)  # expired or revoked early: one more try with a new token
                    continue
            break
        if response.status_code >= 300:
            raise error_from_response(response, bearer=isinstance(self._auth, BearerAuth))
        return response

    def _call(self, kind: str, fn: Any) -> Any:
        return call_with_retry(fn, self.retry, stats=self.stats, kind=kind, gate=self.gate)

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise _unexpected(f"the body is not JSON ({_snippet(_text_of(response), 80)!r})", response) from None
        except RecursionError:  # nested past what the parser can read: the server's fault, not a file's
            raise _unexpected("the JSON body is nested too deeply to read", response) from None

    # -- operations -----------------------------------------------------------------------------

    def server_time(self) -> ServerTime:
        """``GET .../system/v1/serverTime``: NetSuite's clock, for skew checks and as a login probe."""
        url = self.base_url + SERVER_TIME_PATH

        def once() -> ServerTime:
            started = time.monotonic()
            sent_at = datetime.now(UTC)
            response = self._send("GET", url)
            elapsed = time.monotonic() - started
            body = self._json(response)
            server = _parse_iso(body.get("serverTime")) if isinstance(body, dict) else None
            if server is None:
                raise _unexpected("a serverTime answer without a serverTime date", response)
            return ServerTime(
                server_time=server,
                date_header=parse_http_date(response.headers.get("Date")),
                local_time=sent_at + timedelta(seconds=elapsed / 2),
                elapsed_ms=round(elapsed * 1000),
            )

        result: ServerTime = self._call("serverTime", once)
        return result

    def suiteql_page(
        self, query: str, params: Sequence[object] = (), *, limit: int = MAX_PAGE_SIZE, offset: int = 0
    ) -> SuiteQLPage:
        """One page of a SuiteQL query. ``offset`` must be a multiple of ``limit`` (NetSuite's rule)."""
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(f"SuiteQL limit must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
        if offset < 0 or offset % limit:
            raise ValueError(f"SuiteQL offset must be a non-negative multiple of {limit}, not {offset}")
        url = self.base_url + SUITEQL_PATH
        body: dict[str, Any] = {"q": query}
        if params:
            body["params"] = [_wire_param(value) for value in params]
        query_params = {"limit": str(limit), "offset": str(offset)}
        headers = {"Prefer": "transient"}

        def once() -> requests.Response:
            return self._send("POST", url, params=query_params, body=body, headers=headers)

        # The body is parsed after the request slot is given back, so the next request can go out.
        response: requests.Response = self._call("suiteql", once)
        return self._page(response, offset, limit)

    def _page(self, response: requests.Response, offset: int, limit: int = MAX_PAGE_SIZE) -> SuiteQLPage:
        """The page, validated: an object with an ``items`` list of objects, numeric paging fields, an
        offset that is the one asked for, and no promise of more rows than :data:`MAX_TOTAL_RESULTS`.
        Anything else is :class:`UnexpectedAnswer` (a failure in transit), never rows read wrongly."""
        data = self._json(response)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise _unexpected("a SuiteQL answer without an items list", response)
        raw_items = data["items"]
        if not all(isinstance(item, Mapping) for item in raw_items):
            raise _unexpected("SuiteQL items that are not all objects", response)
        if len(raw_items) > limit:
            raise _unexpected(f"{len(raw_items)} items on a page of at most {limit}", response)
        try:
            items = [_clean_item(item) for item in raw_items]
        except (TypeError, ValueError, RecursionError):
            raise _unexpected("SuiteQL values that are not column values", response) from None
        has_more = data.get("hasMore", False)
        total = _count(data.get("totalResults"))
        count = _count(data.get("count", len(items)))
        answered_offset = _count(data.get("offset", offset))
        if not isinstance(has_more, bool) or count is None or answered_offset is None or \
                ("totalResults" in data and total is None):
            raise _unexpected("SuiteQL paging fields that are not numbers", response)
        if total is not None and total > MAX_TOTAL_RESULTS:
            raise _unexpected(f"totalResults {total} is more rows than any account holds (nsaudit's bound is "
                              f"{MAX_TOTAL_RESULTS})", response)
        if answered_offset != offset:
            raise _unexpected(f"the page for offset {offset} says it is offset {answered_offset}", response)
        if has_more and not items:
            raise _unexpected("an empty page that says more rows follow (the paging would not advance)",
                              response)
        self.retry.rows.take(len(items), protocol=PROTOCOL)  # the run's row budget, every table together
        return SuiteQLPage(items=items, count=count, has_more=has_more, total_results=total, offset=answered_offset)

    def suiteql_all(self, query: str, params: Sequence[object] = ()) -> Iterator[dict[str, str]]:
        """Every row of a query, fetching pages of 1000 one after another until ``hasMore`` is false.
        A loop that would pass :data:`MAX_PAGES` stops with :class:`UnexpectedAnswer`."""
        offset = 0
        for _ in range(MAX_PAGES):
            page = self.suiteql_page(query, params, limit=MAX_PAGE_SIZE, offset=offset)
            yield from page.items
            if not page.has_more or not page.items:
                return
            offset += MAX_PAGE_SIZE
        raise UnexpectedAnswer(f"a SuiteQL query kept saying more rows follow past {MAX_TOTAL_RESULTS} rows; "
                               "not what the protocol answers", code="UNEXPECTED_RESPONSE", protocol=PROTOCOL)

    def restlet(self, script: int, deploy: int, params: Mapping[str, str] | None = None) -> Any:
        """``GET`` a RESTlet; the answer parsed as JSON when it is JSON, else its text.

        The script and deploy ids and ``params`` travel in the query string, so they are signed.
        """
        url = self.restlet_base + RESTLET_PATH
        query = {"script": str(int(script)), "deploy": str(int(deploy))}
        for key, value in (params or {}).items():
            if key in query:
                raise ValueError(f"RESTlet parameter {key!r} is reserved")
            query[key] = str(value)

        def once() -> Any:
            # The nsaudit RESTlet answers a JSON object; anything else (a maintenance page, a bare
            # string, JSON nested too deeply to read) is not its answer.
            response = self._send("GET", url, params=query)
            answer = self._json(response)
            if not isinstance(answer, dict):
                raise _unexpected("the RESTlet's answer is not a JSON object", response)
            # Its lists are rows the run keeps: counted against the run's row budget.
            self.retry.rows.take(sum(len(v) for v in answer.values() if isinstance(v, list | dict)) or 1,
                                 protocol=PROTOCOL)
            return answer

        return self._call("restlet", once)
