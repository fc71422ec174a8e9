"""The simulator's REST endpoints over real HTTP: serverTime, SuiteQL (rows, paging, refusals), the
RESTlet, write refusal and unknown paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from netsuite_audit.simulator.server import SimServer

SUITEQL = "/services/rest/query/v1/suiteql"
RESTLET = "/app/site/hosting/restlet.nl"
CLASSES = "SELECT id, name, isinactive FROM classification ORDER BY id"

TbaFactory = Callable[..., OAuth1]


def suiteql(server: SimServer, auth: OAuth1, query: str, *, params: list[str] | None = None,
            limit: int | None = None, offset: int | None = None,
            headers: dict[str, str] | None = None) -> requests.Response:
    args = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    body: dict[str, Any] = {"q": query}
    if params is not None:
        body["params"] = params
    return requests.post(server.url + SUITEQL, params=args, json=body, auth=auth, timeout=5,
                         headers={"Prefer": "transient"} if headers is None else headers)


def detail(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"type", "title", "status", "o:errorDetails"}
    assert body["status"] == response.status_code
    item: dict[str, Any] = body["o:errorDetails"][0]
    return item


@pytest.fixture
def server(sim_server: Any, mini_account: dict[str, Any]) -> SimServer:
    return sim_server(mini_account)


def test_server_time(server: SimServer, tba: TbaFactory) -> None:
    response = requests.get(server.url + "/services/rest/system/v1/serverTime", auth=tba(server, 1), timeout=5)
    assert response.status_code == 200
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", response.json()["serverTime"])
    assert response.headers["Date"].endswith("GMT")
    assert server.counters.requests == {"rest.serverTime": 1}


def test_suiteql_returns_fixture_rows_as_strings(server: SimServer, tba: TbaFactory) -> None:
    response = suiteql(server, tba(server, 1), CLASSES)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["links", "count", "hasMore", "items", "offset", "totalResults"]
    assert body["links"] == [{"rel": "self", "href": server.url + SUITEQL}]
    assert (body["count"], body["hasMore"], body["offset"], body["totalResults"]) == (7, False, 0, 7)
    assert body["items"][0] == {"links": [], "id": "101", "name": "Class 01", "isinactive": "F"}
    assert body["items"][2]["isinactive"] == "T"
    assert all(isinstance(v, str) for item in body["items"] for k, v in item.items() if k != "links")


def test_suiteql_bound_parameters(server: SimServer, tba: TbaFactory) -> None:
    response = suiteql(server, tba(server, 1), "SELECT id, name FROM classification WHERE id = ?",
                       params=["104"])
    assert [item["name"] for item in response.json()["items"]] == ["Class 04"]


def test_paging_links_counts_and_offsets(server: SimServer, tba: TbaFactory) -> None:
    def href(offset: int) -> str:
        return f"{server.url}{SUITEQL}?limit=2&offset={offset}"

    middle = suiteql(server, tba(server, 1), CLASSES, limit=2, offset=2).json()
    assert middle["links"] == [
        {"rel": "previous", "href": href(0)},
        {"rel": "first", "href": href(0)},
        {"rel": "next", "href": href(4)},
        {"rel": "last", "href": href(6)},
        {"rel": "self", "href": href(2)},
    ]
    assert (middle["count"], middle["hasMore"], middle["offset"], middle["totalResults"]) == (2, True, 2, 7)
    assert [i["id"] for i in middle["items"]] == ["103", "104"]

    first = suiteql(server, tba(server, 1), CLASSES, limit=2, offset=0).json()
    assert [link["rel"] for link in first["links"]] == ["first", "next", "last", "self"]

    last = suiteql(server, tba(server, 1), CLASSES, limit=2, offset=6).json()
    assert [link["rel"] for link in last["links"]] == ["previous", "first", "last", "self"]
    assert (last["count"], last["hasMore"], last["items"][0]["id"]) == (1, False, "107")

    # Walking "next" links visits every row exactly once.
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = suiteql(server, tba(server, 1), CLASSES, limit=3, offset=offset).json()
        seen += [item["id"] for item in page["items"]]
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        offset = int(nxt[0].rsplit("=", 1)[1]) if nxt else None
    assert seen == [str(n) for n in range(101, 108)]


@pytest.mark.parametrize(
    ("limit", "offset", "param"),
    [(0, 0, "limit"), (1001, 0, "limit"), (3, 4, "offset"), (5, -5, "offset")],
)
def test_bad_limit_or_offset(server: SimServer, tba: TbaFactory, limit: int, offset: int, param: str) -> None:
    response = suiteql(server, tba(server, 1), CLASSES, limit=limit, offset=offset)
    assert response.status_code == 400
    item = detail(response)
    assert (item["o:errorCode"], item["o:errorQueryParam"]) == ("INVALID_PARAMETER", param)


def test_limit_1000_is_allowed(server: SimServer, tba: TbaFactory) -> None:
    assert suiteql(server, tba(server, 1), CLASSES, limit=1000, offset=0).status_code == 200


def test_prefer_transient_is_required(server: SimServer, tba: TbaFactory) -> None:
    response = suiteql(server, tba(server, 1), CLASSES, headers={})
    assert response.status_code == 400
    assert detail(response)["o:errorCode"] == "INVALID_REQUEST"


def test_body_without_q_is_malformed(server: SimServer, tba: TbaFactory) -> None:
    response = requests.post(server.url + SUITEQL, data="not json", auth=tba(server, 1),
                             headers={"Prefer": "transient", "Content-Type": "application/json"}, timeout=5)
    assert response.status_code == 400
    assert detail(response)["o:errorCode"] == "INVALID_REQUEST"


def test_table_without_permission_is_not_found(server: SimServer, tba: TbaFactory) -> None:
    response = suiteql(server, tba(server, 5), CLASSES)  # token 5's role has no LIST_CLASS
    assert response.status_code == 400
    assert response.json() == {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
        "title": "Bad Request",
        "status": 400,
        "o:errorDetails": [{
            "detail": "Invalid search query. Detailed unprocessed description follows. "
                      "Search error occurred: Record 'classification' was not found.",
            "o:errorQueryParam": "q",
            "o:errorCode": "INVALID_PARAMETER",
        }],
    }
    # The login itself succeeded; the refusal is about the record, not the token.
    assert server.trail.last() is not None and server.trail.last().success  # type: ignore[union-attr]
    assert server.counters.refusals == {"permission": 1}
    # The same role can still read the tables it has.
    assert suiteql(server, tba(server, 5), "SELECT id FROM employee").status_code == 200


def test_permission_is_checked_for_every_table_in_a_join(server: SimServer, tba: TbaFactory) -> None:
    query = ("SELECT e.id, c.name FROM employee e JOIN classification c ON c.id = e.class "
             "WHERE e.id = 10")
    response = suiteql(server, tba(server, 5), query)
    assert response.status_code == 400
    assert "Record 'classification' was not found." in detail(response)["detail"]
    assert suiteql(server, tba(server, 1), query).status_code == 200


def test_role_without_suiteanalytics_workbook(sim_server: Any, mini_account: dict[str, Any],
                                              tba: TbaFactory) -> None:
    del mini_account["roles"][0]["permissions"]["REPO_ANALYTICS"]
    server = sim_server(mini_account)
    response = suiteql(server, tba(server, 1), "SELECT id FROM employee")
    assert response.status_code == 400
    assert detail(response)["detail"].endswith("Record 'employee' was not found.")


def test_query_errors_use_netsuite_wording(server: SimServer, tba: TbaFactory) -> None:
    response = suiteql(server, tba(server, 1), "SELECT nosuchcolumn FROM classification")
    assert response.status_code == 400
    item = detail(response)
    assert item["o:errorCode"] == "INVALID_PARAMETER"
    assert item["o:errorQueryParam"] == "q"
    assert item["detail"].startswith("Invalid search query. Detailed unprocessed description follows. ")


def test_subsidiary_table_on_non_oneworld_account(sim_server: Any, mini_account: dict[str, Any],
                                                  tba: TbaFactory) -> None:
    mini_account["oneworld"] = False
    server = sim_server(mini_account)
    response = suiteql(server, tba(server, 1), "SELECT id FROM subsidiary")
    assert response.status_code == 400
    assert "Unknown identifier" in detail(response)["detail"]


def test_restlet_answers_preferences_features_and_subsidiaries(server: SimServer, tba: TbaFactory) -> None:
    response = requests.get(server.url + RESTLET, params={"script": "77", "deploy": "1"},
                            auth=tba(server, 1), timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["preferences"] == {"TIMEEXPENSEJOBONLY": False, "CLASSMANDATORY": True}
    assert body["features"]["TBA"] is True
    # The deployed script cannot read the per-subsidiary preferences (names.toml), so neither does the
    # simulator, whatever the fixture holds.
    unknown = {"payable_account": None, "corporate_card_account": None, "tax_required": None}
    assert body["subsidiaries"] == {"1": unknown, "2": unknown}
    assert server.counters.requests == {"restlet": 1}


def test_restlet_not_deployed(server: SimServer, sim_server: Any, mini_account: dict[str, Any],
                              tba: TbaFactory) -> None:
    response = requests.get(server.url + RESTLET, params={"script": "77", "deploy": "2"},
                            auth=tba(server, 1), timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SSS_INVALID_SCRIPTLET_ID"
    mini_account["restlet"] = None
    bare = sim_server(mini_account)
    response = requests.get(bare.url + RESTLET, params={"script": "77", "deploy": "1"},
                            auth=tba(bare, 1), timeout=5)
    assert response.status_code == 400


def test_restlet_query_parameters_are_signed(server: SimServer, tba: TbaFactory) -> None:
    prepared = requests.Request("GET", server.url + RESTLET, params={"script": "77", "deploy": "1"},
                                auth=tba(server, 1)).prepare()
    assert prepared.url is not None
    prepared.url = prepared.url.replace("deploy=1", "deploy=2")
    with requests.Session() as session:
        response = session.send(prepared, timeout=5)
    assert response.status_code == 401
    assert server.trail.causes() == ["InvalidSignature"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/services/rest/record/v1/customer"),
        ("PATCH", "/services/rest/record/v1/customer/42"),
        ("PUT", "/services/rest/record/v1/employee/10"),
        ("DELETE", "/services/rest/record/v1/classification/101"),
        ("POST", "/services/rest/system/v1/serverTime"),
        ("POST", RESTLET + "?script=77&deploy=1"),
    ],
)
def test_writes_are_refused_and_counted(sim_server: Any, mini_account: dict[str, Any], tba: TbaFactory,
                                        method: str, path: str) -> None:
    server = sim_server(mini_account, expect_writes=True)
    response = requests.request(method, server.url + path, json={"companyname": "X"}, auth=tba(server, 1),
                                timeout=5)
    assert response.status_code == 403
    if "restlet" in path:
        assert response.json()["error"]["code"] == "INSUFFICIENT_PERMISSION"
    else:
        item = detail(response)
        assert item["o:errorCode"] == "INSUFFICIENT_PERMISSION"
        assert "read-only" in item["detail"]
    counts = server.counters
    assert counts.write_attempts == 1
    assert list(counts.writes) == [f"{'restlet' if 'restlet' in path else 'rest'}.{method} {path.split('?')[0]}"]


def test_unauthenticated_write_is_still_counted(sim_server: Any, mini_account: dict[str, Any]) -> None:
    server = sim_server(mini_account, expect_writes=True)
    response = requests.post(server.url + "/services/rest/record/v1/customer", json={}, timeout=5)
    assert response.status_code == 401
    assert server.counters.write_attempts == 1


def test_unknown_paths_are_404(server: SimServer, tba: TbaFactory) -> None:
    outside = requests.get(server.url + "/nothing/here", timeout=5)
    assert outside.status_code == 404
    assert detail(outside)["o:errorCode"] == "NONEXISTENT_ID"
    inside = requests.get(server.url + "/services/rest/record/v1/customer/1", auth=tba(server, 1), timeout=5)
    assert inside.status_code == 404
    assert server.counters.write_attempts == 0


def test_healthy_fixture_suiteql(sim: SimServer, tba: TbaFactory) -> None:
    response = suiteql(sim, tba(sim, 1), "SELECT id, name FROM subsidiary ORDER BY id")
    assert response.status_code == 200, response.text
    names = [item["name"] for item in response.json()["items"]]
    assert len(names) == len(sim.fixture.subsidiaries)


def test_restlet_leaves_out_inactive_subsidiaries(sim_server: Any, mini_account: dict[str, Any],
                                                  tba: TbaFactory) -> None:
    mini_account["subsidiaries"][1]["inactive"] = True
    server = sim_server(mini_account)
    body = requests.get(server.url + RESTLET, params={"script": "77", "deploy": "1"}, auth=tba(server, 1),
                        timeout=5).json()
    assert list(body["subsidiaries"]) == ["1"]


def make_client(server: SimServer, token_id: int) -> Any:
    from netsuite_audit.inputs.credentials import Credentials, Secret
    from netsuite_audit.netsuite.rest import RestClient

    token = next(t for t in server.fixture.tokens if t.id == token_id)
    integration = next(i for i in server.fixture.integrations if i.id == token.integration)
    creds = Credentials(
        account=server.fixture.account, consumer_key=integration.consumer_key,
        consumer_secret=Secret(integration.consumer_secret), token_id=token.token_id,
        token_secret=Secret(token.token_secret), base_url=server.url, source="test",
    )
    return RestClient(creds)


def test_nsaudit_rest_client_reads_through_the_simulator(server: SimServer) -> None:
    from netsuite_audit.netsuite.errors import AuthenticationError, PermissionDenied

    client = make_client(server, 1)
    assert client.server_time() is not None
    rows = list(client.suiteql_all(CLASSES))
    assert [row["id"] for row in rows] == [str(n) for n in range(101, 108)]
    assert client.restlet(77, 1)["subsidiaries"]["2"]["corporate_card_account"] is None  # unreadable
    with pytest.raises(PermissionDenied) as denied:
        list(make_client(server, 5).suiteql_all(CLASSES))
    assert denied.value.record == "classification"
    with pytest.raises(AuthenticationError):
        make_client(server, 2).server_time()
    assert server.counters.write_attempts == 0
