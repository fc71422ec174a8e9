"""SARIF 2.1.0 for code-scanning dashboards: one rule per check, one result per non-PASS finding.

NetSuite findings have no source file. Each result names its record twice: as a logical location
(kind + internal id) and as a virtual path ``netsuite/<account>/<kind>/<id>``, because code-scanning
services reject results without a physical location.
"""

from __future__ import annotations

import json
import re
from typing import Any

from netsuite_audit.audit.model import Finding, Severity, Status
from netsuite_audit.result import AuditResult, CheckInfo, RunVerdict, check_counts_dict, not_run_note

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "nsauditFindingId/v1"

_HIGH = (Severity.CRITICAL, Severity.HIGH)
_PATH_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def sarif_level(status: Status, severity: Severity) -> str:
    """error / warning / note from a finding's status and severity."""
    if status == Status.ERROR:
        return "error"
    if status == Status.UNVERIFIABLE or severity == Severity.INFO:
        return "note"
    if status in (Status.FAIL, Status.MUTED):
        return "error" if severity in _HIGH else "warning"
    if status == Status.WARN:
        return "warning" if severity in (*_HIGH, Severity.MEDIUM) else "note"
    return "none"


def _rule_name(check_id: str) -> str:
    return "".join(part.capitalize() for part in check_id.split("-"))


def _catalog_fix(code: str) -> tuple[str, list[str], list[str]] | None:
    """(title, NetSuite steps, workspace steps) for a code, or None when the catalog does not know it."""
    try:
        from netsuite_audit.catalog.model import load_catalog

        entry = load_catalog().get(code)
    except Exception:
        return None
    return entry.title, list(entry.fix.netsuite), list(entry.fix.web)


def _help(check: CheckInfo) -> dict[str, str]:
    text = [check.description or check.title]
    markdown = [check.description or check.title]
    for code in check.codes:
        found = _catalog_fix(code)
        if found is None:
            continue
        title, netsuite, web = found
        text.append(f"{code} {title}")
        markdown.append(f"**{code}**: {title}")
        for label, steps in (("In NetSuite", netsuite), ("In the workspace", web)):
            if steps:
                text += [f"{label}:"] + [f"  {n}. {s}" for n, s in enumerate(steps, start=1)]
                markdown += [f"{label}:", "\n".join(f"{n}. {s}" for n, s in enumerate(steps, start=1))]
    hint = ", ".join(f"`nsaudit explain {code}`" for code in check.codes)
    if hint:
        text.append("More: " + hint.replace("`", ""))
        markdown.append("More: " + hint)
    return {"text": "\n".join(text), "markdown": "\n\n".join(markdown)}


def _rule(check: CheckInfo) -> dict[str, Any]:
    return {
        "id": check.id,
        "name": _rule_name(check.id),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.description or check.title},
        "help": _help(check),
        "defaultConfiguration": {"level": sarif_level(Status.FAIL, check.severity)},
        "properties": {"codes": list(check.codes), "tags": ["netsuite", *check.tags, *check.codes],
                       "severity": check.severity.value},
    }


def _stand_in(finding: Finding) -> CheckInfo:
    """A rule for a finding whose check is not listed in the result (e.g. the login step)."""
    return CheckInfo(id=finding.check_id, codes=(finding.code,) if finding.code else (),
                     severity=finding.severity, title=finding.title, description=finding.title)


def _location(finding: Finding, account_id: str) -> dict[str, Any]:
    kind, ident = (finding.subject.kind, finding.subject.id) if finding.subject else ("account", account_id)
    logical: dict[str, Any] = {"name": ident, "kind": kind, "fullyQualifiedName": f"{kind}:{ident}"}
    if finding.subject and finding.subject.name:
        logical["properties"] = {"displayName": finding.subject.name}
    parts = ["netsuite", account_id] + ([kind, ident] if finding.subject else [])
    uri = "/".join(_PATH_UNSAFE.sub("_", part) or "_" for part in parts)
    return {"physicalLocation": {"artifactLocation": {"uri": uri}}, "logicalLocations": [logical]}


def _result(finding: Finding, rule_index: int, account_id: str, with_baseline: bool) -> dict[str, Any]:
    text = f"{finding.code}: {finding.message}" if finding.code else finding.message
    properties: dict[str, Any] = {"code": finding.code, "status": finding.status.value,
                                  "severity": finding.severity.value, "evidence": finding.evidence}
    if finding.missing:
        properties["missing"] = finding.missing
    if finding.fix:
        properties["fix"] = list(finding.fix)
    out: dict[str, Any] = {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.status, finding.severity),
        "message": {"text": text},
        "locations": [_location(finding, account_id)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": properties,
    }
    if with_baseline:
        out["baselineState"] = "unchanged" if finding.baseline else "new"
    if finding.status == Status.MUTED:
        mute = finding.mute or {}
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted",
                                       "justification": str(mute.get("reason") or "muted")}
        extra = {key: str(mute[key]) for key in ("owner", "expires") if mute.get(key)}
        if extra:
            suppression["properties"] = extra
        out["suppressions"] = [suppression]
    return out


def build_sarif(result: AuditResult) -> dict[str, Any]:
    """The SARIF log as a plain dict (what :func:`render_sarif` serialises)."""
    checks = list(result.checks)
    known = {check.id for check in checks}
    for finding in result.findings:
        if finding.check_id not in known:
            checks.append(_stand_in(finding))
            known.add(finding.check_id)
    index = {check.id: number for number, check in enumerate(checks)}
    account_id = result.account.account_id
    with_baseline = bool(result.selection.baseline)
    results = [_result(f, index[f.check_id], account_id, with_baseline)
               for f in result.findings if f.status != Status.PASS]
    verdict = RunVerdict.of(result)
    invocation: dict[str, Any] = {
        "executionSuccessful": verdict.audited,
        "exitCode": verdict.exit_code,
        "startTimeUtc": result.started_at.isoformat(),
        "endTimeUtc": result.finished_at.isoformat(),
    }
    broken = [f for f in result.findings if f.status == Status.ERROR]
    if broken:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": f.message}, "descriptor": {"id": f.check_id}} for f in broken
        ]
    not_run = not_run_note(result)
    if not_run:
        invocation.setdefault("toolExecutionNotifications", []).append(
            {"level": "warning", "message": {"text": not_run}, "descriptor": {"id": "checks-not-run"}})
    for warning in result.warnings:  # what the run warned about (a snapshot's missing RESTlet or look-ups, ...)
        invocation.setdefault("toolExecutionNotifications", []).append(
            {"level": "warning", "message": {"text": warning}, "descriptor": {"id": "run-warning"}})
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "nsaudit", "version": result.tool.version,
                                "rules": [_rule(check) for check in checks]}},
            "automationDetails": {"id": f"nsaudit/{account_id}/"},
            "invocations": [invocation],
            "results": results,
            "properties": {"account": account_id, "environment": result.account.environment,
                           "snapshotSha256": result.snapshot_sha256,
                           "checkCounts": check_counts_dict(result),
                           "provenance": (result.provenance.model_dump(mode="json")
                                          if result.provenance is not None else None),
                           "connection": (result.connection.model_dump(mode="json")
                                          if result.connection is not None else None),
                           "skippedChecks": [s.model_dump() for s in result.skipped_checks]},
        }],
    }


def render_sarif(result: AuditResult, color: bool = False) -> str:
    """SARIF 2.1.0 JSON text; ``color`` is ignored."""
    return json.dumps(build_sarif(result), indent=2, ensure_ascii=False, default=str) + "\n"
