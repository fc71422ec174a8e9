"""NetSuite's clock as a probe saw it; shared by the REST and SOAP clients (the SOAP client does not
import the REST client for it, which keeps its start-up lighter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ServerTime:
    """NetSuite's clock as seen from here.

    ``server_time`` is the body's ``serverTime``; ``date_header`` the HTTP ``Date`` header;
    ``local_time`` our UTC clock at the middle of the round trip; ``elapsed_ms`` the round trip.
    """

    server_time: datetime | None
    date_header: datetime | None
    local_time: datetime
    elapsed_ms: int

    @property
    def skew_seconds(self) -> float | None:
        """NetSuite minus local, in seconds (positive: our clock is behind)."""
        reference = self.server_time or self.date_header
        return None if reference is None else (reference - self.local_time).total_seconds()
