"""RestClient against NetSuite-shaped answers served by ``responses``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from netsuite_audit.netsuite.errors import (
    AuthenticationError,
    ConcurrencyLimited,
    InvalidQuery,
    NetSuiteError,
    PermissionDenied,
    ServerError,
    TransportError,
)
from netsuite_audit.netsuite.records import Employee
from netsuite_audit.netsuite.rest import RestClient, SuiteQLPage, error_from_response
from netsuite_audit.netsuite.transport import CallStats, Gate, RetryPolicy
from tests.netsuite.test_oauth import assert_validly_signed, header_params, make_creds

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
SUITEQL = BASE + "/services/rest/query/v1/suiteql"
SERVER_TIME = BASE + "/services/rest/system/v1/serverTime"
DATE = "Tue, 14 Nov 2023 22:13:20 GMT"
FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.002, jitter=0.0, timeout=5)
TYPE_400 = "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1"

# Oracle's 429 example, byte for byte including the missing comma before "o:errorDetails".
MALFORMED_429 = (
    '{"type":"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.29","title":"Bad Request",'
    '"status":429,"o:errorCode":"USER_ERROR" "o:errorDetails":[{"detail":"Concurrent request limit '
    'exceeded. Request blocked.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}'
)


def error_body(status: int, title: str, code: str, detail: str, **extra: str) -> str:
    entry = {"detail": detail, "o:errorCode": code, **extra}
    return json.dumps({"type": TYPE_400, "title": title, "status": status, "o:errorDetails": [entry]})


def page_body(items: list[dict[str, Any]], *, offset: int, limit: int, total: int) -> dict[str, Any]:
    return {
        "links": [{"rel": "self", "href": f"{SUITEQL}?limit={limit}&offset={offset}"}],
        "count": len(items),
        "hasMore": offset + len(items) < total,
        "items": [{"links": [], **item} for item in items],
        "offset": offset,
        "totalResults": total,
    }


@pytest.fixture
def creds():  # type: ignore[no-untyped-def]
    return make_creds(
        "1234567_SB1", ck="consumer-key-0001", cs="SECRET-CS-value", tk="token-0002", ts="SECRET-TS"
    )


@pytest.fixture
def client(creds):  # type: ignore[no-untyped-def]
    return RestClient(creds, retry=FAST)


# -- SuiteQL request shape -------------------------------------------------------------------


@responses.activate
def test_suiteql_page_request_shape(client: RestClient, creds) -> None:  # type: ignore[no-untyped-def]
    responses.post(
        SUITEQL,
        json=page_body([{"id": "1", "entityid": "Ann"}], offset=0, limit=1000, total=1),
        match=[matchers.query_param_matcher({"limit": "1000", "offset": "0"})],
    )
    page = client.suiteql_page("SELECT id, entityid FROM employee")
    sent = responses.calls[0].request
    assert sent.method == "POST"
    assert sent.headers["Prefer"] == "transient"
    assert json.loads(sent.body) == {"q": "SELECT id, entityid FROM employee"}  # no empty params key
    assert header_params(sent)["realm"] == "1234567_SB1"
    assert_validly_signed(sent, creds)  # limit and offset are in the signature
    assert page == SuiteQLPage(
        items=[{"id": "1", "entityid": "Ann"}], count=1, has_more=False, total_results=1, offset=0
    )


@responses.activate
def test_suiteql_params_go_as_wire_strings(client: RestClient) -> None:
    responses.post(SUITEQL, json=page_body([], offset=0, limit=10, total=0))
    client.suiteql_page(
        "SELECT id FROM item WHERE id BETWEEN ? AND ? AND isinactive = ?", [-7, "0", False], limit=10
    )
    assert json.loads(responses.calls[0].request.body)["params"] == ["-7", "0", "F"]
    assert parse_qs(urlsplit(responses.calls[0].request.url).query) == {"limit": ["10"], "offset": ["0"]}


@pytest.mark.parametrize(("limit", "offset"), [(1001, 0), (0, 0), (100, 50), (100, -100)])
def test_bad_paging_arguments(client: RestClient, limit: int, offset: int) -> None:
    with pytest.raises(ValueError):
        client.suiteql_page("SELECT 1 FROM dual", limit=limit, offset=offset)


@responses.activate
def test_suiteql_all_pages_through_three_pages(client: RestClient) -> None:
    total = 2005
    rows = [{"id": str(n), "isinactive": "F"} for n in range(total)]

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = parse_qs(urlsplit(request.url).query)
        limit, offset = int(query["limit"][0]), int(query["offset"][0])
        body = page_body(rows[offset : offset + limit], offset=offset, limit=limit, total=total)
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    responses.add_callback(responses.POST, SUITEQL, callback=callback)
    got = list(client.suiteql_all("SELECT id, isinactive FROM employee"))
    assert got == rows
    offsets = [parse_qs(urlsplit(c.request.url).query)["offset"][0] for c in responses.calls]
    assert offsets == ["0", "1000", "2000"]
    assert all("links" not in row for row in got)
    assert client.stats.by_kind == {"suiteql": 3}


@responses.activate
def test_items_convert_through_record_models(client: RestClient) -> None:
    item = {"id": "42", "entityid": "Bo", "isinactive": "F", "giveaccess": "T", "rolesforsearch": "1, 3"}
    responses.post(SUITEQL, json=page_body([item], offset=0, limit=1000, total=1))
    (row,) = client.suiteql_all("SELECT * FROM employee")
    employee = Employee.model_validate(row)
    assert employee.id == 42
    assert employee.isinactive is False
    assert employee.giveaccess is True
    assert employee.rolesforsearch == (1, 3)
    assert employee.supervisor is None  # the column was left out of the item
    assert employee.expenselimit is None


@responses.activate
def test_null_columns_are_dropped(client: RestClient) -> None:
    responses.post(SUITEQL, json=page_body([{"id": "1", "email": None}], offset=0, limit=1000, total=1))
    assert client.suiteql_page("SELECT id, email FROM employee").items == [{"id": "1"}]


@responses.activate
def test_garbled_success_body_is_a_typed_error(client: RestClient) -> None:
    responses.post(SUITEQL, body="<html>proxy page</html>", status=200)
    with pytest.raises(NetSuiteError) as caught:
        client.suiteql_page("SELECT 1 FROM dual")
    assert caught.value.code == "UNEXPECTED_RESPONSE"


# -- error mapping ---------------------------------------------------------------------------

LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > "
    "Users/Roles > User Management > View Login Audit Trail."
)
DETAIL_PREFIX = "Invalid search query. Detailed unprocessed description follows. "


ERROR_CASES = [
    (
        401,
        error_body(401, "Unauthorized", "INVALID_LOGIN", LOGIN_DETAIL),
        AuthenticationError,
        "INVALID_LOGIN",
    ),
    (
        403,
        error_body(
            403, "Forbidden", "INSUFFICIENT_PERMISSION", "The account record is only available as a beta."
        ),
        PermissionDenied,
        "INSUFFICIENT_PERMISSION",
    ),
    (
        400,
        error_body(
            400,
            "Bad Request",
            "INVALID_PARAMETER",
            DETAIL_PREFIX + "Invalid search type: transactiontablethatdoesnotexist.",
            **{"o:errorQueryParam": "q"},
        ),
        InvalidQuery,
        "INVALID_PARAMETER",
    ),
    (
        404,
        error_body(404, "Not Found", "NONEXISTENT_ID", "Record does not exist."),
        InvalidQuery,
        "NONEXISTENT_ID",
    ),
    (429, MALFORMED_429, ConcurrencyLimited, "CONCURRENCY_LIMIT_EXCEEDED"),
    (
        500,
        error_body(
            500, "Internal Server Error", "UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: abc"
        ),
        ServerError,
        "UNEXPECTED_ERROR",
    ),
    (503, "<html><body>Service Unavailable</body></html>", ServerError, None),
]


@pytest.mark.parametrize(("status", "body", "error_type", "code"), ERROR_CASES, ids=lambda v: str(v)[:12])
@responses.activate
def test_error_bodies_become_typed_errors(
    creds,  # type: ignore[no-untyped-def]
    status: int,
    body: str,
    error_type: type[NetSuiteError],
    code: str | None,
) -> None:
    client = RestClient(creds, retry=RetryPolicy(attempts=1))
    responses.post(SUITEQL, body=body, status=status, headers={"Date": DATE})
    with pytest.raises(error_type) as caught:
        client.suiteql_page("SELECT id FROM employee")
    error = caught.value
    assert type(error) is error_type
    assert error.code == code
    assert (error.status, error.protocol, error.date_header) == (status, "rest", DATE)
    for secret in ("SECRET-CS-value", "SECRET-TS"):
        assert secret not in str(error)
        assert secret not in repr(error)


def test_error_messages_carry_netsuites_detail() -> None:
    response = _response(401, error_body(401, "Unauthorized", "INVALID_LOGIN", LOGIN_DETAIL))
    assert "Invalid login attempt" in str(error_from_response(response))
    assert "Concurrent request limit exceeded" in str(error_from_response(_response(429, MALFORMED_429)))


@pytest.mark.parametrize(
    ("detail", "record", "one_world_hint"),
    [
        (
            DETAIL_PREFIX + "Search error occurred: Unknown identifier 'subsidiary'. "
            "Available identifiers are: {transaction=transaction}.",
            "subsidiary",
            True,
        ),
        (DETAIL_PREFIX + "Search error occurred: Record 'customer' was not found.", "customer", False),
        (
            DETAIL_PREFIX + "Search error occurred: Unknown identifier 'not_existing_field'. "
            "Available identifiers are: {customer=customer}",
            "not_existing_field",
            False,
        ),
    ],
)
def test_invisible_records_mean_missing_permission(detail: str, record: str, one_world_hint: bool) -> None:
    body = error_body(400, "Bad Request", "INVALID_PARAMETER", detail, **{"o:errorQueryParam": "q"})
    error = error_from_response(_response(400, body))
    assert isinstance(error, PermissionDenied)
    assert error.record == record
    assert error.code == "INVALID_PARAMETER"
    text = str(error)
    assert "permission" in text and "feature" in text
    assert ("OneWorld" in text) is one_world_hint
    assert detail in text


def test_restlet_concurrency_answer_is_concurrency_limited() -> None:
    body = json.dumps({"error": {"code": "SSS_REQUEST_LIMIT_EXCEEDED", "message": "Request limit exceeded"}})
    error = error_from_response(_response(400, body))
    assert isinstance(error, ConcurrencyLimited)
    assert error.code == "SSS_REQUEST_LIMIT_EXCEEDED"


@responses.activate
def test_connection_error_is_a_transport_error(creds) -> None:  # type: ignore[no-untyped-def]
    client = RestClient(creds, retry=RetryPolicy(attempts=1))
    responses.post(SUITEQL, body=requests.ConnectionError("connection refused"))
    with pytest.raises(TransportError) as caught:
        client.suiteql_page("SELECT 1 FROM dual")
    assert caught.value.protocol == "rest"


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ReadTimeout("slow"), requests.exceptions.ChunkedEncodingError("cut")],
    ids=["timeout", "chunked"],
)
@responses.activate
def test_timeouts_and_cut_bodies_are_transport_errors(creds, failure: Exception) -> None:  # type: ignore[no-untyped-def]
    client = RestClient(creds, retry=RetryPolicy(attempts=1))
    responses.get(SERVER_TIME, body=failure)
    with pytest.raises(TransportError):
        client.server_time()


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        {"status": 429, "body": MALFORMED_429},
        {"status": 500, "body": error_body(500, "Internal Server Error", "UNEXPECTED_ERROR", "oops")},
        {"body": requests.ConnectionError("reset by peer")},
    ],
    ids=["429", "500", "connection"],
)
@responses.activate
def test_retry_then_success_with_a_fresh_signature(
    client: RestClient,
    creds,  # type: ignore[no-untyped-def]
    first: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter(range(1_700_000_000, 1_700_000_100))
    monkeypatch.setattr("oauthlib.oauth1.rfc5849.generate_timestamp", lambda: str(next(clock)))
    responses.post(SUITEQL, **first)
    responses.post(
        SUITEQL, body=error_body(500, "Internal Server Error", "UNEXPECTED_ERROR", "again"), status=500
    )
    responses.post(SUITEQL, json=page_body([{"id": "9"}], offset=0, limit=1000, total=1))
    assert client.suiteql_page("SELECT id FROM employee").items == [{"id": "9"}]
    assert len(responses.calls) == 3
    sent = [c.request for c in responses.calls]
    nonces = {header_params(r)["oauth_nonce"] for r in sent}
    stamps = {header_params(r)["oauth_timestamp"] for r in sent}
    assert len(nonces) == 3 and len(stamps) == 3
    for request in sent:
        assert_validly_signed(request, creds)
    assert (client.stats.calls, client.stats.retries) == (3, 2)


@responses.activate
def test_no_retry_on_401(client: RestClient) -> None:
    responses.post(SUITEQL, body=error_body(401, "Unauthorized", "INVALID_LOGIN", LOGIN_DETAIL), status=401)
    with pytest.raises(AuthenticationError):
        client.suiteql_page("SELECT id FROM employee")
    assert len(responses.calls) == 1


@responses.activate
def test_retries_stop_after_the_attempts(client: RestClient) -> None:
    responses.post(SUITEQL, body=MALFORMED_429, status=429)
    with pytest.raises(ConcurrencyLimited):
        client.suiteql_page("SELECT id FROM employee")
    assert len(responses.calls) == FAST.attempts


@responses.activate
def test_shared_gate_and_stats(creds) -> None:  # type: ignore[no-untyped-def]
    gate, stats = Gate(2), CallStats()
    client = RestClient(creds, retry=FAST, gate=gate, stats=stats)
    responses.get(SERVER_TIME, json={"serverTime": "2023-11-14T22:13:20.000Z"})
    client.server_time()
    client.server_time()
    assert stats.by_kind == {"serverTime": 2}
    assert gate.max_in_flight == 1 and gate.in_flight == 0


# -- serverTime ------------------------------------------------------------------------------


@responses.activate
def test_server_time(client: RestClient) -> None:
    responses.get(SERVER_TIME, json={"serverTime": "2023-11-14T22:13:20.000Z"}, headers={"Date": DATE})
    before = datetime.now(UTC)
    result = client.server_time()
    assert result.server_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert result.date_header == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert before <= result.local_time <= datetime.now(UTC)
    assert result.elapsed_ms >= 0
    assert result.skew_seconds is not None and result.skew_seconds < 0  # 2023 is behind us
    assert responses.calls[0].request.method == "GET"


@responses.activate
def test_server_time_401_keeps_the_date_header(client: RestClient) -> None:
    responses.get(
        SERVER_TIME,
        body=error_body(401, "Unauthorized", "INVALID_LOGIN", LOGIN_DETAIL),
        status=401,
        headers={"Date": DATE},
    )
    with pytest.raises(AuthenticationError) as caught:
        client.server_time()
    assert caught.value.date_header == DATE


@responses.activate
def test_server_time_without_its_date_is_not_the_protocols_answer(client: RestClient) -> None:
    """Issue 22: a 200 that is not serverTime's answer is a failure in transit, not a login."""
    from netsuite_audit.netsuite.errors import UnexpectedAnswer

    responses.get(SERVER_TIME, json={})
    with pytest.raises(UnexpectedAnswer):
        client.server_time()


