"""NS0384: the integration's token may query classes, departments and locations.

The TBA/SOAP connection reads them with a SOAP search; nsaudit also tries SuiteQL. A permission refusal
on the SOAP path is what the sync will hit. A refusal on SuiteQL alone, while the SOAP search works,
does not stop the sync (SuiteQL has extra needs of its own) and is only a warning. The OAuth 2.0/REST
connection reads them over REST, so for it only the REST (SuiteQL) probes count.
"""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.remedies import ACCESS_TOKENS, MANAGE_ROLES, SYNC_NOW
from netsuite_audit.netsuite.permissions import describe_permission
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import ReadState, TableRead

META = CheckMeta(
    id="classification-query",
    codes=("NS0384",),
    severity=Severity.CRITICAL,
    title="Integration token can query classes, departments and locations",
    description=(
        "Queries Class, Department and Location with the token, over a SOAP search (as the integration "
        "does) and over SuiteQL. A permission refusal predicts the NS0384 sync error."
    ),
    optional_reads=("classification", "department", "location"),
    detection=(Detection.NETSUITE_DATA, Detection.PROBE),
    tags=("connection", "permissions", "classifications"),
)

# SuiteQL table -> (record type as the sync error names it, feature id that turns the list on)
RECORD_TYPES = {
    "classification": ("Classification", "CLASSES"),
    "department": ("Department", "DEPARTMENTS"),
    "location": ("Location", "LOCATIONS"),
}
PROTOCOL = {"soap": "SOAP search", "rest": "SuiteQL query"}


def _attempts(ctx: Context, table: str) -> dict[str, TableRead]:
    """The token's reads of ``table`` by protocol; audit-profile reads and skipped ones left out."""
    snap = ctx.snapshot
    protocols = ("rest",) if ctx.workspace.connection.resolved_kind == "oauth2-rest" else tuple(PROTOCOL)
    out: dict[str, TableRead] = {}
    primary = snap.read(table)
    if primary.via in protocols and primary.state != ReadState.SKIPPED:
        out[primary.via] = primary
    for protocol in protocols:
        alt = snap.alt_reads.get(f"{protocol}:{table}")
        if alt is not None and alt.via != "audit-profile" and alt.state != ReadState.SKIPPED:
            out.setdefault(protocol, alt)
    return out


def check(ctx: Context) -> Iterator[Finding]:
    for table, (record, feature) in RECORD_TYPES.items():
        if settings.feature(ctx, feature).off:
            continue  # the list is switched off in this account: the integration does not query it
        yield from _one(ctx, table, record)


def _one(ctx: Context, table: str, record: str) -> Iterator[Finding]:
    perm = TABLES[table].permission
    role = ctx.workspace.connection.role
    attempts = _attempts(ctx, table)
    subject = Subject(kind="record-type", id=table, name=record)
    evidence = {protocol: {"state": r.state.value, "detail": r.detail} for protocol, r in attempts.items()}
    denied = [p for p, r in attempts.items() if r.state == ReadState.DENIED]
    ok = [p for p, r in attempts.items() if r.state == ReadState.OK]
    first = (f"Make sure the connection was approved on NetSuite's consent screen with role {role!r} (reconnect "
             "from the workspace's Accounting page if not)." if ctx.workspace.connection.resolved_kind == "oauth2-rest"
             else f"In NetSuite open {ACCESS_TOKENS}, click View on the integration's token and confirm its role "
                  f"is {role!r}; if not, create a new token on that role and enter it in the workspace.")
    fix = (
        first,
        f"Open {MANAGE_ROLES} > {role} > Edit > Permissions > Lists and give "
        f"{describe_permission(perm)} at View or higher; save.",
        SYNC_NOW,
    )
    said = "; ".join(f"{PROTOCOL[p]}: {attempts[p].detail}" for p in denied if attempts[p].detail)
    if "soap" in denied or (denied and not ok):
        yield ctx.fail(
            f"NetSuite refused the token a {' and a '.join(PROTOCOL[p] for p in denied)} of {record} records. "
            f"The sync is expected to stop with \"Permission error encountered when querying NetSuite for "
            f"'{record}'\" (NS0384)." + (f" NetSuite said: {said}." if said else ""),
            subject=subject, evidence=evidence, fix=fix,
        )
    elif denied:
        yield ctx.warn(
            f"The SOAP search of {record} records works, so the sync can read them, but NetSuite refused the "
            "SuiteQL query; nsaudit's SuiteQL-based checks of this list rely on the SOAP copy."
            + (f" NetSuite said: {said}." if said else ""),
            severity=Severity.LOW, subject=subject, evidence=evidence,
        )
    elif (not ok or ("soap" in attempts and attempts["soap"].failed_in_transit)) \
            and any(r.failed_in_transit for r in attempts.values()):
        # The SOAP search is the path the integration itself uses: when it failed in transit, a
        # SuiteQL success does not show the sync can query these records (never a PASS).
        failures = {p: r.detail or r.state.value for p, r in attempts.items() if r.failed_in_transit}
        yield ctx.unverifiable(
            f"Not checked: the token's query of {record} records failed in transit, not because NetSuite "
            f"refused it ({'; '.join(f'{PROTOCOL[p]}: {d}' for p, d in failures.items())}).",
            missing=f"a complete answer from NetSuite for the {record} query", subject=subject,
            evidence={**evidence, "read_failures": failures},
            manual=("Run nsaudit again; if the failure repeats, check the network path to NetSuite and the "
                    "account's concurrency use.",),
        )
    elif not ok:
        errors = [f"{PROTOCOL[p]}: {r.detail or r.state.value}" for p, r in attempts.items()]
        yield ctx.unverifiable(
            f"Not checked: the token's query of {record} records "
            + (f"did not complete ({'; '.join(errors)})." if errors else "was not attempted."),
            missing=describe_permission(perm), subject=subject, evidence=evidence,
            manual=(f"In NetSuite confirm the integration role has {describe_permission(perm)} at View, "
                    "then run nsaudit again.",),
        )
