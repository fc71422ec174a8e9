"""Pending report ids are looked up in batches of REPORT_ID_BATCH, and may still be being read when
the collection starts (a live run parses the reports file while it waits for NetSuite)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.collect.collector import CollectOptions
from netsuite_audit.collect.sources import REPORT_ID_BATCH
from tests.support.e2e import account_data, collect_from, serve


def _ids(total: int) -> tuple[str, ...]:
    # The account's two exported reports sit in the second and the last batch.
    ids = [f"R-PENDING-{n:05d}" for n in range(total)]
    ids[REPORT_ID_BATCH + 3] = "R00AbCdEf1"
    ids[-1] = "R00AbCdEf2"
    return tuple(ids)


def test_report_ids_are_looked_up_in_batches() -> None:
    ids = _ids(2 * REPORT_ID_BATCH + 17)
    with serve(account_data("healthy")) as server:
        snapshot = collect_from(server, options=CollectOptions(report_ids=ids))
        counters = server.counters
    read = snapshot.reads["transaction"]
    assert read.state == "ok" and read.calls == 3  # three batches, one query each
    assert sorted(t.externalid for t in snapshot.tables.transaction or ()) == ["R00AbCdEf1", "R00AbCdEf2"]
    assert counters.refusals.get("query", 0) == 0


def test_report_ids_given_later_are_waited_for() -> None:
    ids = _ids(REPORT_ID_BATCH + 10)
    asked: list[int] = []

    def later() -> tuple[str, ...]:
        asked.append(1)
        return ids

    with serve(account_data("healthy")) as server:
        snapshot = collect_from(server, options=CollectOptions(later_report_ids=later))
    assert asked == [1]  # asked once, by the transaction read
    assert sorted(t.externalid for t in snapshot.tables.transaction or ()) == ["R00AbCdEf1", "R00AbCdEf2"]


def test_no_pending_report_means_no_lookup() -> None:
    with serve(account_data("healthy")) as server:
        snapshot = collect_from(server, options=CollectOptions(later_report_ids=lambda: ()))
        with_empty_list = server.counters.requests.get("rest.suiteql", 0)
    with serve(account_data("healthy")) as server:
        collect_from(server, options=CollectOptions())
        without_reports = server.counters.requests.get("rest.suiteql", 0)
    assert snapshot.tables.transaction == ()
    assert with_empty_list == without_reports  # the empty list sent no query


def test_a_bad_reports_file_read_during_a_live_run_is_still_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "reports.json"
    bad.write_text('{"reports": [{"id": "R1", "employee": "a@example.com", "lines": [{"amount": "abc"}]}]}')
    result = CliRunner().invoke(cli, ["run", "--demo", "--reports", str(bad), "-f", f"json:{tmp_path / 'r.json'}"])
    assert result.exit_code == 2
    assert "reports.json: reports.0.lines.0.amount" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.json").exists()


# ---- NS0034: what the collector asks and what the check matches agree ----------------------------------
def _reports(*ids: str) -> dict[str, object]:
    return {"reports": [{"id": rid, "employee": "sam.rivera@northwind.example", "title": rid, "currency": "USD",
                         "lines": []} for rid in ids]}


def test_a_report_id_inside_an_external_id_in_another_case_is_found_end_to_end(tmp_path: Path) -> None:
    """The check matches the id as a token, case ignored; the collector now asks for exactly that, so
    an external id such as 'exp-r00abcdef1-1' is read and reported, never a false PASS."""
    import json

    data = account_data("demo")
    for txn in data["transactions"]:
        if txn["external_id"] == "R00AbCdEf1":
            txn["external_id"] = "exp-r00abcdef1-1"
    reports = tmp_path / "reports.json"
    reports.write_text(json.dumps(_reports("R00AbCdEf1", "R00Demo002", "R00AbCdEf")))
    out = tmp_path / "r.json"
    with serve(data) as server:
        token = data["tokens"][0]
        integration = next(i for i in data["integrations"] if i["id"] == token["integration"])
        env = {"NSAUDIT_ACCOUNT": data["account_id"], "NSAUDIT_CONSUMER_KEY": integration["consumer_key"],
               "NSAUDIT_CONSUMER_SECRET": integration["consumer_secret"], "NSAUDIT_TOKEN_ID": token["token_id"],
               "NSAUDIT_TOKEN_SECRET": token["token_secret"], "NSAUDIT_BASE_URL": server.url,
               "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--check", "report-already-exported",
                                          "--reports", str(reports), "-f", f"json:{out}"], env=env)
    assert result.exit_code == 1, result.output
    findings = json.loads(out.read_text())["findings"]
    failed = [f for f in findings if f["status"] == "FAIL"]
    assert [f["subject"]["id"] for f in failed] == ["R00AbCdEf1"]  # "R00AbCdEf" is not a token of it
    assert "exp-r00abcdef1-1" in json.dumps(failed[0]["evidence"])
    assert "separate token" in json.dumps(failed[0]["evidence"])  # says what was searched, and that it is assumed
    reports.write_text(json.dumps(_reports("R00Demo002", "R00AbCdEf")))
    with serve(data) as server:
        env["NSAUDIT_BASE_URL"] = server.url
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--check", "report-already-exported",
                                          "--reports", str(reports), "-f", f"json:{out}"], env=env)
    assert result.exit_code == 0, result.output
    passed = [f for f in json.loads(out.read_text())["findings"] if f["check_id"] == "report-already-exported"]
    assert [f["status"] for f in passed] == ["PASS"]
    assert "external id holds the report id as a separate token" in passed[0]["message"]


def test_the_search_is_bound_and_case_insensitive() -> None:
    from netsuite_audit.collect.sources import report_search

    sql, params = report_search("id, externalid", ["r1'; DROP", "Ab_c"])
    assert "DROP" not in sql and sql.count("?") == 2 and "UPPER(externalid) LIKE ?" in sql
    assert params == ["%R1'; DROP%", "%AB_C%"]


def test_the_simulators_like_is_case_sensitive_as_oracles() -> None:
    with serve(account_data("healthy")) as server:
        db = server.account.db
        assert db.query("SELECT id FROM transaction WHERE externalid LIKE ?", ["%r00abcdef1%"]).items == []
        assert db.query("SELECT id FROM transaction WHERE UPPER(externalid) LIKE ?", ["%R00ABCDEF1%"]).items
