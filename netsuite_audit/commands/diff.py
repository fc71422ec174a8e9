"""`nsaudit diff OLD NEW`: what changed between two results, or between two snapshots.

Two JSON results give new, resolved and changed findings, matched by stable finding id. Two
snapshots give the configuration drift that matters to the checks: permission levels, records
deactivated or reactivated, tokens revoked, roles reassigned, records added or removed, and tables
that became unreadable. The exit code is 1 when there is something new or drifted, else 0.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.inputs.files import error_from_validation, parsing, read_text
from netsuite_audit.result import AuditResult
from netsuite_audit.snapshot import AccountSnapshot
from netsuite_audit.support.errors import InputError

LEVELS = {0: "None", 1: "View", 2: "Create", 3: "Edit", 4: "Full"}
_NAME_FIELDS = ("entityid", "fullname", "name", "companyname", "altname", "tba_token_name", "acctnumber",
                "itemid", "periodname", "tranid")
_SKIP_RECORDS = ("transaction",)  # only rows tied to the pending reports of each run


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FindingRef(_Model):
    id: str
    check_id: str
    code: str | None
    status: Status
    severity: str
    message: str
    before_status: Status | None = None
    before_severity: str | None = None


class ResultDiff(_Model):
    kind: Literal["results"] = "results"
    old_file: str
    new_file: str
    old_account: str
    new_account: str
    new: tuple[FindingRef, ...] = ()
    resolved: tuple[FindingRef, ...] = ()
    changed: tuple[FindingRef, ...] = ()
    unchanged: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.new or self.changed else 0


class Drift(_Model):
    change: str  # permission-changed, deactivated, reactivated, token-revoked, role-changed, added, ...
    table: str
    id: str
    name: str | None = None
    before: str | None = None
    after: str | None = None


class SnapshotDiff(_Model):
    kind: Literal["snapshots"] = "snapshots"
    old_file: str
    new_file: str
    old_account: str
    new_account: str
    drift: tuple[Drift, ...] = ()

    @property
    def exit_code(self) -> int:
        return 1 if self.drift else 0


Diff = ResultDiff | SnapshotDiff


# ---- loading -----------------------------------------------------------------------------------------
def load_either(path: Path) -> AuditResult | AccountSnapshot:
    """A JSON result or a snapshot, told apart by their top-level keys."""
    text = read_text(path)
    try:
        with parsing(str(path)):
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("expected a JSON object at the top level", source=str(path))
    model: type[AuditResult] | type[AccountSnapshot]
    if "findings" in data and "summary" in data:
        model = AuditResult
    elif "tables" in data and "login" in data:
        model = AccountSnapshot
    else:
        raise InputError("neither an nsaudit JSON result nor a snapshot", source=str(path))
    try:
        with parsing(str(path)):
            return model.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc, str(path)) from exc


def diff_files(old_path: Path, new_path: Path) -> Diff:
    old, new = load_either(old_path), load_either(new_path)
    if isinstance(old, AuditResult) and isinstance(new, AuditResult):
        return diff_results(old, new, str(old_path), str(new_path))
    if isinstance(old, AccountSnapshot) and isinstance(new, AccountSnapshot):
        return diff_snapshots(old, new, str(old_path), str(new_path))
    kinds = {True: "a result", False: "a snapshot"}
    raise InputError(f"is {kinds[isinstance(new, AuditResult)]} but {old_path} is "
                     f"{kinds[isinstance(old, AuditResult)]}; compare two results or two snapshots",
                     source=str(new_path))


# ---- results -----------------------------------------------------------------------------------------
_OPEN = (Status.FAIL, Status.WARN, Status.ERROR, Status.UNVERIFIABLE, Status.MUTED)


def _ref(finding: Finding, before: Finding | None = None) -> FindingRef:
    return FindingRef(
        id=finding.id, check_id=finding.check_id, code=finding.code, status=finding.status,
        severity=finding.severity.value, message=finding.message,
        before_status=before.status if before else None,
        before_severity=before.severity.value if before else None,
    )


def _open_by_id(findings: Iterable[Finding]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for finding in findings:
        if finding.status in _OPEN:
            out.setdefault(finding.id, finding)
    return out


def diff_results(old: AuditResult, new: AuditResult, old_file: str = "OLD", new_file: str = "NEW") -> ResultDiff:
    """New: open now, absent or passing before. Resolved: the reverse. Changed: open in both, with
    another status or severity. Open means anything but PASS (MUTED included)."""
    before, after = _open_by_id(old.findings), _open_by_id(new.findings)
    changed = [_ref(after[i], before[i]) for i in sorted(after.keys() & before.keys())
               if (after[i].status, after[i].severity) != (before[i].status, before[i].severity)]
    return ResultDiff(
        old_file=old_file, new_file=new_file,
        old_account=old.account.account_id, new_account=new.account.account_id,
        new=tuple(_ref(after[i]) for i in sorted(after.keys() - before.keys())),
        resolved=tuple(_ref(before[i]) for i in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        unchanged=len(after.keys() & before.keys()) - len(changed),
    )


# ---- snapshots ---------------------------------------------------------------------------------------
def _name(row: Any) -> str | None:
    for field in _NAME_FIELDS:
        value = getattr(row, field, None)
        if value:
            return str(value)
    return None


def _role_names(*snapshots: AccountSnapshot) -> dict[int, str]:
    names: dict[int, str] = {}
    for snap in snapshots:
        for role in snap.tables.role or ():
            names[role.id] = role.name or f"#{role.id}"
    return names


def _flag(before: Any, after: Any, field: str) -> tuple[bool, bool] | None:
    old, new = getattr(before, field, None), getattr(after, field, None)
    if isinstance(old, bool) and isinstance(new, bool) and old != new:
        return old, new
    return None


def _record_drift(table: str, old_rows: Iterable[Any], new_rows: Iterable[Any],
                  roles: Mapping[int, str]) -> list[Drift]:
    before = {row.id: row for row in old_rows}
    after = {row.id: row for row in new_rows}
    out = [Drift(change="added", table=table, id=str(rid), name=_name(after[rid]))
           for rid in sorted(after.keys() - before.keys())]
    out += [Drift(change="removed", table=table, id=str(rid), name=_name(before[rid]))
            for rid in sorted(before.keys() - after.keys())]
    for rid in sorted(before.keys() & after.keys()):
        old, new = before[rid], after[rid]
        name = _name(new) or _name(old)

        def add(change: str, was: object, now: object, *, rid: int = rid, name: str | None = name) -> None:
            out.append(Drift(change=change, table=table, id=str(rid), name=name, before=str(was), after=str(now)))

        if flip := _flag(old, new, "isinactive"):
            add("deactivated" if flip[1] else "reactivated", "inactive" if flip[0] else "active",
                "inactive" if flip[1] else "active")
        if flip := _flag(old, new, "brevoked"):
            add("token-revoked" if flip[1] else "token-unrevoked", *("revoked" if f else "not revoked" for f in flip))
        if flip := _flag(old, new, "binactive"):
            add("token-deactivated" if flip[1] else "token-reactivated", *("inactive" if f else "active" for f in flip))
        if table == "oauthtoken" and old.role_name != new.role_name:
            add("role-changed", old.role_name, new.role_name)
        if table == "employee" and set(old.rolesforsearch) != set(new.rolesforsearch):
            add("roles-changed", _roles(old.rolesforsearch, roles), _roles(new.rolesforsearch, roles))
    return out


def _roles(ids: Iterable[int], names: Mapping[int, str]) -> str:
    return ", ".join(names.get(i, f"#{i}") for i in sorted(ids)) or "(none)"


def _permission_drift(old_rows: Iterable[Any], new_rows: Iterable[Any], roles: Mapping[int, str]) -> list[Drift]:
    before = {(row.role, row.permkey): row for row in old_rows}
    after = {(row.role, row.permkey): row for row in new_rows}
    out: list[Drift] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        was = LEVELS.get(old.permlevel, str(old.permlevel)) if old else "None"
        now = LEVELS.get(new.permlevel, str(new.permlevel)) if new else "None"
        if was == now:
            continue
        row = new or old
        out.append(Drift(change="permission-changed", table="rolepermissions", id=f"{key[0]}:{key[1]}",
                         name=f"{roles.get(key[0], f'#{key[0]}')}: {(row.name if row else None) or key[1]}",
                         before=was, after=now))
    return out


def _link_drift(table: str, old_rows: Iterable[Any], new_rows: Iterable[Any]) -> list[Drift]:
    def key(row: Any) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(row.model_dump().items()))

    before, after = {key(r) for r in old_rows}, {key(r) for r in new_rows}
    return ([Drift(change="added", table=table, id=k) for k in sorted(after - before)]
            + [Drift(change="removed", table=table, id=k) for k in sorted(before - after)])


def diff_snapshots(old: AccountSnapshot, new: AccountSnapshot, old_file: str = "OLD",
                   new_file: str = "NEW") -> SnapshotDiff:
    roles = _role_names(old, new)
    drift: list[Drift] = []
    for table in sorted(old.reads.keys() | new.reads.keys()):
        was, now = old.read(table), new.read(table)
        if was.state != now.state:
            drift.append(Drift(change="read-changed", table=table, id=table, name=now.permission or was.permission,
                               before=was.state.value, after=now.state.value))
    for table in type(new.tables).model_fields:
        old_rows, new_rows = old.tables.get(table), new.tables.get(table)
        if old_rows is None or new_rows is None or table in _SKIP_RECORDS:
            continue  # not read on one side: nothing can be said about its rows
        if table == "rolepermissions":
            drift.extend(_permission_drift(old_rows, new_rows, roles))
        elif all(hasattr(row, "id") for row in (*old_rows, *new_rows)):
            drift.extend(_record_drift(table, old_rows, new_rows, roles))
        else:
            drift.extend(_link_drift(table, old_rows, new_rows))
    from netsuite_audit.expensify.drift import expensify_drift

    drift.extend(Drift(change=c, table=t, id=i, name=n, before=b, after=a)
                 for c, t, i, n, b, a in expensify_drift(old.expensify, new.expensify))
    return SnapshotDiff(old_file=old_file, new_file=new_file, old_account=old.account.account_id,
                        new_account=new.account.account_id, drift=tuple(drift))


# ---- output ------------------------------------------------------------------------------------------
def render_json(diff: Diff) -> str:
    data = diff.model_dump(mode="json")
    data["exit_code"] = diff.exit_code
    return json.dumps(data, indent=2) + "\n"


def _finding_rows(diff: ResultDiff) -> list[tuple[str, FindingRef]]:
    return ([("new", f) for f in diff.new] + [("changed", f) for f in diff.changed]
            + [("resolved", f) for f in diff.resolved])


def _status_text(ref: FindingRef, label: str) -> str:
    if label == "changed":
        return f"{ref.before_status} {ref.before_severity} -> {ref.status} {ref.severity}"
    return f"{ref.status} {ref.severity}"


def _headline(diff: Diff) -> str:
    accounts = (diff.new_account if diff.old_account == diff.new_account
                else f"{diff.old_account} -> {diff.new_account} (different accounts)")
    if isinstance(diff, ResultDiff):
        return (f"{len(diff.new)} new, {len(diff.changed)} changed, {len(diff.resolved)} resolved, "
                f"{diff.unchanged} unchanged · account {accounts}")
    return f"{len(diff.drift)} configuration change(s) · account {accounts}"


def render_markdown(diff: Diff) -> str:
    lines = [f"# nsaudit diff: {diff.old_file} -> {diff.new_file}", "", _headline(diff), ""]

    from netsuite_audit.render.markdown import _code, cell

    if isinstance(diff, ResultDiff):
        rows = _finding_rows(diff)
        if rows:
            lines += ["| change | finding | code | status | message |", "| --- | --- | --- | --- | --- |"]
            lines += [f"| {label} | {_code(f.id)} | {cell(f.code)} | {cell(_status_text(f, label))} | "
                      f"{cell(f.message)} |" for label, f in rows]
    elif diff.drift:
        lines += ["| change | table | id | name | before | after |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {d.change} | {d.table} | {cell(d.id)} | {cell(d.name)} | {cell(d.before)} | {cell(d.after)} |"
                  for d in diff.drift]
    if diff.exit_code == 0:
        lines.append("Nothing new.")
    return "\n".join(lines).rstrip() + "\n"


def render_text(diff: Diff, *, color: bool = False, width: int = 120) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    console.print(Text.assemble(("nsaudit diff", "bold"), f" {diff.old_file} -> {diff.new_file}"))
    console.print(_headline(diff), markup=False)
    styles = {"new": "red", "changed": "yellow", "resolved": "green"}
    if isinstance(diff, ResultDiff) and _finding_rows(diff):
        table = Table(pad_edge=False)
        for column in ("change", "finding", "code", "status", "message"):
            table.add_column(column)
        for label, f in _finding_rows(diff):
            table.add_row(Text(label, style=styles[label]), Text(f.id), Text(f.code or ""),
                          Text(_status_text(f, label)), Text(f.message))
        console.print(table)
    elif isinstance(diff, SnapshotDiff) and diff.drift:
        table = Table(pad_edge=False)
        for column in ("change", "table", "id", "name", "before", "after"):
            table.add_column(column)
        for d in diff.drift:
            table.add_row(*(Text(v or "") for v in (d.change, d.table, d.id, d.name, d.before, d.after)))
        console.print(table)
    if diff.exit_code == 0:
        console.print("Nothing new.")
    return buffer.getvalue()


def render(diff: Diff, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return render_json(diff)
    if fmt == "markdown":
        return render_markdown(diff)
    from netsuite_audit.render.safe import clean_result

    return render_text(clean_result(diff), color=color)
