"""REST web services and the RESTlet endpoint of the simulated account (werkzeug request -> response).

Served paths:

* ``GET  /services/rest/system/v1/serverTime``
* ``POST /services/rest/query/v1/suiteql?limit=&offset=`` (header ``Prefer: transient``)
* ``GET  /app/site/hosting/restlet.nl?script=N&deploy=M`` (the account's preflight RESTlet, if deployed)

Everything else under ``/services/rest`` answers 404 once logged in, and every write (POST/PUT/PATCH/
DELETE other than SuiteQL) is refused with 403 and counted: the simulator is read-only, and the suite
checks that nsaudit never tried to write.

Error bodies follow NetSuite's REST shape ``{type, title, status, o:errorDetails: [...]}``. Content types
and a few shapes are not documented publicly; those spots say UNCERTAIN.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.wrappers import Request, Response

from netsuite_audit.simulator.account import SimAccount
from netsuite_audit.simulator.auth import LoginRefused, OAuthRequest, Principal
from netsuite_audit.simulator.database import SuiteQLError
from netsuite_audit.simulator.oauth2 import TOKEN_LIFETIME_S, TOKEN_PATH, answer_for

REST_PREFIX = "/services/rest/"
SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"
RECORD_PREFIX = "/services/rest/record/"
RESTLET_PATH = "/app/site/hosting/restlet.nl"
MAX_LIMIT = 1000
# SuiteQL over REST returns at most 100,000 results for one query, at most 1000 pages (Oracle help
# section_157909186990 and section_156414087576); a page past that is refused.
MAX_RESULTS = 100_000
MAX_PAGES = 1000

# UNCERTAIN: NetSuite labels its REST JSON with an Oracle vendor media type; the exact parameters are
# not in public material. Both end in "+json", so JSON-aware clients treat them as JSON.
ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"
COLLECTION_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
}
# ``type`` is opaque to clients; live NetSuite points at RFC 9110 sections.
_TYPES = {
    400: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
    401: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    403: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4",
    404: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5",
    405: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6",
    500: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
}

# NetSuite's wire text (facts of the protocol, reproduced so clients can be tested against them).
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
QUERY_ERROR_PREFIX = "Invalid search query. Detailed unprocessed description follows. "
MALFORMED_REQUEST_DETAIL = "The request could not be understood by the server due to malformed syntax."
# NetSuite's 429 body as Oracle documents it: title "Bad Request" and a comma missing after
# "USER_ERROR", so it is not valid JSON. Clients must cope with that; it is kept byte for byte.
CONCURRENCY_BODY = (
    '{"type":"https://www.rfc-editor.org/rfc/rfc6585.html#section-4","title":"Bad Request","status":429,'
    '"o:errorCode":"USER_ERROR" "o:errorDetails":[{"detail":"Concurrent request limit exceeded. '
    'Request blocked.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}'
)


# ------------------------------------------------------------------------------------ bodies
def _json(body: Any, status: int, content_type: str) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status=status, content_type=content_type)


def error_response(status: int, code: str, detail: str, **extra: str) -> Response:
    """NetSuite's REST error shape; ``extra`` adds ``o:``-prefixed keys (``errorQueryParam="q"``)."""
    item: dict[str, str] = {"detail": detail}
    for key, value in extra.items():
        item[f"o:{key}"] = value
    item["o:errorCode"] = code
    body = {
        "type": _TYPES.get(status, _TYPES[400]),
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "o:errorDetails": [item],
    }
    return _json(body, status, ERROR_CONTENT_TYPE)


def invalid_login_response() -> Response:
    """The one 401 every failed REST login gets, whatever the cause."""
    return error_response(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)


def concurrency_response() -> Response:
    return Response(CONCURRENCY_BODY, status=429, content_type=ERROR_CONTENT_TYPE)


def unexpected_error_response() -> Response:
    # The error id is NetSuite's opaque reference for its own logs; any lower-case token will do.
    return error_response(500, "UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: nsauditsimulator0")


def read_only_response() -> Response:
    return error_response(
        403,
        "INSUFFICIENT_PERMISSION",
        "This is the nsaudit NetSuite simulator and it is read-only: it refuses every write.",
    )


def not_found_response(path: str) -> Response:
    # UNCERTAIN: NetSuite's body for an unknown REST path is not documented; the record-level
    # "not found" code is used.
    return error_response(404, "NONEXISTENT_ID", f"Nothing is served at {path}.")


# RESTlet errors use the SuiteScript shape {"error": {"code", "message"}}.
# UNCERTAIN: recalled from RESTlet behaviour; not in the reference material.
def restlet_error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status, JSON_CONTENT_TYPE)


def restlet_invalid_login_response() -> Response:
    return restlet_error(401, "INVALID_LOGIN_ATTEMPT", "Invalid login attempt.")


def restlet_concurrency_response() -> Response:
    # RESTlets answer the concurrency limit with HTTP 400 SSS_REQUEST_LIMIT_EXCEEDED.
    return restlet_error(400, "SSS_REQUEST_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.")


