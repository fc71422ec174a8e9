"""What reading the account cost on the network: calls, retries, and the concurrency actually used.

Built by the collector from its call counters and its adaptive gate (``netsuite/adaptive.py``); kept in
the result (``network``) and shown in the text summary. An offline run (``--snapshot``) has none.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class NetworkUse(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    calls: int = Field(description="Requests sent (every attempt, retries included)")
    retries: int = Field(description="Attempts that were retries")
    refusals: int = Field(description="Concurrency refusals met (REST 429, SOAP WS_REQUEST_BLOCKED or fault)")
    concurrency_configured: int = Field(description="--concurrency, capped by --account-limit: where it started")
    concurrency_final: int = Field(description="The concurrency the run ended with")
    concurrency_lowest: int = Field(description="The lowest concurrency it went down to after refusals")
    max_in_flight: int = Field(description="Most requests in flight at once")
    max_in_flight_after_refusal: int = Field(
        0, description="Most requests in flight at once after the first refusal (0 when none was met)")

    def summary(self) -> str:
        """One line for the text report."""
        line = (f"{self.calls} requests ({self.retries} retries), concurrency {self.concurrency_configured}, "
                f"at most {self.max_in_flight} in flight")
        if self.refusals:
            line += (f"; {self.refusals} concurrency refusal{'s' if self.refusals != 1 else ''}: went down to "
                     f"{self.concurrency_lowest}, ended at {self.concurrency_final}, at most "
                     f"{self.max_in_flight_after_refusal} in flight after the first")
        else:
            line += "; no concurrency refusals"
        return line
