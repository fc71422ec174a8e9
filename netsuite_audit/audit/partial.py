"""Partial verdicts: a check judges every item whose verdict does not depend on an unknown value and
reports only the dependent part UNVERIFIABLE.

A check that judged some items and found nothing wrong with them, while another part stays unknown,
would otherwise end with nothing but UNVERIFIABLE and hide what it did prove. :func:`with_judged_part`
adds one PASS naming what was judged in that case (only then: beside a FAIL or WARN, or when every
finding is a PASS already, the PASS would say nothing new).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from netsuite_audit.audit.model import Finding, Status


def with_judged_part(findings: Iterable[Finding], judged: Callable[[], Finding | None]) -> Iterator[Finding]:
    """Yields ``findings``; when all of them are UNVERIFIABLE, then also ``judged()`` (the PASS for the
    part that was judged, or ``None`` when nothing was)."""
    only_unknown = None
    for finding in findings:
        only_unknown = finding.status == Status.UNVERIFIABLE and only_unknown is not False
        yield finding
    if only_unknown:
        extra = judged()
        if extra is not None:
            yield extra


def counted(parts: dict[str, int]) -> str:
    """``{"class": 3, "department": 1}`` -> "3 classes and 1 department" (plural: s, es or ies)."""
    words = [f"{n} {label if n == 1 else _plural(label)}" for label, n in parts.items() if n]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _plural(label: str) -> str:
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{label[:-1]}ies"
    return f"{label}es" if label.endswith(("s", "x", "ch", "sh")) else f"{label}s"
