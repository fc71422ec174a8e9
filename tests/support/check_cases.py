"""Data-driven check tests: fixtures/checks/<check_id>/<case>.json over a shared base snapshot.

A case file::

    {
      "description": "what the case shows",
      "snapshot": {                       # changes to fixtures/checks/_base.snapshot.json
        "tables": {"job": [...]},         #   replaces whole tables
        "unread": {"job": "denied"},      #   marks tables unreadable (state), rows dropped
        "unknown": {"job": ["isinactive"]},  # columns the read did not return (TableRead.unknown)
        "login": {...}, "restlet": null   #   any other top-level key replaces the base value
      },
      "workspace": {...},                 # deep-merged into _base.workspace.json; null = no workspace
      "reports": {...},                   # pending reports (optional)
      "expect": [{"status": "FAIL", "code": "NS0770", "subject": "job:100"}]
    }

``expect`` lists every non-PASS finding (code and subject optional in each entry); an empty list
means the check must PASS. ``expect_passed`` (optional) lists ``{"message_contains": ...}`` entries,
each matched by some PASS finding (a partial verdict names what it judged).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netsuite_audit.audit.engine import run_checks
from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.audit.registry import LoadedCheck
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import AccountSnapshot

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "fixtures" / "checks"


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(patch)


def base_snapshot_data() -> dict[str, Any]:
    return json.loads((CASES_DIR / "_base.snapshot.json").read_text())


def base_workspace_data() -> dict[str, Any]:
    return json.loads((CASES_DIR / "_base.workspace.json").read_text())


def build_snapshot(patch: dict[str, Any] | None) -> AccountSnapshot:
    data = base_snapshot_data()
    patch = dict(patch or {})
    for name, rows in patch.pop("tables", {}).items():
        data["tables"][name] = rows
        if rows is not None:
            data["reads"][name] = {**data["reads"].get(name, {}), "state": "ok", "rows": len(rows)}
    for name, state in patch.pop("unread", {}).items():
        data["tables"][name] = None
        data["reads"][name] = {"state": state, "permission": TABLES[name].permission, "via": "rest",
                               "detail": f"Record '{name}' was not found."}
    for name, columns in patch.pop("unknown", {}).items():
        data["reads"][name] = {**data["reads"][name], "unknown": list(columns)}
    for key, value in patch.items():
        data[key] = _merge(data.get(key), value) if key == "reads" else value
    return AccountSnapshot.model_validate(data)


@dataclass(frozen=True)
class Case:
    check_id: str
    name: str
    path: Path
    data: dict[str, Any]

    def snapshot(self) -> AccountSnapshot:
        return build_snapshot(self.data.get("snapshot"))

    def workspace(self) -> Workspace | None:
        if "workspace" in self.data and self.data["workspace"] is None:
            return None
        return Workspace.model_validate(_merge(base_workspace_data(), self.data.get("workspace") or {}))

    def reports(self) -> PendingReports | None:
        raw = self.data.get("reports")
        return PendingReports.model_validate(raw) if raw is not None else None


def load_cases() -> list[Case]:
    return [
        Case(folder.name, path.stem, path, json.loads(path.read_text()))
        for folder in sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
        for path in sorted(folder.glob("*.json"))
    ]


def run_case(check: LoadedCheck, case: Case) -> list[Finding]:
    findings, skipped = run_checks([check], case.snapshot(), case.workspace(), case.reports())
    not_run = case.data.get("expect_not_run")  # a case with nothing to judge: not run, with this reason
    if not_run is not None:
        assert [c for c, _ in skipped] == [check.meta.id] and not_run in skipped[0][1], \
            f"{case.path}: expected not run ({not_run!r}), got skipped={skipped} findings={findings}"
        return findings
    assert not skipped, f"{case.path}: check skipped: {skipped}"
    return findings


def assert_expected(case: Case, findings: list[Finding]) -> None:
    expected = list(case.data.get("expect", []))
    remaining = [f for f in findings if f.status != Status.PASS]
    shown = [(f.status.value, f.code, f.subject.key if f.subject else None, f.message) for f in findings]
    for item in expected:
        for finding in remaining:
            if (
                finding.status.value == item["status"]
                and ("code" not in item or finding.code == item["code"])
                and ("subject" not in item or (finding.subject and finding.subject.key) == item["subject"])
                and item.get("message_contains", "") in finding.message
            ):
                remaining.remove(finding)
                break
        else:
            raise AssertionError(f"{case.path}: expected {item} not found among {shown}")
    assert not remaining, f"{case.path}: unexpected findings {shown}"
    passed = [f.message for f in findings if f.status == Status.PASS]
    for item in case.data.get("expect_passed", []):  # partial verdicts: what the PASS says it judged
        assert any(item["message_contains"] in m for m in passed), f"{case.path}: no PASS with {item}: {shown}"
    if not expected and "expect_not_run" not in case.data:
        assert any(f.status == Status.PASS for f in findings), f"{case.path}: expected a PASS, got {shown}"
