"""The one JSON result every renderer works from (schema: netsuite_audit/schemas/result.schema.json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsuite_audit import __version__
from netsuite_audit.audit.engine import NEEDS_INPUTS
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Status
from netsuite_audit.audit.permission_matrix import PermissionRow
from netsuite_audit.audit.verdicts import ReportVerdict
from netsuite_audit.collect.network_use import NetworkUse
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.support.errors import InputError

RESULT_SCHEMA_VERSION = "1.1"  # 1.1: provenance


def check_result_version(value: object) -> object:
    """Only result files this release can read: the same major version, a minor version not above ours."""
    major, _, minor = RESULT_SCHEMA_VERSION.partition(".")
    if isinstance(value, str):
        got_major, dot, got_minor = value.partition(".")
        if dot and got_major == major and got_minor.isdigit() and int(got_minor) <= int(minor):
            return value
    raise ValueError(f"unsupported result schema_version {str(value)[:20]!r}; this nsaudit reads "
                     f"{major}.0 to {RESULT_SCHEMA_VERSION}")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TableNeed(_Model):
    table: str
    permission: str


class CheckInfo(_Model):
    id: str
    codes: tuple[str, ...]
    severity: Severity
    title: str
    description: str
    tags: tuple[str, ...] = ()
    detection: tuple[Detection, ...] = ()
    reads: tuple[TableNeed, ...] = ()
    builtin: bool = True

    @classmethod
    def from_meta(cls, meta: CheckMeta, builtin: bool = True) -> CheckInfo:
        return cls(
            id=meta.id, codes=meta.codes, severity=meta.severity, title=meta.title,
            description=meta.description, tags=meta.tags, detection=meta.detection, builtin=builtin,
            reads=tuple(TableNeed(table=t, permission=TABLES[t].permission) for t in meta.reads),
        )


class Tool(_Model):
    name: str = "nsaudit"
    version: str = __version__


class ResultAccount(_Model):
    account_id: str
    environment: str
    transport: str
    role: str | None = Field(None, description="The role the integration token is expected to use")
    credential_source: str | None = None
    profile: str | None = None
    audit_profile: str | None = None
    company: str | None = Field(None, description="The company: the top-level subsidiary's name, when it was read")


class ResultConnection(_Model):
    """Which Expensify connection was audited and how that was decided (docs/connections.md)."""

    kind: Literal["oauth2-rest", "tba-soap"] = Field(
        description="oauth2-rest: OAuth 2.0 over REST web services; tba-soap: token-based auth over SOAP")
    label: str = Field(description="The kind in words, e.g. 'OAuth 2.0 over REST'")
    decided_by: str = Field(description="How the kind was decided, in a plain sentence")
    account: str = Field("", description="What the account showed about the connection, in a sentence")
    agrees: bool | None = Field(None, description="true: the account backs the workspace's kind; false: it "
                                                  "contradicts it; null: the account could not tell")
    active_tokens: tuple[str, ...] = Field((), description="Active access tokens of the integration's "
                                                           "application, when the token list was read")

    def kind_text(self) -> str:
        """``OAuth 2.0/REST (oauth2-rest)``: the kind in words, with its workspace spelling."""
        return f"{self.label} ({self.kind})"

    def agreement_text(self) -> str:
        """``agrees``, ``DISAGREES`` or ``could not tell``: whether the account backs the workspace's kind."""
        return {True: "agrees", False: "DISAGREES", None: "could not tell"}[self.agrees]


class SnapshotSource(_Model):
    file: str = Field(description="The snapshot file audited, as given to --snapshot")
    sha256: str = Field(description="SHA-256 of that file (what sha256sum prints)")
    collected_at: datetime | None = Field(description="When nsaudit snapshot read the account")
    collected_by: str | None = Field(description="The nsaudit version that read it ('nsaudit 0.1.0')")


