"""``nsaudit sim serve``: run the NetSuite simulator in the foreground and show its login trail."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import click

from netsuite_audit.simulator.faults import FaultPlan
from netsuite_audit.simulator.fixture import load_fixture
from netsuite_audit.simulator.server import SimServer
from netsuite_audit.simulator.trail import TrailEntry
from netsuite_audit.support.errors import InputError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@click.group(name="sim")
def sim() -> None:
    """Local NetSuite simulator (read-only, for tests and demos)."""
    from netsuite_audit.support.signals import uninstall

    uninstall()  # a server stops on Ctrl-C by unwinding, so it can print its counters


@sim.command(name="serve")
@click.option("--account", "account_file", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Account fixture file (JSON) describing the simulated account.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0, 600_000),
              help="Extra delay for every request, held inside the concurrency slot.")
@click.option("--concurrency", default=None, type=click.IntRange(1, 1000),
              help="Account concurrency limit (default: the fixture's concurrency_limit).")
@click.option("--fault-rate", "fault_rates", multiple=True, metavar="KIND=RATE",
              help="Inject faults: concurrency, 5xx or drop, with a rate from 0 to 1. Repeatable.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for fault injection.")
@click.option("--expensify-rate", "expensify_rates", multiple=True, metavar="JOBS/SECONDS",
              help="Expensify stand-in rate limit per partnerUserID, e.g. 5/10. Repeatable; default 5/10 and "
                   "20/60 (Expensify's published limits).")
def serve(
    account_file: Path,
    host: str,
    port: int,
    latency_ms: int,
    concurrency: int | None,
    fault_rates: tuple[str, ...],
    seed: int,
    expensify_rates: tuple[str, ...],
) -> None:
    """Serve a simulated NetSuite account until Ctrl-C, printing each login attempt."""
    try:
        fixture = load_fixture(account_file)
        plan = FaultPlan.parse(fault_rates)
        windows = tuple(_rate(text) for text in expensify_rates) or None
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None

    server = SimServer(
        fixture, host=host, port=port, latency_ms=latency_ms, concurrency=concurrency, faults=plan, seed=seed,
        expensify_windows=windows
    )
    try:
        server.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            click.echo(f"error: port {port} on {host} is in use by another program (another simulator?): stop it, "
                       "or pick another port with --port N (--port 0 takes a free one)", err=True)
        else:
            click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise SystemExit(2) from None

    def show(entry: TrailEntry) -> None:
        click.echo(entry.line())

    server.trail.subscribe(show)
    realm = fixture.account.realm
    click.echo(f"NetSuite simulator for {realm} ({fixture.company_name}) listening on {server.url}")
    click.echo(f"  concurrency limit {server.concurrency}, latency {latency_ms} ms"
               + (f", faults {_describe(plan)} (seed {seed})" if plan.active else ""))
    if host not in LOOPBACK:
        click.echo(f"  warning: {host} is not a loopback address; other machines can reach this simulator")
    click.echo("Point nsaudit at it with:")
    click.echo(f"  export NSAUDIT_BASE_URL={server.url}")
    click.echo(f"  export NSAUDIT_ACCOUNT={realm}")
    if fixture.expensify is not None:  # the partner secret is in the fixture file; it is never printed
        click.echo(f"Expensify Integration Server stand-in at {server.url}/Integration-Server/ExpensifyIntegrations "
                   f"(policy {fixture.expensify.policy.id}):")
        click.echo(f"  export NSAUDIT_EXPENSIFY_BASE_URL={server.url}")
        click.echo(f"  export NSAUDIT_EXPENSIFY_USER_ID={fixture.expensify.partner_user_id}")
        click.echo("  export NSAUDIT_EXPENSIFY_USER_SECRET=<partner_user_secret from the fixture file>")
    click.echo("  and the consumer key/secret and token id/secret of a token in the fixture file.")
    click.echo("Login audit trail (Ctrl-C to stop):")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    counts = server.counters
    click.echo(
        f"stopped: {counts.total_requests} requests, {sum(counts.refusals.values())} refused, "
        f"{counts.write_attempts} write attempts, max {counts.max_in_flight} in flight"
    )


def _describe(plan: FaultPlan) -> str:
    parts = [
        f"{name}={rate:g}"
        for name, rate in (("concurrency", plan.concurrency), ("5xx", plan.server_error), ("drop", plan.drop))
        if rate
    ]
    return ", ".join(parts)


__all__ = ["serve", "sim"]


def _rate(text: str) -> tuple[int, float]:
    """``JOBS/SECONDS`` (e.g. ``5/10``) for the Expensify stand-in's rate windows."""
    jobs, _, seconds = text.partition("/")
    try:
        pair = (int(jobs), float(seconds))
    except ValueError:
        pair = (0, 0.0)
    if pair[0] < 1 or pair[1] <= 0:
        raise InputError("expected JOBS/SECONDS with JOBS >= 1 and SECONDS > 0, e.g. 5/10",
                         source="--expensify-rate", field=text)
    return pair
