"""``nsaudit doctor``: ask this account, read-only and cheaply, about every name and behaviour nsaudit
still assumes, and say per name: confirmed, refuted or could not tell, and what nsaudit does about it.

Every UNCERTAIN name of names.toml gets a verdict: SuiteQL tables and columns are asked with one query
per table (``SELECT <the uncertain columns> FROM <table>``, one row at most), again without a column
NetSuite says it does not know; the other kinds (RESTlet ids, the permission a table needs) are listed
with what would settle them. Behaviours: the spellings of ``role.subsidiaryoption``, the size of the
transaction search NS0034 sends, SuiteQL's largest IN list, the 100,000-row cap, and whether a 429
carries Retry-After (only when one is seen: the doctor never provokes one).

The output holds names, counts and yes/no only: no account id, no record names or values (a value
spelling is shown only when it looks like an enum spelling). It is safe to paste into a bug report.
``--format json`` validates against netsuite_audit/schemas/doctor.schema.json.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import click
import requests
from pydantic import BaseModel, ConfigDict

from netsuite_audit import __version__
from netsuite_audit.netsuite import names
from netsuite_audit.netsuite.errors import NetSuiteError, PermissionDenied, TransportError
from netsuite_audit.netsuite.tables import TABLES

Verdict = Literal["confirmed", "refuted", "could-not-tell"]
Kind = Literal["table", "column", "table-permission", "restlet-id", "value", "behaviour"]

SCHEMA_VERSION = 1
_UNKNOWN_ID = re.compile(r"unknown identifier '([^']+)'", re.IGNORECASE)
_NOT_FOUND = re.compile(r"record '([^']+)' was not found", re.IGNORECASE)
_ENUM_SPELLING = re.compile(r"[A-Za-z_]{1,24}")
KNOWN_SUBSIDIARY_OPTIONS = ("ALL", "SELECTED")
IN_LIST_SIZES = (1000, 1001)


class Entry(BaseModel):
    """One name or behaviour and what this account said about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    name: str
    listed: Literal["UNCERTAIN", "confirmed", "assumed"]  # its status in names.toml / docs/fidelity.md
    verdict: Verdict
    how: str  # what was asked, and what the answer was (no account data)
    nsaudit_does: str  # what nsaudit will do about it in this account


class DoctorReport(BaseModel):
    """``nsaudit doctor --format json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    nsaudit_version: str
    requests: int  # calls made to NetSuite
    login: Literal["ok", "failed"]
    entries: list[Entry]
    counts: dict[str, int]


# ---- asking NetSuite --------------------------------------------------------------------------------
Ask = Callable[[str, Sequence[object], int, int], Any]


class _Asker:
    """One SuiteQL page per question, counting the calls; never raises for a NetSuite answer."""

    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self.calls = 0
        self.transport_failed = False

    def __call__(self, query: str, params: Sequence[object] = (), *, limit: int = 1,
                 offset: int = 0) -> tuple[Any | None, NetSuiteError | None]:
        self.calls += 1
        try:
            return self._ask(query, params, limit, offset), None
        except TransportError as exc:
            self.transport_failed = True
            return None, exc
        except NetSuiteError as exc:
            return None, exc


def _said(exc: NetSuiteError) -> tuple[str | None, str | None]:
    """(unknown identifier, record not found) named in NetSuite's answer, lower case."""
    text = exc.message or ""
    unknown, missing = _UNKNOWN_ID.search(text), _NOT_FOUND.search(text)
    return (unknown.group(1).lower() if unknown else None, missing.group(1).lower() if missing else None)


def _unsure_answer(exc: NetSuiteError) -> str:
    if exc.code == "LOGIN_FAILED":
        return "nothing was asked: the login failed"
    if isinstance(exc, TransportError):
        return "the request failed in transit"
    if isinstance(exc, PermissionDenied):
        return "NetSuite refused the query (a missing name and a name this role may not read look the same)"
    return f"NetSuite answered {exc.code or 'an error'}"


KEEPS = ("keeps the name; if NetSuite does not know it, the value is reported as unknown (UNVERIFIABLE naming "
         "it), never as a missing permission")
FALLS_BACK = ("reads the table again with SELECT * and reports this column's value as unknown (UNVERIFIABLE "
              "naming it); please send this report so the name can be corrected")
NOT_READ = "does not read this column (names.toml lists it for the record): the audit does not depend on it"


