"""NS0012: the currencies an export uses exist in NetSuite, are active, and match the subsidiary."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import partial, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.line_index import LineIndex
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.unknown import column_manual, column_missing_text
from netsuite_audit.audit.verdicts import REPORT_LINES, report_line
from netsuite_audit.netsuite.records import Currency

META = CheckMeta(
    id="currency-valid",
    codes=("NS0012",),
    severity=Severity.HIGH,
    title="Export currencies exist in NetSuite and match the subsidiary",
    description=(
        "The workspace output currency and every pending report currency must be an active currency of "
        "the account; the output currency must be the workspace subsidiary's currency; and a "
        "non-OneWorld account without Multiple Currencies only takes EUR, GBP, USD or CAD."
    ),
    reads=("currency",),
    optional_reads=("subsidiary",),
    columns=("currency.symbol", "currency.isinactive"),
    partial_columns=("subsidiary.currency",),  # only the subsidiary's-currency part needs it
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE, Detection.REPORTS),
    tags=("export", "currency"),
    needs_workspace=True,
)

# What a non-OneWorld account without the Multiple Currencies feature accepts.
SINGLE_CURRENCY_SET = frozenset({"EUR", "GBP", "USD", "CAD"})

FIX_CURRENCY = (
    "In NetSuite go to Lists > Accounting > Currencies and add (or reactivate) the currency; on a "
    f"non-OneWorld account turn on Multiple Currencies first ({remedies.ENABLE_FEATURES}).",
    "Or change the report or workspace currency to one the account already has.",
    remedies.SYNC_AND_EXPORT,
)


class _Uses:
    """Where one currency code is used: the workspace output currency, report currencies (report
    positions) and line currencies (shared line numbers)."""

    def __init__(self) -> None:
        self.workspace = False
        self.reports: list[int] = []
        self.lines: list[int] = []

    def first(self, index: LineIndex) -> tuple[int, int]:
        """Sort key of the first use: workspace, then by report and line (a report's own currency first)."""
        if self.workspace:
            return (-1, 0)
        keys = [(r, 0) for r in self.reports[:1]] + [(index.report_of[g], index.number_of[g]) for g in self.lines[:1]]
        return min(keys)

    def ordered(self, index: LineIndex) -> list[tuple[int, int]]:
        """(report position, line number or 0 for the report itself), in file order."""
        uses = [(r, 0) for r in self.reports] + [(index.report_of[g], index.number_of[g]) for g in self.lines]
        return sorted(uses)


def _uses(ctx: Context, index: LineIndex) -> dict[str, _Uses]:
    """Currency code -> where it is used, in the order first used."""
    uses: dict[str, _Uses] = {}
    if ctx.workspace.export.currency:
        uses.setdefault(ctx.workspace.export.currency.strip().upper(), _Uses()).workspace = True
    for position, report in enumerate(index.reports):
        if report.currency:
            uses.setdefault(report.currency.strip().upper(), _Uses()).reports.append(position)
    for written, numbers in index.values("currency").items():
        if written:
            uses.setdefault(written.strip().upper(), _Uses()).lines.extend(numbers)
    for found in uses.values():
        found.lines.sort()  # one code written two ways (usd, USD): back to file order
    return dict(sorted(uses.items(), key=lambda item: item[1].first(index)))


def _where(index: LineIndex, uses: _Uses) -> list[str]:
    where = ["workspace output currency"] if uses.workspace else []
    for position, number in uses.ordered(index):
        report_id = index.reports[position].id
        where.append(f"report {report_id} line {number}" if number else f"report {report_id}")
    return where


def _report_lines(index: LineIndex, uses: _Uses) -> list[str]:
    """Pending reports ("<id>") and lines ("<id>/<n>") in this code, for the per-report verdicts."""
    return [report_line(index.reports[position].id, number) if number else index.reports[position].id
            for position, number in uses.ordered(index)]


def check(ctx: Context) -> Iterator[Finding]:
    judged: list[str] = []
    yield from partial.with_judged_part(_findings(ctx, judged), lambda: _judged(ctx, judged))


def _judged(ctx: Context, judged: list[str]) -> Finding | None:
    if not judged:
        return None
    return ctx.passed(f"Judged: the {partial.counted({'currency': len(judged)})} in use ({', '.join(judged)}) "
                      f"{'exists and is' if len(judged) == 1 else 'exist and are'} active and exportable.",
                      evidence={"judged": judged})


def _findings(ctx: Context, judged: list[str]) -> Iterator[Finding]:
    by_code: dict[str, Currency] = {}
    for row in ctx.rows("currency"):
        if row.symbol:
            by_code.setdefault(row.symbol.strip().upper(), row)
    oneworld = settings.is_oneworld(ctx)
    multi = settings.feature(ctx, "MULTICURRENCY")
    limited = oneworld is False and multi.off
    unsure = oneworld is False and not multi.known  # then only EUR, GBP, USD and CAD are sure to export
    unsure_codes: list[str] = []
    index = ctx.line_index
    for code, uses in _uses(ctx, index).items():
        currency = by_code.get(code)
        if currency is not None and not currency.isinactive and not (limited and code not in SINGLE_CURRENCY_SET):
            if unsure and code not in SINGLE_CURRENCY_SET:
                unsure_codes.append(code)
            else:
                judged.append(code)
            continue
        where = _where(index, uses)
        if currency is None or currency.isinactive:
            state = "does not exist in NetSuite" if currency is None else "is inactive in NetSuite"
            yield ctx.fail(
                f"Currency {code} {state}, so exports in it fail with 'Currency does not exist'.",
                subject=Subject(kind="currency", id=str(currency.id) if currency else code, name=code),
                evidence={"currency": code, "used_by": where, "known_currencies": sorted(by_code),
                          REPORT_LINES: _report_lines(index, uses)},
                fix=FIX_CURRENCY,
            )
        elif limited and code not in SINGLE_CURRENCY_SET:
            yield ctx.fail(
                f"Currency {code} is outside EUR, GBP, USD and CAD, the only ones a non-OneWorld account "
                "without Multiple Currencies can export.",
                subject=Subject(kind="currency", id=str(currency.id), name=code),
                evidence={"currency": code, "used_by": where, "oneworld": False, **multi.evidence(),
                          REPORT_LINES: _report_lines(index, uses)},
                fix=FIX_CURRENCY,
            )
    if unsure_codes:
        yield ctx.unverifiable(
            f"Not checked: {', '.join(unsure_codes)} can be exported from an account without OneWorld only with "
            "Multiple Currencies on, and nsaudit could not tell whether it is (EUR, GBP, USD and CAD are judged).",
            missing=settings.missing_text("MULTICURRENCY"), subject=Subject(kind="feature", id="MULTICURRENCY"),
            evidence={"currencies": unsure_codes, **multi.evidence()}, manual=settings.manual_step("MULTICURRENCY"),
        )
    yield from _subsidiary_currency(ctx)


def _subsidiary_currency(ctx: Context) -> Iterator[Finding]:
    output = (ctx.workspace.export.currency or "").strip().upper()
    sub = settings.workspace_subsidiary(ctx)
    if output and sub is not None and not ctx.known("subsidiary", "currency"):
        refs = ["subsidiary.currency"]
        yield ctx.unverifiable(
            f"Not checked: NetSuite did not return {refs[0]}, so whether subsidiary [{sub.name}] keeps its books "
            f"in the workspace output currency {output} is unknown.",
            missing=column_missing_text(ctx.snapshot, refs), manual=column_manual(ctx.snapshot, refs),
            subject=Subject(kind="subsidiary", id=str(sub.id), name=sub.name), evidence={"columns_not_returned": refs},
        )
        return
    if not output or sub is None or sub.currency is None:
        return
    currency = ctx.by_id("currency").get(sub.currency)
    sub_code = (currency.symbol or "").strip().upper() if currency else None
    if sub_code and sub_code != output:
        yield ctx.fail(
            f"The workspace exports in {output} but subsidiary [{sub.name}] keeps its books in {sub_code}; "
            "the output currency must be the subsidiary's currency.",
            subject=Subject(kind="subsidiary", id=str(sub.id), name=sub.name),
            evidence={"workspace_currency": output, "subsidiary_currency": sub_code,
                      "subsidiary_currency_id": sub.currency},
            fix=(f"In the workspace set the output currency to {sub_code}, or connect this workspace to the "
                 f"subsidiary whose currency is {output}.",
                 remedies.SYNC_IN_WORKSPACE),
        )