class Provenance(_Model):
    """Where the result's data came from: what a reviewer needs to sign it."""

    source: Literal["live", "snapshot"] = Field(description="Read from the account in this run, or from a saved "
                                                            "snapshot")
    endpoint: str | None = Field(description="The base URL the account was read from (null: unknown)")
    endpoint_kind: Literal["netsuite", "override", "simulator", "unknown"] = Field(
        description="netsuite: the account's own SuiteTalk domain; override: NSAUDIT_BASE_URL or a profile's "
                    "base_url (a proxy, a recording server, a simulator); simulator: nsaudit's demo simulator")
    snapshot: SnapshotSource | None = Field(None, description="The snapshot file, for a snapshot run")

    @classmethod
    def of(cls, snapshot: AccountSnapshot, snapshot_file: str | None) -> Provenance:
        acct = snapshot.account
        saved = None
        if snapshot_file is not None:
            saved = SnapshotSource(file=snapshot_file, sha256=snapshot.sha256(), collected_at=snapshot.collected_at,
                                   collected_by=f"nsaudit {snapshot.tool_version}" if snapshot.tool_version else None)
        return cls(source="snapshot" if snapshot_file is not None else "live", endpoint=acct.base_url,
                   endpoint_kind=acct.endpoint_kind or "unknown", snapshot=saved)

    def endpoint_text(self) -> str:
        """``https://1234567.suitetalk.api.netsuite.com`` or ``http://127.0.0.1:8080 (SIMULATOR: ...)``."""
        mark = {"override": " (OVERRIDE of NetSuite's host: NSAUDIT_BASE_URL or a profile's base_url)",
                "simulator": " (SIMULATOR, not NetSuite)",
                "unknown": " (kind unknown: not recorded in this snapshot)"}
        return (self.endpoint or "unknown endpoint") + mark.get(self.endpoint_kind, "")

    def source_text(self) -> str:
        """``live`` or ``snapshot a.json (sha256 1a2b3c4d5e6f…, collected 2026-12-01 09:00 UTC by nsaudit 0.1.0)``."""
        if self.snapshot is None:
            return "live"
        snap = self.snapshot
        when = snap.collected_at.strftime("%Y-%m-%d %H:%M %Z").strip() if snap.collected_at else "unknown"
        return (f"snapshot {snap.file} (sha256 {snap.sha256[:12]}…, collected {when} by "
                f"{snap.collected_by or 'unknown'})")


class Skipped(_Model):
    check_id: str
    reason: str


class Summary(_Model):
    total: int
    by_status: dict[str, int]
    by_severity: dict[str, int] = Field(description="FAIL and WARN findings by severity")
    checks_run: int
    checks_skipped: int
    not_run: dict[str, int] = Field(default_factory=dict, description="Checks not run, by reason")
    checks: dict[str, int] = Field(
        default_factory=dict,
        description="Checks by outcome (the one definition every output uses): failed (a FAIL, WARN or ERROR "
                    "above info), unverifiable (else an UNVERIFIABLE), informational (else an info-level FAIL "
                    "or WARN), passed (only PASS or MUTED findings), not_run")


class Selection(_Model):
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    strict: bool = False
    mutes: str | None = Field(None, description="The mute file applied, if any")
    baseline: str | None = Field(None, description="The baseline result applied, if any")


