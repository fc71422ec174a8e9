"""Settings that what was read makes certain, by a rule NetSuite itself enforces.

Each inference returns the value and one sentence saying what it rests on ("inferred: ..."), which the
checks put in the evidence. An inference is made only where Oracle documents the rule (cited beside
it and in docs/fidelity.md, "Inferences"); anything short of certain stays unknown, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsuite_audit.audit.context import Context


@dataclass(frozen=True)
class Inference:
    value: bool
    because: str  # "inferred: ...", shown in the evidence


def _names(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"


def multi_currency(ctx: Context) -> Inference | None:
    """MULTICURRENCY is on when active subsidiaries use two or more base currencies.

    Rule (Oracle Help Center, "Consolidated Exchange Rate", section_4685850130): subsidiaries with
    different base currencies are rolled up through consolidated exchange rates, and that record is
    available only when the Multiple Currencies feature is enabled. A subsidiary's currency is its base
    currency, so two active subsidiaries in different currencies settle the feature as on. One currency
    (or unread subsidiaries) says nothing: the feature may be on or off.
    """
    if not ctx.readable("subsidiary") or not ctx.known("subsidiary", "currency"):
        return None
    ids = {row.currency for row in ctx.rows("subsidiary") if not row.isinactive and row.currency is not None}
    if len(ids) < 2:
        return None
    currencies = ctx.by_id("currency") if ctx.readable("currency") else {}
    codes = sorted({(getattr(currencies.get(i), "symbol", None) or f"currency #{i}").strip() for i in ids})
    return Inference(True, f"inferred: subsidiaries use {_names(codes)}, which NetSuite allows only with "
                           "Multiple Currencies on (subsidiaries in different base currencies need "
                           "consolidated exchange rates, a record that exists only with that feature)")


# NetSuite feature id -> the inference that can settle it from what was read.
FEATURES = {"MULTICURRENCY": multi_currency}
