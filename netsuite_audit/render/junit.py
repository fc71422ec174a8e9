"""JUnit XML for CI test tabs (Jenkins, GitLab, Azure DevOps): one test case per check and subject.

FAIL and WARN at or above the run's fail-on become ``<failure>``, ERROR becomes ``<error>``,
UNVERIFIABLE, MUTED and checks that were not run become ``<skipped>``; everything else passes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC

from lxml import etree

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.result import AuditResult, check_counts_dict, counts_toward_exit

# Characters XML 1.0 cannot carry at all (lxml refuses them); NetSuite text can contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def counts_as_failure(finding: Finding, result: AuditResult) -> bool:
    """A FAIL or WARN at or above the result's fail-on threshold, not known from a baseline
    (what makes the exit code 1)."""
    return counts_toward_exit(finding, result.selection.fail_on)


def finding_text(finding: Finding) -> str:
    """Plain-text body: code and message, subject, evidence, fix (or manual) steps, finding id."""
    head = f"{finding.code} " if finding.code else ""
    lines = [f"{head}{finding.status.value} ({finding.severity.value}): {finding.message}"]
    if finding.subject:
        name = f" {finding.subject.name}" if finding.subject.name else ""
        lines.append(f"subject: {finding.subject.kind} {finding.subject.id}{name}")
    if finding.evidence:
        lines.append("evidence:")
        lines += [f"  {key}: {json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}"
                  for key, value in finding.evidence.items()]
    if finding.missing:
        lines.append(f"missing: {finding.missing}")
    steps = finding.fix or finding.manual
    if steps:
        lines.append("fix:" if finding.fix else "check by hand:")
        lines += [f"  {number}. {step}" for number, step in enumerate(steps, start=1)]
    if finding.mute:
        mute = finding.mute
        lines.append(f"muted by {mute.get('owner') or mute.get('by') or '?'}: {mute.get('reason') or '?'}"
                     f" (expires {mute.get('expires') or 'never'})")
    lines.append(f"finding: {finding.id}")
    return "\n".join(lines) + "\n"


def _utc_stamp(result: AuditResult) -> str:
    started = result.started_at
    if started.tzinfo is not None:
        started = started.astimezone(UTC).replace(tzinfo=None)
    return started.replace(microsecond=0).isoformat()


@dataclass
class _Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0


def _testcase(suite: etree._Element, classname: str, name: str) -> etree._Element:
    return etree.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name), time="0")


def _add_finding(suite: etree._Element, finding: Finding, result: AuditResult, counts: _Counts) -> None:
    name = finding.subject.key if finding.subject else finding.check_id
    case = _testcase(suite, finding.check_id, name)
    counts.tests += 1
    body = _clean(finding_text(finding))
    message = _clean(f"{finding.code}: {finding.message}" if finding.code else finding.message)
    if counts_as_failure(finding, result):
        counts.failures += 1
        node = etree.SubElement(case, "failure", message=message, type=finding.code or finding.status.value)
        node.text = body
    elif finding.status == Status.ERROR:
        counts.errors += 1
        node = etree.SubElement(case, "error", message=message, type="CheckError")
        node.text = body
    elif finding.status in (Status.UNVERIFIABLE, Status.MUTED):
        counts.skipped += 1
        prefix = "muted" if finding.status == Status.MUTED else "unverifiable"
        detail = finding.missing if finding.status == Status.UNVERIFIABLE and finding.missing else message
        etree.SubElement(case, "skipped", message=_clean(f"{prefix}: {detail}"))
        etree.SubElement(case, "system-out").text = body
    elif finding.status != Status.PASS:  # FAIL/WARN below the threshold or from the baseline: not failing
        why = ("known from the baseline" if finding.baseline
               else f"below --fail-on {result.selection.fail_on.value}")
        etree.SubElement(case, "system-out").text = body + f"{why}: reported, not failing\n"


def render_junit(result: AuditResult, color: bool = False) -> str:
    """The whole run as one ``<testsuite>`` inside ``<testsuites>``; ``color`` is ignored."""
    acct = result.account
    seconds = f"{max((result.finished_at - result.started_at).total_seconds(), 0.0):.3f}"
    root = etree.Element("testsuites", name="nsaudit", time=seconds)
    suite = etree.SubElement(root, "testsuite", name="nsaudit", id="0", package=_clean(f"netsuite.{acct.account_id}"),
                             hostname=_clean(acct.account_id), time=seconds,
                             timestamp=_utc_stamp(result))
    props = etree.SubElement(suite, "properties")
    for key, value in (
        ("account", acct.account_id), ("environment", acct.environment), ("role", acct.role),
        ("transport", acct.transport), ("nsaudit.version", result.tool.version),
        ("fail_on", result.selection.fail_on.value), ("exit_code", str(result.exit_code)),
        ("snapshot_sha256", result.snapshot_sha256),
        *((f"checks.{outcome}", str(count)) for outcome, count in check_counts_dict(result).items()),
        *((("provenance.source", result.provenance.source),
           ("provenance.endpoint", result.provenance.endpoint_text()),
           ("provenance.snapshot", result.provenance.source_text() if result.provenance.snapshot else None))
          if result.provenance is not None else ()),
        *((("connection.kind", result.connection.kind), ("connection.label", result.connection.label),
           ("connection.decided_by", result.connection.decided_by),
           ("connection.agrees", result.connection.agreement_text()),
           ("connection.account", result.connection.account))
          if result.connection is not None else ()),
    ):
        if value:
            etree.SubElement(props, "property", name=key, value=_clean(value))
    counts = _Counts()
    ordered = sorted(result.findings, key=lambda f: (f.check_id, f.subject.key if f.subject else ""))
    for finding in ordered:
        _add_finding(suite, finding, result, counts)
    for skipped in sorted(result.skipped_checks, key=lambda s: s.check_id):
        case = _testcase(suite, skipped.check_id, skipped.check_id)
        etree.SubElement(case, "skipped", message=_clean(f"not run: {skipped.reason}"))
        counts.tests += 1
        counts.skipped += 1
    for node in (root, suite):
        node.set("tests", str(counts.tests))
        node.set("failures", str(counts.failures))
        node.set("errors", str(counts.errors))
        node.set("skipped", str(counts.skipped))
    xml: bytes = etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    return xml.decode("utf-8")