class AuditResult(_Model):
    schema_version: str = RESULT_SCHEMA_VERSION
    tool: Tool = Field(default_factory=Tool)
    account: ResultAccount
    started_at: datetime
    finished_at: datetime
    snapshot_sha256: str
    login_ok: bool
    workspace: str | None = None
    connection: ResultConnection | None = Field(None, description="The Expensify connection audited (kind and "
                                                                   "how it was decided); null in older results")
    workspace_name: str | None = Field(None, description="The workspace description's name")
    run_by: str | None = Field(None, description="The operating-system user who ran the audit")
    reports: str | None = None
    selection: Selection = Field(default_factory=Selection)
    summary: Summary
    checks: tuple[CheckInfo, ...]
    skipped_checks: tuple[Skipped, ...] = ()
    findings: tuple[Finding, ...]
    permissions: tuple[PermissionRow, ...] = Field((), description="Integration role: required vs actual")
    report_verdicts: tuple[ReportVerdict, ...] = Field((), description="Per pending report: clean or the codes")
    exit_code: int = Field(description="0 clean, 1 findings at or above fail_on, 3 could not audit")
    warnings: tuple[str, ...] = Field((), description="Run warnings: expired mutes, mutes expiring soon")
    network: NetworkUse | None = Field(None, description="Requests, refusals and the concurrency actually used "
                                                         "(null for an offline run)")
    provenance: Provenance | None = Field(None, description="Where the data came from (null in results written "
                                                            "before 1.1)")

    @field_validator("schema_version", mode="before")
    @classmethod
    def _known_version(cls, value: object) -> object:
        return check_result_version(value)

    @classmethod
    def load(cls, path: Path) -> AuditResult:
        """Read a stored result; its summary and exit code are recomputed from its findings (a stored
        file may have been edited: an exit_code of 0 beside FAIL findings is never believed)."""
        from netsuite_audit.inputs.files import read_text

        text = read_text(path)
        try:
            return cls.model_validate_json(text).recomputed()
        except ValidationError as exc:
            from netsuite_audit.inputs.files import error_from_validation

            if _looks_like_snapshot(text):
                raise InputError(f"this is a snapshot (what nsaudit snapshot writes), not a result; audit it with "
                                 f"nsaudit run --snapshot {path}", source=str(path)) from None
            raise error_from_validation(exc, str(path)) from exc

    def recomputed(self) -> AuditResult:
        """This result with ``summary`` and ``exit_code`` derived again from the findings and selection."""
        skipped = [(s.check_id, s.reason) for s in self.skipped_checks]
        explicit = {c.id for c in self.checks} if self.selection.include else set()
        return self.model_copy(update={
            "summary": summarize(self.findings, len(self.checks) - len(skipped), len(skipped), skipped,
                                 (c.id for c in self.checks)),
            "exit_code": exit_code(self.findings, login_ok=self.login_ok, fail_on=self.selection.fail_on,
                                   strict=self.selection.strict, explicit=explicit, skipped=skipped,
                                   checks_run=len(self.checks) - len(skipped)),
        })

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def check_outcomes(self) -> dict[str, CheckOutcome]:
        """Every check's outcome (the definition the counts use), in check order."""
        return check_outcomes((c.id for c in self.checks), self.findings, (s.check_id for s in self.skipped_checks))

    def passed_checks(self) -> tuple[str, ...]:
        """Checks whose findings are all PASS or MUTED (a check with any FAIL, WARN or UNVERIFIABLE did not
        pass); exactly the ones counted as passed."""
        return tuple(c for c, outcome in self.check_outcomes().items() if outcome == CheckOutcome.PASSED)


_SNAPSHOT_KEYS = frozenset({"tool_version", "collected_at", "login", "reads", "tables"})


def _looks_like_snapshot(text: str) -> bool:
    """True for a file with a snapshot's top-level keys (not a result's)."""
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.keys() >= _SNAPSHOT_KEYS and "findings" not in data


def not_run_note(result: AuditResult) -> str | None:
    """``31 of 42 checks were not run: 29 need a workspace description (--workspace); ...`` or None.

    Every renderer prints it, so a run that evaluated few checks never reads like a clean account."""
    if not result.skipped_checks:
        return None
    reasons = Counter(s.reason for s in result.skipped_checks)
    parts = "; ".join(f"{count} {reason.replace('needs ', 'need ', 1) if count > 1 else reason}"
                      for reason, count in reasons.most_common())
    note = f"{len(result.skipped_checks)} of {len(result.checks)} checks were not run: {parts}"
    if any(reason in reasons for reason in NEEDS_INPUTS):
        note += ". This is not a full audit of the account: pass --workspace to run them"
    return note + "."


class CheckOutcome(StrEnum):
    """What became of one check, worst first. The one definition: every output counts and lists by it."""

    FAILED = "failed"  # a FAIL, WARN or ERROR above info (muted and baseline-known FAILs do not count here
    #                    as MUTED is its own status; a baseline FAIL is still a FAIL of this run)
    UNVERIFIABLE = "unverifiable"  # not failed, and some part could not be verified
    INFORMATIONAL = "informational"  # only info-level FAIL/WARN findings besides passes: never "failed"
    PASSED = "passed"  # only PASS (or MUTED: accepted) findings
    NOT_RUN = "not_run"  # skipped: its inputs were not given


def check_outcome(findings: Iterable[Finding]) -> CheckOutcome:
    """The outcome of a check that ran, from its findings."""
    outcome = CheckOutcome.PASSED
    for f in findings:
        if f.status == Status.ERROR or (f.status in (Status.FAIL, Status.WARN) and f.severity != Severity.INFO):
            return CheckOutcome.FAILED
        if f.status == Status.UNVERIFIABLE:
            outcome = CheckOutcome.UNVERIFIABLE
        elif f.status in (Status.FAIL, Status.WARN) and outcome == CheckOutcome.PASSED:
            outcome = CheckOutcome.INFORMATIONAL
    return outcome


