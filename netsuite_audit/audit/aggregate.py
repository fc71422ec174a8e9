"""Huge finding counts, folded: one finding per check and cause, with a count and the first examples.

A million-line pending-reports file can give a million findings of one check (a merchant with an
asterisk on every line). Each is correct, but a report that lists them all is unreadable and slow to
build. ``aggregate`` keeps every group of at most ``limit`` findings as it is and folds a larger group
(same check, NS code, status, severity and baseline mark) into one finding: the group's first finding,
its ``count`` set to the group's size, ``examples`` holding the first ``examples`` members, and its
message saying how many there are. The summary and the exit code count ``count``, so no finding is lost
from the figures. Per-report verdicts are built before folding, from every finding, and stay exact.

``fold_findings`` does the same while the findings are produced, so a check that yields a million
findings never has more than ``limit`` of them per group in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from netsuite_audit.audit.model import Example, Finding, Subject, finding_id

LIMIT = 20  # a group with more findings than this is folded into one
EXAMPLES = 10  # members of a folded group kept as examples

GroupKey = tuple[str, str | None, str, str, bool]


def group_key(finding: Finding) -> GroupKey:
    return (finding.check_id, finding.code, finding.status.value, finding.severity.value, finding.baseline)


@dataclass
class _Group:
    first: Finding
    examples: list[Finding] = field(default_factory=list)
    count: int = 0


def _example(finding: Finding) -> Example:
    return Example(id=finding.id, subject=finding.subject, message=finding.message)


def _folded(group: _Group) -> Finding:
    first = group.first
    cause = first.code or first.status.value
    subject = Subject(kind="aggregate", id=f"{first.status.value}-{cause}-{first.severity.value}"
                      + ("-known" if first.baseline else ""), name=f"{group.count:,} findings")
    message = (f"{group.count:,} findings of this check with the same cause ({cause}); the first "
               f"{len(group.examples)} are listed as examples. First: {first.message}")
    evidence = {k: v for k, v in first.evidence.items() if k != "report_lines"}
    return first.model_copy(update={
        "id": finding_id(first.check_id, subject), "subject": subject, "message": message,
        "evidence": evidence, "count": group.count, "examples": tuple(_example(m) for m in group.examples),
    })


def fold_findings(findings: Iterable[Finding], *, limit: int = LIMIT, examples: int = EXAMPLES) -> Iterator[Finding]:
    """The findings in their order; each group of more than ``limit`` is folded into one finding at the
    place of its first member. ``findings`` is read once, lazily: at most ``limit`` + 1 findings per
    group are held, however many there are."""
    groups: dict[GroupKey, _Group] = {}
    held: list[tuple[GroupKey | None, Finding]] = []  # in order; members past the limit are never held
    for finding in findings:
        if finding.count > 1:  # already an aggregate (a stored result folded again)
            held.append((None, finding))
            continue
        key = group_key(finding)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(first=finding)
        group.count += 1
        if len(group.examples) < examples:
            group.examples.append(finding)
        if group.count <= limit + 1:
            held.append((key, finding))
    emitted: set[GroupKey] = set()
    for held_key, finding in held:
        if held_key is None:
            yield finding
            continue
        group = groups[held_key]
        if group.count <= limit:
            yield finding
        elif held_key not in emitted:
            emitted.add(held_key)
            yield _folded(group)


def aggregate(findings: Iterable[Finding], *, limit: int = LIMIT, examples: int = EXAMPLES) -> list[Finding]:
    return list(fold_findings(findings, limit=limit, examples=examples))


__all__ = ["EXAMPLES", "LIMIT", "aggregate", "fold_findings", "group_key"]
