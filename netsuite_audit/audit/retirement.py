"""Oracle's retirement dates for what the expense integration (and nsaudit) stand on.

Facts (Oracle's help, sections N3418637 and 158618788810; docs/workspace.md): the 2025.2 SOAP endpoint is the last
one; from NetSuite 2027.1 only the 2025.2 endpoint is supported and no new integration using
token-based authentication (TBA) can be created, for SOAP, REST or RESTlets (existing ones keep
working); with 2028.2 SOAP web services are removed. New integrations use REST with OAuth 2.0.

UNCERTAIN: Oracle names releases, not days. NetSuite's .1 releases start reaching accounts around
February and the .2 releases around August, at different days per account, so the dates below are
the first day of the month an account can expect the release; messages say "expected from".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from netsuite_audit.audit.model import Severity


@dataclass(frozen=True)
class Milestone:
    release: str  # NetSuite's release name, e.g. "2027.1"
    expected: date  # UNCERTAIN: the first day of the month the release is expected to reach accounts

    def when(self) -> str:
        """``"NetSuite 2027.1 (expected from February 2027)"``."""
        return f"NetSuite {self.release} (expected from {self.expected:%B %Y})"

    def days_left(self, today: date) -> int:
        return (self.expected - today).days


TBA_NO_NEW_INTEGRATIONS = Milestone("2027.1", date(2027, 2, 1))
SOAP_ONLY_LAST_ENDPOINT = Milestone("2027.1", date(2027, 2, 1))
SOAP_REMOVED = Milestone("2028.2", date(2028, 8, 1))
LAST_SOAP_VERSION = "2025_2"


def days_text(days: int) -> str:
    """``"1 day"``, ``"71 days"``."""
    return f"{days} day" if days == 1 else f"{days} days"


def rising_severity(days_left: int) -> Severity:
    """How urgent a move is with ``days_left`` before the date: info more than a year ahead, then low,
    medium in the last six months, high once the date has passed."""
    if days_left < 0:
        return Severity.HIGH
    if days_left <= 183:
        return Severity.MEDIUM
    if days_left <= 365:
        return Severity.LOW
    return Severity.INFO


def version_key(version: str) -> tuple[int, int]:
    """``"2024_2"`` -> ``(2024, 2)`` for comparing SuiteTalk endpoint versions."""
    year, _, release = version.partition("_")
    return int(year), int(release or 0)