def check_outcomes(check_ids: Iterable[str], findings: Iterable[Finding],
                   skipped: Iterable[str] = ()) -> dict[str, CheckOutcome]:
    """Every check's outcome, in check order (a finding of a check not listed adds it). A check that was
    neither skipped nor left a finding has no outcome (the engine gives every check it runs at least one
    finding; a hand-edited result may not): it is never counted as passed."""
    by_check: dict[str, list[Finding]] = {c: [] for c in check_ids}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    not_run = set(skipped)
    return {c: CheckOutcome.NOT_RUN if c in not_run else check_outcome(items)
            for c, items in by_check.items() if items or c in not_run}


@dataclass(frozen=True)
class CheckCounts:
    total: int
    passed: int
    failed: int
    unverifiable: int
    not_run: int
    informational: int = 0


def check_counts(result: AuditResult) -> CheckCounts:
    """Checks by outcome (Summary.checks of the result): the numbers every output prints."""
    counts = result.summary.checks or _count(check_outcomes(
        (c.id for c in result.checks), result.findings, (s.check_id for s in result.skipped_checks)))
    return CheckCounts(total=sum(counts.values()), passed=counts.get("passed", 0), failed=counts.get("failed", 0),
                       unverifiable=counts.get("unverifiable", 0), not_run=counts.get("not_run", 0),
                       informational=counts.get("informational", 0))


def check_counts_dict(result: AuditResult) -> dict[str, int]:
    """Checks by outcome as data (SARIF and JUnit properties, the JSON summary's ``checks``)."""
    counts = check_counts(result)
    return {"total": counts.total, "passed": counts.passed, "failed": counts.failed,
            "informational": counts.informational, "unverifiable": counts.unverifiable, "not_run": counts.not_run}


def _count(outcomes: dict[str, CheckOutcome]) -> dict[str, int]:
    tally = Counter(outcomes.values())
    return {o.value: tally.get(o, 0) for o in CheckOutcome}


def summarize(findings: Iterable[Finding], checks_run: int, checks_skipped: int,
              skipped: Iterable[tuple[str, str]] = (), check_ids: Iterable[str] = ()) -> Summary:
    """Counts by status and severity, and checks by outcome; an aggregated finding counts as the ``count``
    findings it stands for."""
    findings = list(findings)
    skipped = list(skipped)
    by_status: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    for f in findings:
        by_status[f.status.value] += f.count
        if f.status in (Status.FAIL, Status.WARN):
            by_severity[f.severity.value] += f.count
    return Summary(
        total=sum(by_status.values()),
        by_status={s.value: by_status.get(s.value, 0) for s in Status},
        by_severity={s.value: by_severity.get(s.value, 0) for s in Severity},
        checks_run=checks_run,
        checks_skipped=checks_skipped,
        not_run=dict(Counter(reason for _, reason in skipped)),
        checks=_count(check_outcomes(check_ids, findings, (c for c, _ in skipped))),
    )


def exit_code(findings: Iterable[Finding], *, login_ok: bool, fail_on: Severity, strict: bool = False,
              explicit: Iterable[str] = (), failed_in_transit: bool = False,
              skipped: Iterable[tuple[str, str]] = (), checks_run: int | None = None) -> int:
    """3 could not audit; 1 findings at or above ``fail_on``; 0 otherwise.

    "Could not audit": no login at all, a read that failed in transit (network, timeout, concurrency
    limit or server error after the retries; whatever --strict says, so a network fault never passes a
    CI gate), a check that broke (ERROR), or an UNVERIFIABLE at or above ``fail_on`` on a check whose
    verdict was asked for (named with --check, or every check under --strict), or a check whose verdict
    was asked for that was not run: under --strict every check that needs the workspace description
    when none was given, and any check named with --check. Without --strict a run without a workspace
    exits on its findings (0 or 1), and every output says how many checks were not run and why.
    MUTED findings and findings known from a baseline never count. A run in which every selected check
    was not run (``checks_run`` 0) is 3: nothing was audited.
    """
    findings = list(findings)
    explicit = set(explicit)
    skipped = list(skipped)
    if not login_ok or failed_in_transit or any(f.status == Status.ERROR for f in findings):
        return 3
    if skipped and checks_run == 0:  # every check selected was not run: nothing was audited
        return 3
    for check_id, reason in skipped:
        if check_id in explicit or (strict and reason in NEEDS_INPUTS):
            return 3
    for f in findings:
        if (f.status == Status.UNVERIFIABLE and f.severity.rank >= fail_on.rank
                and (strict or f.check_id in explicit)):
            return 3
    if any(counts_toward_exit(f, fail_on) for f in findings):
        return 1
    return 0