def _does(table: str, column: str, when_read: str) -> str:
    """What nsaudit does about a column: ``when_read`` for a column it reads, else that it does not."""
    return when_read if column in TABLES[table].columns else NOT_READ


def _table_entries(ask: _Asker) -> Iterator[Entry]:
    for table, entry in names.tables().items():
        columns = list(names.uncertain_columns(table))
        if not entry.table.uncertain and not columns:
            continue
        if entry.table.uncertain and not columns:
            columns = list(entry.columns)
        remaining, refuted = list(columns), []
        while True:
            listed = ", ".join(remaining) if remaining else "*"
            _, exc = ask(f"SELECT {listed} FROM {table}")
            if exc is None:
                break
            unknown, _ = _said(exc)
            if unknown and unknown in remaining:
                remaining.remove(unknown)
                refuted.append(unknown)
                continue
            break
        if exc is None:
            if entry.table.uncertain:
                yield Entry(kind="table", name=table, listed="UNCERTAIN", verdict="confirmed",
                            how="a query naming it was answered", nsaudit_does="reads it as named")
            for column in remaining:
                yield Entry(kind="column", name=f"{table}.{column}", listed="UNCERTAIN", verdict="confirmed",
                            how="a query naming it was answered",
                            nsaudit_does=_does(table, column, "reads it as named"))
        else:
            reason = _unsure_answer(exc)
            if entry.table.uncertain:
                yield Entry(kind="table", name=table, listed="UNCERTAIN", verdict="could-not-tell", how=reason,
                            nsaudit_does=KEEPS)
            for column in remaining:
                yield Entry(kind="column", name=f"{table}.{column}", listed="UNCERTAIN", verdict="could-not-tell",
                            how=f"the table could not be queried: {reason}", nsaudit_does=_does(table, column, KEEPS))
        for column in refuted:
            yield Entry(kind="column", name=f"{table}.{column}", listed="UNCERTAIN", verdict="refuted",
                        how="NetSuite: unknown identifier", nsaudit_does=_does(table, column, FALLS_BACK))
        if entry.permission_name.uncertain:
            yield Entry(kind="table-permission", name=f"{table} needs {entry.permission}", listed="UNCERTAIN",
                        verdict="could-not-tell",
                        how="only a role without that permission would show it, and the doctor uses yours",
                        nsaudit_does="names that permission when the table is refused, as an assumption")


def _restlet_entries() -> Iterator[Entry]:
    for kind in ("preferences", "features", "types"):
        for key, name in names.restlet(kind).items():
            if not name.uncertain:
                continue
            yield Entry(kind="restlet-id", name=f"{kind[:-1]} {key}", listed="UNCERTAIN", verdict="could-not-tell",
                        how="a SuiteScript id: only the nsaudit RESTlet can ask it (the doctor uses SuiteQL only)",
                        nsaudit_does=("reads it through the RESTlet when deployed; a value that does not come back "
                                      "is unknown (UNVERIFIABLE), never off"))


def _subsidiary_options(ask: _Asker) -> Iterator[Entry]:
    page, exc = ask("SELECT DISTINCT subsidiaryoption FROM role", limit=1000)
    if exc is not None or page is None:
        for value in KNOWN_SUBSIDIARY_OPTIONS:
            yield Entry(kind="value", name=f"role.subsidiaryoption = {value}", listed="assumed",
                        verdict="could-not-tell",
                        how=f"roles could not be read: {_unsure_answer(exc) if exc else 'no answer'}",
                        nsaudit_does="reads only ALL and SELECTED with a meaning; any other value is UNVERIFIABLE")
        return
    seen = {str(item.get("subsidiaryoption", "")).strip() for item in page.items} - {""}
    for value in KNOWN_SUBSIDIARY_OPTIONS:
        found = any(v.upper() == value for v in seen)
        yield Entry(kind="value", name=f"role.subsidiaryoption = {value}", listed="assumed",
                    verdict="confirmed" if found else "could-not-tell",
                    how="a role of this account has it" if found else "no role of this account has it",
                    nsaudit_does=("ALL: every subsidiary; SELECTED: the role's chosen subsidiaries "
                                  "(role.effectivesubsidiaries)"))
    others = sorted(v for v in seen if v.upper() not in KNOWN_SUBSIDIARY_OPTIONS)
    if others:
        shown = [v for v in others if _ENUM_SPELLING.fullmatch(v)]
        hidden = len(others) - len(shown)
        yield Entry(kind="value", name="role.subsidiaryoption, other spellings", listed="assumed", verdict="refuted",
                    how=(f"{len(others)} other value(s) seen" + (f": {', '.join(shown)}" if shown else "")
                         + (f" ({hidden} not shown: not an enum spelling)" if hidden else "")),
                    nsaudit_does=("role-subsidiary-scope is UNVERIFIABLE for a role with such a value, naming it; "
                                  "please send this report"))


