"""Baselines: gate on new findings only.

A baseline is a JSON result from an earlier run. A FAIL or WARN whose stable id was already a FAIL or
WARN in the baseline is kept and shown as "known (baseline)", but does not count toward the exit
code. Ids include the record's internal id, so a new problem on another record is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from netsuite_audit.audit.model import Finding, Status
from netsuite_audit.support.errors import InputError

_OPEN = (Status.FAIL, Status.WARN)


@dataclass(frozen=True)
class Baseline:
    account_id: str
    known: frozenset[str]
    source: str

    @classmethod
    def from_findings(cls, account_id: str, findings: Iterable[Finding], source: str) -> Baseline:
        """The baseline a previous result makes (``pipeline`` loads the result file)."""
        # An aggregated finding (a group folded into one) is known by its own id and its examples' ids.
        known = frozenset(ident for f in findings if f.status in _OPEN
                          for ident in (f.id, *(e.id for e in f.examples)))
        return cls(account_id, known, source)

    def check_account(self, account_id: str) -> None:
        """Internal ids repeat across accounts, so a baseline only applies to its own account."""
        if self.account_id != account_id:
            raise InputError(f"baseline is for account {self.account_id}, this run audits {account_id}",
                             source=self.source, field="account.account_id")


def apply_baseline(findings: Iterable[Finding], baseline: Baseline) -> list[Finding]:
    """Mark the FAIL/WARN findings the baseline already had; everything else is unchanged."""
    return [f.model_copy(update={"baseline": True}) if f.status in _OPEN and f.id in baseline.known else f
            for f in findings]