def counts_toward_exit(finding: Finding, fail_on: Severity) -> bool:
    """A FAIL or WARN at or above ``fail_on``, not known from a baseline: a finding that needs action
    (what makes the exit code 1)."""
    return (finding.status in (Status.FAIL, Status.WARN) and finding.severity.rank >= fail_on.rank
            and not finding.baseline)


@dataclass(frozen=True)
class TransportFailure:
    """No login got an answer: every login probe failed in transit (refused, DNS, TLS, timeout, the
    concurrency limit or 5xx after the retries). Not a login problem: the cause is the connection."""

    kind: str  # network, concurrency or server (the first probe's)
    causes: tuple[str, ...]  # each probe's detail, as the client saw it, without repeats

    @property
    def fix(self) -> tuple[str, ...]:
        """What to do, by kind: check the URL, host and network; or wait and run again."""
        url = ("Check the URL nsaudit called (shown above): NSAUDIT_BASE_URL or a profile's base_url when set, "
               "else the account id, which NetSuite builds the host name from.")
        if self.kind == "network":
            return (url, "Check the network path from this machine to that host (DNS, proxy, firewall, VPN, TLS "
                         "inspection), then run nsaudit again; if it answered with server errors (HTTP 5xx), wait "
                         "a few minutes first.")
        if self.kind == "concurrency":
            return ("The account's concurrent request limit was reached on every try: pause other integrations "
                    "or wait a few minutes, then run nsaudit again (--concurrency 1 lowers nsaudit's share).",)
        return (url, "NetSuite (or whatever answers at that URL) failed on its side after every retry: wait a "
                     "few minutes and run nsaudit again; if it repeats, check NetSuite's status for the account.")


def transport_failure(result: AuditResult) -> TransportFailure | None:
    """The transport failure that kept nsaudit from logging in, from the login finding's probes; None when
    the login worked or some probe got an answer (then a refusal is a login problem)."""
    if result.login_ok:
        return None
    for finding in result.findings:
        if finding.check_id != "login":
            continue
        probes = [p for p in (finding.evidence.get("soap"), finding.evidence.get("rest")) if isinstance(p, dict)]
        if probes and all(not p.get("ok") and p.get("error") in _TRANSIT_KINDS for p in probes):
            causes = tuple(dict.fromkeys(str(p.get("detail") or p.get("error")) for p in probes))
            return TransportFailure(kind=str(probes[0]["error"]), causes=causes)
    return None


class Outcome(StrEnum):
    """What a run's result is. Decided once (:meth:`RunVerdict.of`); every output words the same one."""

    CLEAN = "clean"  # exit 0: nothing at or above fail-on needs action
    ACTION = "action"  # exit 1: findings at or above fail-on need action
    INCOMPLETE = "incomplete"  # exit 3 after a login: a check broke, a read failed, an asked-for check unverified
    NOT_AUDITED = "not-audited"  # exit 3: the login did not succeed, so the account was not read


@dataclass(frozen=True)
class RunVerdict:
    """The run's verdict and what it rests on: the renderers word it (text, Markdown, HTML, SARIF),
    none decides it again."""

    outcome: Outcome
    exit_code: int
    fail_on: Severity
    need_action: int  # findings that need action; a folded finding counts as many as it stands for
    broken: int  # ERROR findings: checks that broke
    read_failures: bool  # a finding rests on a read that failed in transit
    unreachable: TransportFailure | None = None  # no login because NetSuite could not be reached
    nothing_ran: bool = False  # every selected check was not run: nothing was audited

    @property
    def audited(self) -> bool:
        """The account was read and every verdict asked for was reached (exit 0 or 1)."""
        return self.outcome in (Outcome.CLEAN, Outcome.ACTION)

    @classmethod
    def of(cls, result: AuditResult) -> RunVerdict:
        if not result.login_ok:
            outcome = Outcome.NOT_AUDITED
        elif result.exit_code == 3:
            outcome = Outcome.INCOMPLETE
        elif result.exit_code == 1:
            outcome = Outcome.ACTION
        else:
            outcome = Outcome.CLEAN
        fail_on = result.selection.fail_on
        return cls(
            outcome=outcome, exit_code=result.exit_code, fail_on=fail_on,
            need_action=sum(f.count for f in result.findings if counts_toward_exit(f, fail_on)),
            broken=sum(1 for f in result.findings if f.status == Status.ERROR),
            read_failures=any(f.evidence.get("read_failures") for f in result.findings),
            unreachable=transport_failure(result),
            nothing_ran=bool(result.skipped_checks) and result.summary.checks_run == 0,
        )


