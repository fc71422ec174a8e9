"""One size, collected live: serve the generated account with the simulator and read it."""

from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.generate import Generated
from benchmarks.simproc import SimProcess
from netsuite_audit.collect import sources
from netsuite_audit.collect.collector import CollectOptions, Collector, lower_bound_calls
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.render.output import write_atomic
from netsuite_audit.simulator.database import AccountDB
from netsuite_audit.simulator.demo import token_credentials
from netsuite_audit.snapshot import AccountSnapshot, ReadState

# REST and SOAP login probes, the three SOAP Class/Department/Location probes, the RESTlet call.
FIXED_PROBES = 2 + 3 + 1


@dataclass(frozen=True)
class Collected:
    snapshot: AccountSnapshot
    figures: dict[str, Any]


def transaction_batches(report_ids: int, matched_rows: int) -> int:
    """Calls needed for the transaction lookups: one query per batch of report ids when the collector
    batches them (``sources.REPORT_ID_BATCH``), else one query paged 1000 rows at a time."""
    batch = getattr(sources, "REPORT_ID_BATCH", None)
    if report_ids == 0:
        return 0
    if isinstance(batch, int) and batch > 0:
        return math.ceil(report_ids / batch)
    return max(1, math.ceil(matched_rows / sources.PAGE_SIZE))


def collect_size(generated: Generated, account_path: Path, snapshot_path: Path, *, latency_ms: int,
                 concurrency: int) -> Collected:
    fixture = generated.fixture
    report_ids = generated.report_ids()
    with SimProcess(account_path, latency_ms, concurrency) as server:
        creds = token_credentials(fixture, 0, server.url, "benchmark")
        audit = token_credentials(fixture, 1, server.url, "benchmark-audit")
        restlet = (fixture.restlet.script, fixture.restlet.deploy) if fixture.restlet else None
        options = CollectOptions(concurrency=concurrency, report_ids=report_ids, restlet=restlet,
                                 retry=RetryPolicy(timeout=120.0))
        # The generated account is still in this process's memory; keep the cyclic garbage collector
        # from re-scanning it during the timed run (a real `nsaudit run` holds no such data).
        gc.collect()
        gc.freeze()
        started = time.perf_counter()
        collector = Collector(creds, audit_creds=audit, options=options)
        built = time.perf_counter()
        snapshot = collector.collect()
        finished = time.perf_counter()
        gc.unfreeze()
    counters = server.figures
    database = AccountDB(fixture)
    truth = {table: len(database.rows(table)) for table in snapshot.reads}
    write_atomic(snapshot_path, snapshot.to_json())

    reads = snapshot.reads
    not_ok = sorted(t for t, r in reads.items() if r.state not in (ReadState.OK, ReadState.SKIPPED))
    table_rows = {t: r.rows for t, r in reads.items() if r.state == ReadState.OK and t != "transaction"}
    wrong_rows = sorted(t for t, n in table_rows.items() if truth.get(t) != n)
    matched = reads["transaction"].rows if "transaction" in reads else 0
    fixed = FIXED_PROBES + transaction_batches(len(report_ids), matched)
    bound_calls = lower_bound_calls(table_rows, fixed)
    bound_wall = math.ceil(bound_calls / concurrency) * latency_ms / 1000
    wall = finished - started
    return Collected(snapshot, {
        "calls": collector.stats.calls,
        "retries": collector.stats.retries,
        "calls_by_kind": dict(collector.stats.by_kind),
        "server_requests": counters.requests,
        "server_refusals": counters.refused,
        "server_write_attempts": counters.write_attempts,
        "server_max_in_flight": counters.max_in_flight,
        "gate_max_in_flight": collector.gate.max_in_flight,
        "lower_bound_calls": bound_calls,
        "wall_s": round(wall, 3),
        "wall_collect_only_s": round(finished - built, 3),
        "client_setup_s": round(built - started, 3),
        "lower_bound_wall_s": round(bound_wall, 3),
        "wall_ratio": round(wall / bound_wall, 3) if bound_wall else None,
        "rows": {t: r.rows for t, r in reads.items() if r.state == ReadState.OK},
        "tables_not_ok": not_ok,
        "tables_with_wrong_row_count": wrong_rows,
    })