def _query_sizes(ask: _Asker) -> Iterator[Entry]:
    from netsuite_audit.collect.sources import REPORT_ID_BATCH, report_search

    ids = [f"NSAUDIT-DOCTOR-{n:04d}" for n in range(REPORT_ID_BATCH)]
    query, params = report_search("id", ids)
    _, exc = ask(query, params)
    verdict: Verdict = "confirmed" if exc is None else (
        "could-not-tell" if isinstance(exc, (TransportError, PermissionDenied)) else "refuted")
    yield Entry(kind="behaviour", name=f"a transaction search of {REPORT_ID_BATCH} report ids in one query",
                listed="assumed", verdict=verdict,
                how="answered" if exc is None else _unsure_answer(exc),
                nsaudit_does=(f"searches pending report ids {REPORT_ID_BATCH} a query for NS0034"
                              + ("" if verdict != "refuted" else "; here that search fails: please send this report")))
    answers: dict[int, NetSuiteError | None] = {}
    for size in IN_LIST_SIZES:
        marks = ", ".join("?" for _ in range(size))
        _, answers[size] = ask(f"SELECT id FROM currency WHERE id IN ({marks})", list(range(1, size + 1)))
    small, large = answers[IN_LIST_SIZES[0]], answers[IN_LIST_SIZES[1]]
    if small is None and large is not None and not isinstance(large, TransportError):
        verdict, how = "confirmed", "an IN list of 1000 was answered and one of 1001 refused"
    elif small is None and large is None:
        verdict, how = "refuted", "an IN list of 1001 was answered too"
    else:
        verdict, how = "could-not-tell", _unsure_answer(small or large)  # type: ignore[arg-type]
    yield Entry(kind="behaviour", name="SuiteQL's largest IN list is 1000 (as Oracle SQL's)", listed="assumed",
                verdict=verdict, how=how, nsaudit_does="sends no IN list longer than 1000")


def _page_cap(ask: _Asker) -> Iterator[Entry]:
    from netsuite_audit.collect.sources import MAX_QUERY_ROWS, PAGE_SIZE

    _, exc = ask("SELECT id FROM currency ORDER BY id", limit=PAGE_SIZE, offset=MAX_QUERY_ROWS)
    if exc is not None and not isinstance(exc, TransportError):
        verdict: Verdict = "confirmed"
        how = f"a page at offset {MAX_QUERY_ROWS:,} was refused"
    else:
        verdict = "could-not-tell"
        how = ("a page at offset 100,000 of a small table was answered; whether a larger one is refused there "
               "is unknown" if exc is None else _unsure_answer(exc))
    yield Entry(kind="behaviour", name="SuiteQL returns at most 100,000 rows a query", listed="confirmed",
                verdict=verdict, how=how,
                nsaudit_does="reads a larger table in keyset partitions of at most 100,000 rows, every page once")


def _retry_after(seen: list[bool]) -> Entry:
    if not seen:
        return Entry(kind="behaviour", name="a 429 answer carries Retry-After", listed="assumed",
                     verdict="could-not-tell", how="no 429 was answered (the doctor never provokes one)",
                     nsaudit_does="backs off on a 429 with its own delays, whatever the header says")
    carried = all(seen)
    return Entry(kind="behaviour", name="a 429 answer carries Retry-After", listed="assumed",
                 verdict="confirmed" if carried else "refuted",
                 how=f"{len(seen)} 429 answer(s) seen, {sum(seen)} with Retry-After",
                 nsaudit_does="backs off on a 429 with its own delays, whatever the header says")