def restlet_unexpected_error_response() -> Response:
    return restlet_error(500, "UNEXPECTED_ERROR", "An unexpected error occurred.")


# ----------------------------------------------------------------------------------- routing
def is_restlet(path: str) -> bool:
    return path == RESTLET_PATH


def is_write(request: Request) -> bool:
    """Every method that could change data, except the read-only SuiteQL POST and the token request."""
    method = request.method.upper()
    if method in {"GET", "HEAD", "OPTIONS"}:
        return False
    return not (method == "POST" and request.path in (SUITEQL_PATH, TOKEN_PATH))


def request_kind(request: Request) -> str:
    """The counter name for a REST or RESTlet request."""
    path = request.path
    if is_restlet(path):
        return "restlet"
    if path == SERVER_TIME_PATH:
        return "rest.serverTime"
    if path == SUITEQL_PATH:
        return "rest.suiteql"
    if path == TOKEN_PATH:
        return "rest.token"
    if path.startswith(RECORD_PREFIX):
        return "rest.record"
    return "rest.other"


def oauth_request(request: Request) -> OAuthRequest:
    """The parts of ``request`` the OAuth check signs over, as the client addressed them."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        raw_parts = urlsplit(raw)
        path = raw_parts.path
        query = raw_parts.query
    else:
        path = quote(request.path)
        query = request.query_string.decode("latin-1")
    url = f"{request.scheme}://{request.host}{path}" + (f"?{query}" if query else "")
    form = None
    if request.mimetype == "application/x-www-form-urlencoded":
        form = request.get_data(as_text=True)
    return OAuthRequest(
        method=request.method,
        url=url,
        authorization=request.headers.get("Authorization"),
        form_body=form,
    )


def handle(request: Request, account: SimAccount) -> Response:
    """Answer one REST or RESTlet request."""
    path = request.path
    restlet = is_restlet(path)
    protocol = "restlet" if restlet else "rest"
    if path == TOKEN_PATH and request.method.upper() == "POST":
        return _token(request, account)
    if is_write(request):
        account.record_write_attempt(protocol, f"{request.method.upper()} {path}")
        if restlet or path.startswith(REST_PREFIX):
            principal = _login(request, account, protocol)
            if principal is None:
                return restlet_invalid_login_response() if restlet else invalid_login_response()
        if restlet:
            return restlet_error(403, "INSUFFICIENT_PERMISSION", "The simulator's RESTlet is read-only.")
        return read_only_response()

    if not (restlet or path.startswith(REST_PREFIX)):
        account.refuse("not_found")
        return not_found_response(path)

    principal = _login(request, account, protocol)
    if principal is None:
        return restlet_invalid_login_response() if restlet else invalid_login_response()

    if restlet:
        return _restlet(request, account)
    if path == SERVER_TIME_PATH:
        return _server_time(account)
    if path == SUITEQL_PATH:
        return _suiteql(request, account, principal)
    account.refuse("not_found")
    return not_found_response(path)


def _login(request: Request, account: SimAccount, protocol: str) -> Principal | None:
    """TBA (OAuth 1.0a header) or OAuth 2.0 (Bearer access token), whichever the request carries."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return account.verify_bearer(header[7:].strip(), protocol=protocol)
    return account.verify_oauth(oauth_request(request), protocol=protocol)


# -------------------------------------------------------------------------------- endpoints
def _token(request: Request, account: SimAccount) -> Response:
    """``POST /services/rest/auth/oauth2/v1/token`` (form-encoded client credentials request).

    ASSUMED: the refusal body is RFC 6749's ``{"error", "error_description"}``; see simulator/oauth2.py.
    """
    form = dict(request.form.items()) if request.mimetype == "application/x-www-form-urlencoded" else {}
    answer = account.issue_token(form)
    if isinstance(answer, LoginRefused):
        error, status, description = answer_for(answer.cause)
        return _json({"error": error, "error_description": description}, status, JSON_CONTENT_TYPE)
    body = {"access_token": answer.value, "expires_in": str(TOKEN_LIFETIME_S), "token_type": "Bearer"}
    return _json(body, 200, JSON_CONTENT_TYPE)


def _server_time(account: SimAccount) -> Response:
    now = account.now_utc()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return _json({"serverTime": stamp}, 200, JSON_CONTENT_TYPE)


