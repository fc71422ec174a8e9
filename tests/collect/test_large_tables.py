"""Tables past SuiteQL's 100,000-row limit (Oracle help section_157909186990): the simulator refuses a
page past it as NetSuite does, and the collector reads such a table in keyset partitions of at most
100,000 rows, every page once (the lower bound of calls), with the same findings as a small account."""

from __future__ import annotations

import math

import pytest

from netsuite_audit.collect.sources import MAX_QUERY_ROWS, PAGE_SIZE, _after
from netsuite_audit.netsuite.errors import NetSuiteError
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.snapshot import ReadState
from tests.support.e2e import account_data, audit, serve, token_credentials, workspace_data

EXTRA = 100_500  # customers added to the healthy account: a full partition and a part


def _big() -> dict[str, object]:
    data = account_data("healthy")
    customers = data["customers"]
    assert isinstance(customers, list)
    customers += [{"id": 100_000 + n, "entityid": f"Bulk {n}", "name": f"Bulk {n}", "subsidiary": 3,
                   "inactive": True} for n in range(EXTRA)]
    return data


def test_the_keyset_after_a_row() -> None:
    assert _after(("id",), {"id": "42"}) == ("(id > ?)", [42])
    where, params = _after(("entity", "subsidiary"), {"entity": "7", "subsidiary": "3"}) or ("", [])
    assert where == "(entity > ?) OR (entity = ? AND subsidiary > ?)" and params == [7, 7, 3]
    assert _after(("id",), {}) is None


@pytest.mark.slow
def test_an_account_past_the_limit_audits_like_a_small_one_at_the_lower_bound_of_calls() -> None:
    small = audit(account_data("healthy"), workspace_data("healthy"))
    big = audit(_big(), workspace_data("healthy"))
    assert big.problems() == small.problems()
    read = big.snapshot.reads["customer"]
    rows = EXTRA + len(account_data("healthy")["customers"])
    assert read.state == ReadState.OK and read.rows == rows
    assert read.calls == math.ceil(rows / PAGE_SIZE)  # every page once: no call more than the bound
    assert len({c.id for c in big.snapshot.tables.customer or ()}) == rows
    assert big.server.counters.refusals.get("request", 0) == 0  # never asked past the limit
    # The whole run: the requests added to the small account's are exactly the added pages (customers,
    # and customersubsidiaryrelationship, which grows with them and is read by its two key columns).
    def pages(outcome: object) -> dict[str, int]:
        reads = outcome.snapshot.reads  # type: ignore[attr-defined]
        return {t: max(1, math.ceil(r.rows / PAGE_SIZE)) for t, r in reads.items() if r.state == ReadState.OK}

    added = big.server.counters.requests.get("rest.suiteql", 0) - small.server.counters.requests.get("rest.suiteql", 0)
    grown = {t: n - pages(small)[t] for t, n in pages(big).items() if n != pages(small).get(t)}
    assert grown.keys() == {"customer", "customersubsidiaryrelationship"}
    assert big.snapshot.reads["customersubsidiaryrelationship"].rows > MAX_QUERY_ROWS
    assert added == sum(grown.values())


@pytest.mark.slow
def test_the_simulator_refuses_a_page_past_100000_rows() -> None:
    with serve(_big()) as server:
        client = RestClient(token_credentials(server.account.fixture, 1, server.url, "test"))
        last = client.suiteql_page("SELECT id FROM customer ORDER BY id", (), limit=PAGE_SIZE,
                                   offset=MAX_QUERY_ROWS - PAGE_SIZE)
        assert len(last.items) == PAGE_SIZE and last.has_more and (last.total_results or 0) > MAX_QUERY_ROWS
        with pytest.raises(NetSuiteError, match="100,000"):
            client.suiteql_page("SELECT id FROM customer ORDER BY id", (), limit=PAGE_SIZE, offset=MAX_QUERY_ROWS)


class _Rows:
    """A SuiteQL stand-in over ``n`` customer ids with a small row limit: refuses pages past it."""

    def __init__(self, n: int, cap: int) -> None:
        self.ids = list(range(1, n + 1))
        self.cap = cap
        self.calls: list[tuple[str, int]] = []

    def suiteql_page(self, query: str, params: object = (), *, limit: int = 1000, offset: int = 0):  # type: ignore[no-untyped-def]
        from netsuite_audit.netsuite.rest import SuiteQLPage

        assert offset + limit <= self.cap, "asked past the limit"
        self.calls.append((query, offset))
        after = int(next(iter(params))) if "WHERE" in query else 0  # type: ignore[call-overload]
        rows = [i for i in self.ids if i > after]
        page = rows[offset:offset + limit]
        return SuiteQLPage(items=[{"id": str(i)} for i in page], count=len(page),
                           has_more=offset + limit < len(rows), total_results=len(rows), offset=offset)


@pytest.mark.parametrize("n", [3000, 3001, 7_250, 9_000])
def test_partitions_chain_and_fetch_every_page_once(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    from netsuite_audit.collect import sources

    monkeypatch.setattr(sources, "MAX_QUERY_ROWS", 3000)
    client = _Rows(n, cap=3000)
    source = sources.SuiteQLSource(client)  # type: ignore[arg-type]
    rows, keys = source.first_page("customer")
    for key in keys:
        rows += source.page("customer", key)
    assert [r.id for r in rows] == client.ids  # all, once, in order
    assert len(client.calls) == math.ceil(n / PAGE_SIZE)  # the lower bound


def test_a_partition_that_does_not_move_on_stops_with_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from netsuite_audit.collect import sources
    from netsuite_audit.netsuite.rest import SuiteQLPage

    monkeypatch.setattr(sources, "MAX_QUERY_ROWS", 2000)

    class Stuck:  # always the same rows and a total past the cap, whatever the WHERE says
        def suiteql_page(self, query: str, params: object = (), *, limit: int = 1000, offset: int = 0):  # type: ignore[no-untyped-def]
            items = [{"id": str(offset + i + 1)} for i in range(limit)]
            return SuiteQLPage(items=items, count=limit, has_more=True, total_results=10**12, offset=offset)

    # Not NetSuite's answer: a failure in transit (could not audit), never read as a permission.
    with pytest.raises(sources.UnexpectedAnswer, match="starts where the last one did"):
        sources.SuiteQLSource(Stuck()).first_page("customer")  # type: ignore[arg-type]