def company_name(snapshot: AccountSnapshot) -> str | None:
    """The top-level subsidiary's name (a OneWorld account's parent company), when exactly one was read."""
    rows = snapshot.tables.get("subsidiary") or ()
    roots = [row.name for row in rows if getattr(row, "parent", None) is None and getattr(row, "name", None)]
    return roots[0] if len(roots) == 1 else None


def current_user() -> str | None:
    """Who ran the audit: the operating-system user name (None when the system cannot say)."""
    import getpass

    try:
        return getpass.getuser() or None
    except (OSError, KeyError):
        return None


_TRANSIT_KINDS = ("network", "concurrency", "server")


def failed_in_transit(snapshot: AccountSnapshot, findings: Iterable[Finding]) -> bool:
    """True when a login probe, the configured RESTlet, or a read some finding depends on, failed in
    transit (network, timeout, concurrency limit or server error after the retries)."""
    probes = (snapshot.login.rest, snapshot.login.soap)
    if any(p is not None and not p.ok and p.error in _TRANSIT_KINDS for p in probes):
        return True
    if snapshot.restlet_failure is not None:
        return True
    return any(f.evidence.get("read_failures") for f in findings)


def build_result(
    *,
    snapshot: AccountSnapshot,
    findings: list[Finding],
    checks: list[tuple[CheckMeta, bool]],
    skipped: list[tuple[str, str]],
    started_at: datetime,
    finished_at: datetime,
    selection: Selection,
    role: str | None,
    workspace: str | None = None,
    workspace_name: str | None = None,
    run_by: str | None = None,
    reports: str | None = None,
    explicit: Iterable[str] = (),
    permissions: Iterable[PermissionRow] = (),
    verdicts: Iterable[ReportVerdict] = (),
    warnings: Iterable[str] = (),
    network: NetworkUse | None = None,
    connection: ResultConnection | None = None,
    snapshot_file: str | None = None,
) -> AuditResult:
    return AuditResult(
        account=ResultAccount(
            account_id=snapshot.account.account_id,
            environment=snapshot.account.environment,
            transport=snapshot.transport,
            role=role,
            credential_source=snapshot.account.credential_source,
            profile=snapshot.account.profile,
            audit_profile=snapshot.account.audit_profile,
            company=company_name(snapshot),
        ),
        started_at=started_at,
        finished_at=finished_at,
        snapshot_sha256=snapshot.sha256(),
        login_ok=snapshot.login.any_ok,
        workspace=workspace,
        connection=connection,
        workspace_name=workspace_name,
        run_by=run_by,
        reports=reports,
        selection=selection,
        summary=summarize(findings, len(checks) - len(skipped), len(skipped), skipped,
                          (meta.id for meta, _ in checks)),
        checks=tuple(CheckInfo.from_meta(meta, builtin) for meta, builtin in checks),
        skipped_checks=tuple(Skipped(check_id=c, reason=r) for c, r in skipped),
        findings=tuple(findings),
        permissions=tuple(permissions),
        report_verdicts=tuple(verdicts),
        warnings=tuple(warnings),
        network=network,
        provenance=Provenance.of(snapshot, snapshot_file),
        exit_code=exit_code(findings, login_ok=snapshot.login.any_ok, fail_on=selection.fail_on,
                            strict=selection.strict, explicit=explicit,
                            failed_in_transit=failed_in_transit(snapshot, findings), skipped=skipped,
                            checks_run=len(checks) - len(skipped)),
    )


__all__ = [
    "AuditResult",
    "CheckCounts",
    "CheckOutcome",
    "InputError",
    "Outcome",
    "ResultConnection",
    "RunVerdict",
    "TransportFailure",
    "build_result",
    "check_counts",
    "check_counts_dict",
    "check_outcomes",
    "counts_toward_exit",
    "exit_code",
    "summarize",
    "transport_failure",
]