def diagnose(ask: Ask, *, login_ok: bool, retry_after_seen: list[bool] | None = None) -> DoctorReport:
    """Every entry, in a stable order. ``ask(query, params, limit, offset)`` returns a SuiteQL page."""
    asker = _Asker(ask)
    entries: list[Entry] = []
    if login_ok:
        entries += _table_entries(asker)
        entries += _subsidiary_options(asker)
        entries += _query_sizes(asker)
        entries += _page_cap(asker)
    else:  # nothing is asked: every name is listed as could not tell
        def refused(query: str, params: Sequence[object], limit: int, offset: int) -> Any:
            raise TransportError("the login failed", code="LOGIN_FAILED")

        entries += _table_entries(_Asker(refused))
    entries += _restlet_entries()
    entries.append(_retry_after(retry_after_seen or []))
    counts = {v: sum(1 for e in entries if e.verdict == v) for v in ("confirmed", "refuted", "could-not-tell")}
    return DoctorReport(nsaudit_version=__version__, requests=asker.calls, login="ok" if login_ok else "failed",
                        entries=entries, counts=counts)


# ---- output --------------------------------------------------------------------------------------------
def render_text(report: DoctorReport) -> str:
    c = report.counts
    lines = [
        f"nsaudit doctor {report.nsaudit_version}: {len(report.entries)} names and behaviours nsaudit assumes, "
        f"asked of this account read-only in {report.requests} request(s); login {report.login}.",
        f"confirmed {c['confirmed']}, refuted {c['refuted']}, could not tell {c['could-not-tell']}.",
        "Safe to paste into a bug report: names, counts and yes/no only, no account data.",
    ]
    for verdict, title in (("refuted", "REFUTED"), ("confirmed", "confirmed"), ("could-not-tell", "could not tell")):
        chosen = [e for e in report.entries if e.verdict == verdict]
        if not chosen:
            continue
        lines += ["", f"{title} ({len(chosen)})"]
        for e in chosen:
            lines.append(f"  {e.kind:<16} {e.name}")
            lines.append(f"  {'':<16}   asked: {e.how}")
            lines.append(f"  {'':<16}   nsaudit: {e.nsaudit_does}")
    return "\n".join(lines) + "\n"


# ---- the command ---------------------------------------------------------------------------------------
def _retry_after_hook(seen: list[bool]) -> Callable[..., None]:
    def hook(response: requests.Response, *args: object, **kwargs: object) -> None:
        if response.status_code == 429:
            seen.append("Retry-After" in response.headers)
    return hook


def _run_doctor(creds: Any, audit_creds: Any) -> DoctorReport:
    from netsuite_audit.netsuite.http import SafeSession
    from netsuite_audit.netsuite.rest import RestClient

    seen: list[bool] = []
    session = SafeSession()
    session.hooks["response"].append(_retry_after_hook(seen))
    client = RestClient(audit_creds or creds, session=session)
    try:
        client.server_time()
        login_ok = True
    except NetSuiteError:
        login_ok = False

    def ask(query: str, params: Sequence[object], limit: int, offset: int) -> Any:
        return client.suiteql_page(query, params, limit=limit, offset=offset)

    return diagnose(ask, login_ok=login_ok, retry_after_seen=seen)


@click.command("doctor")
@click.option("--profile", metavar="NAME", envvar="NSAUDIT_PROFILE",
              help="Credentials profile (profiles file or keyring). Default: env vars, then 'default'.")
@click.option("--audit-profile", metavar="NAME", envvar="NSAUDIT_AUDIT_PROFILE",
              help="Ask with this (administrator) profile instead: it can read every table, so fewer answers "
                   "are 'could not tell'.")
@click.option("--demo", is_flag=True, help="Ask the bundled simulated account (no credentials).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def doctor_command(profile: str | None, audit_profile: str | None, demo: bool, fmt: str) -> None:
    """Ask this account about every NetSuite name and behaviour nsaudit still assumes (read-only).

    Prints per name: confirmed, refuted or could not tell, and what nsaudit will do about it. The output
    holds no account data; send it with a bug report (docs/fidelity.md).
    """
    from netsuite_audit.support.errors import InputError, NsauditError

    try:
        if demo:
            from netsuite_audit.simulator.demo import demo_session

            with demo_session() as session:
                report = _run_doctor(session.creds, session.audit_creds)
        else:
            from netsuite_audit.inputs.credentials import load_credentials

            report = _run_doctor(load_credentials(profile),
                                 load_credentials(audit_profile) if audit_profile else None)
    except InputError as exc:  # bad credentials or files: one line, exit 2
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(2)
    except NsauditError as exc:  # could not ask at all
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(3)
    if fmt == "json":
        click.echo(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        click.echo(render_text(report), nl=False)
    sys.exit(0 if report.login == "ok" else 3)