def _int_param(args: Mapping[str, str], name: str, default: int) -> int | None:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def _suiteql(request: Request, account: SimAccount, principal: Principal) -> Response:
    if request.headers.get("Prefer", "").strip().lower() != "transient":
        # UNCERTAIN: Oracle calls "Prefer: transient" required but does not show what happens without
        # it. The simulator refuses with 400 INVALID_REQUEST so a client that forgets it is caught.
        account.refuse("request")
        return error_response(
            400, "INVALID_REQUEST", "SuiteQL requests need the header 'Prefer: transient'.",
            errorHeader="Prefer",
        )

    limit = _int_param(request.args, "limit", MAX_LIMIT)
    offset = _int_param(request.args, "offset", 0)
    # UNCERTAIN: NetSuite's wording for a bad limit/offset is not public; the rules are (limit at most
    # 1000, offset a multiple of limit).
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        account.refuse("request")
        return error_response(
            400, "INVALID_PARAMETER", f"The limit must be a whole number from 1 to {MAX_LIMIT}.",
            errorQueryParam="limit",
        )
    if offset is None or offset < 0 or offset % limit != 0:
        account.refuse("request")
        return error_response(
            400, "INVALID_PARAMETER", "The offset must be zero or a multiple of the limit.",
            errorQueryParam="offset",
        )
    if offset + limit > MAX_RESULTS or offset // limit >= MAX_PAGES:
        # UNCERTAIN: the wording; the limit itself is Oracle's (100,000 results, 1000 pages a query).
        account.refuse("request")
        return error_response(
            400, "INVALID_PARAMETER",
            f"A SuiteQL query returns at most {MAX_RESULTS:,} results; the offset {offset} is beyond them.",
            errorQueryParam="offset",
        )

    try:
        payload = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        payload = None
    query = payload.get("q") if isinstance(payload, dict) else None
    params = payload.get("params", []) if isinstance(payload, dict) else []
    if not isinstance(query, str) or not query.strip() or not isinstance(params, list):
        account.refuse("request")
        return error_response(400, "INVALID_REQUEST", MALFORMED_REQUEST_DETAIL)

    try:
        tables = account.db.tables_in(query)
    except SuiteQLError as exc:
        account.refuse("query")
        return _query_error(exc.detail)
    denied = sorted(t for t in tables if not account.can_read_table(principal, t))
    if not account.can_use_analytics(principal) and tables:
        # UNCERTAIN: how NetSuite refuses SuiteQL to a role without SuiteAnalytics Workbook is not
        # documented; the simulator answers as for a record the role cannot see.
        denied = denied or sorted(tables)
    if denied:
        account.refuse("permission")
        return _query_error(f"Search error occurred: Record '{denied[0]}' was not found.")

    try:
        result = account.db.query(query, params, limit=limit, offset=offset)
    except SuiteQLError as exc:
        account.refuse("query")
        return _query_error(exc.detail)
    return _json(_page(request, result.items, result.total, limit, offset), 200, COLLECTION_CONTENT_TYPE)


def _query_error(detail: str) -> Response:
    text = detail if detail.startswith(QUERY_ERROR_PREFIX) else QUERY_ERROR_PREFIX + detail
    return error_response(400, "INVALID_PARAMETER", text, errorQueryParam="q")


def _page(
    request: Request, rows: list[dict[str, str]], total: int, limit: int, offset: int
) -> dict[str, Any]:
    """NetSuite's collection body: links, count, hasMore, items (each with empty links), offset,
    totalResults. Paging links appear when the result spans more than one page."""
    base = request.host_url.rstrip("/") + request.path

    def href(at: int) -> str:
        return f"{base}?limit={limit}&offset={at}"

    has_more = offset + len(rows) < total
    links: list[dict[str, str]] = []
    if total > limit or offset > 0:
        last = max(0, (total - 1) // limit * limit)
        if offset > 0:
            links.append({"rel": "previous", "href": href(max(0, offset - limit))})
        links.append({"rel": "first", "href": href(0)})
        if has_more:
            links.append({"rel": "next", "href": href(offset + limit)})
        links.append({"rel": "last", "href": href(last)})
    given = [f"{name}={request.args[name]}" for name in ("limit", "offset") if name in request.args]
    links.append({"rel": "self", "href": base + ("?" + "&".join(given) if given else "")})
    return {
        "links": links,
        "count": len(rows),
        "hasMore": has_more,
        "items": [{"links": [], **row} for row in rows],
        "offset": offset,
        "totalResults": total,
    }


def _restlet(request: Request, account: SimAccount) -> Response:
    fixture = account.fixture
    deployed = fixture.restlet
    script = request.args.get("script", "")
    deploy = request.args.get("deploy", "")
    if deployed is None or (str(_field(deployed, "script")), str(_field(deployed, "deploy"))) != (
        script,
        deploy,
    ):
        account.refuse("not_found")
        # UNCERTAIN: NetSuite's exact answer for a script/deploy pair that is not deployed.
        return restlet_error(
            400, "SSS_INVALID_SCRIPTLET_ID", "That Suitelet is invalid, disabled, or no longer exists."
        )
    # The deployed script cannot read the per-subsidiary defaults (no public list names their field
    # ids, see names.toml), so it answers null for each: the simulator answers the same.
    unknown = {"payable_account": None, "corporate_card_account": None, "tax_required": None}
    subsidiaries = {
        str(s.id): dict(unknown)
        for s in fixture.subsidiaries
        if not s.inactive  # the deployed script reports active subsidiaries only (docs/restlet.md)
    }
    body = {"preferences": fixture.preferences, "features": fixture.features, "subsidiaries": subsidiaries}
    return _json(body, 200, JSON_CONTENT_TYPE)


def _field(obj: object, name: str) -> object:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