# -- RESTlets --------------------------------------------------------------------------------


@responses.activate
def test_restlet_uses_the_restlets_domain_and_signs_the_query(creds) -> None:  # type: ignore[no-untyped-def]
    client = RestClient(creds, retry=FAST)
    url = "https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/restlet.nl"
    responses.get(url, json={"ok": True})
    assert client.restlet(6, 1, {"customParam": "a b"}) == {"ok": True}
    sent = responses.calls[0].request
    assert parse_qs(urlsplit(sent.url).query) == {"script": ["6"], "deploy": ["1"], "customParam": ["a b"]}
    assert_validly_signed(sent, creds)


@responses.activate
def test_restlet_goes_to_an_overridden_base_url() -> None:
    creds = make_creds("1234567", base_url="http://127.0.0.1:8765")
    client = RestClient(creds, retry=FAST)
    responses.get(
        "http://127.0.0.1:8765/app/site/hosting/restlet.nl", json={"ok": True}
    )
    assert client.restlet(10, 2) == {"ok": True}
    assert_validly_signed(responses.calls[0].request, creds)


@responses.activate
def test_a_restlet_answer_that_is_not_a_json_object_is_unexpected() -> None:
    """Issue 22: the nsaudit RESTlet answers a JSON object; plain text is not its answer."""
    from netsuite_audit.netsuite.errors import UnexpectedAnswer

    creds = make_creds("1234567", base_url="http://127.0.0.1:8765")
    url = "http://127.0.0.1:8765/app/site/hosting/restlet.nl"
    for body in ("plain text", "[1, 2]"):
        responses.get(url, body=body, content_type="text/plain")
        with pytest.raises(UnexpectedAnswer):
            RestClient(creds, retry=FAST).restlet(10, 2)
        responses.reset()


def test_restlet_rejects_reserved_params(client: RestClient) -> None:
    with pytest.raises(ValueError):
        client.restlet(1, 1, {"script": "2"})


# -- read only -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("DELETE", SUITEQL),
        ("PATCH", SUITEQL),
        ("PUT", SUITEQL),
        ("POST", BASE + "/services/rest/record/v1/employee"),
    ],
)
def test_only_get_and_the_suiteql_post_can_be_sent(client: RestClient, method: str, url: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(ValueError):
            client._send(method, url)  # type: ignore[arg-type]
        assert len(mock.calls) == 0


def test_client_repr_has_no_secret(client: RestClient) -> None:
    assert "SECRET" not in repr(client)


def _response(status: int, body: str, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers.update(headers or {})
    return response
