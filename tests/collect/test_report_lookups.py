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
