"""NS0034: no NetSuite transaction already carries a pending report's id."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from netsuite_audit.audit import remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.audit.partial import with_judged_part
from netsuite_audit.inputs.pending import Report
from netsuite_audit.netsuite.records import Transaction

META = CheckMeta(
    id="report-already-exported",
    codes=("NS0034",),
    severity=Severity.HIGH,
    title="Pending reports are not already in NetSuite",
    description=(
        "Looks for NetSuite transactions whose external id carries a pending report's id (a report that "
        "was exported before, fully or in part). NetSuite refuses to create the record a second time. "
        "Which field the integration stores the report id in is not confirmed by public material: "
        "nsaudit searches the external id (the id alone, or as a separate token inside it, case "
        "ignored): the collector asks NetSuite for every external id that contains the report id and "
        "the check keeps those where it stands as a token."
    ),
    reads=("transaction",),
    columns=("transaction.externalid",),
    detection=(Detection.REPORTS, Detection.NETSUITE_DATA),
    tags=("export", "reports"),
    needs_reports=True,
)

MATCH_FIELD = "externalid"  # UNCERTAIN: the field that carries the report id
SEARCHED = ("transactions whose external id holds the report id as a separate token, case ignored (the "
            "field the integration stores the report id in is not published: the external id is assumed; "
            "Expensify's own advice is to search NetSuite for the report id)")


def _pattern(report_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9A-Za-z]){re.escape(report_id)}(?![0-9A-Za-z])", flags=re.IGNORECASE)


def _matches(report_id: str, txn: Transaction, pattern: re.Pattern[str] | None = None) -> bool:
    value = (txn.externalid or "").strip()
    if not value or not report_id:
        return False
    if value.lower() == report_id.lower():
        return True
    return (pattern or _pattern(report_id)).search(value) is not None


_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_MAX_BOUNDARIES = 64  # an external id with more separators than this is matched the slow way


class _Index:
    """Transactions by every piece of their (ASCII) external id that a report id could match.

    A report id matches an external id when it is the whole value or appears in it, case ignored,
    with no letter or digit right before or after. For an ASCII external id and an ASCII report id
    that is exactly: the lower-cased report id equals ``value.lower()[start:end]`` for a ``start`` at
    the beginning or after a non-alphanumeric character and an ``end`` at the end or before one.
    Real external ids have few such pieces, so they are indexed once and each report is one look-up
    instead of one regular expression per transaction. Non-ASCII ids (where ignoring case follows
    Unicode rules) and external ids with very many separators are matched with the regular
    expression, as before.
    """

    def __init__(self, transactions: tuple[Transaction, ...]) -> None:
        self.transactions = transactions
        self.by_piece: dict[str, list[int]] = {}  # piece -> positions in ``transactions``
        self.slow: list[int] = []
        for position, txn in enumerate(transactions):
            value = (txn.externalid or "").strip()
            if not value:
                continue
            starts = [i for i in range(len(value)) if i == 0 or value[i - 1] not in _ALNUM]
            ends = [i for i in range(1, len(value) + 1) if i == len(value) or value[i] not in _ALNUM]
            if not value.isascii() or len(starts) > _MAX_BOUNDARIES or len(ends) > _MAX_BOUNDARIES:
                self.slow.append(position)
                continue
            lowered = value.lower()
            for start in starts:
                for end in ends:
                    if end > start:
                        found = self.by_piece.setdefault(lowered[start:end], [])
                        if not found or found[-1] != position:
                            found.append(position)

    def matching(self, report_id: str) -> list[Transaction]:
        """The transactions whose external id carries ``report_id``, in table order."""
        if not report_id:
            return []
        if not report_id.isascii():
            pattern = _pattern(report_id)
            return [t for t in self.transactions if _matches(report_id, t, pattern)]
        positions = self.by_piece.get(report_id.lower(), [])
        if self.slow:
            pattern = _pattern(report_id)
            slow = [i for i in self.slow if _matches(report_id, self.transactions[i], pattern)]
            positions = sorted({*positions, *slow})
        return [self.transactions[i] for i in positions]


def check(ctx: Context) -> Iterator[Finding]:
    reports = ctx.reports.reports if ctx.reports else ()
    unlooked = set(ctx.snapshot.not_looked_up(report.id for report in reports))
    judged = [0]  # reports looked up and found clean
    return with_judged_part(_findings(ctx, reports, unlooked, judged), lambda: _judged(ctx, judged[0], len(unlooked)))


def _findings(ctx: Context, reports: Sequence[Report], unlooked: set[str], judged: list[int],
              ) -> Iterator[Finding]:
    index = _Index(tuple(ctx.rows("transaction")))
    clean = 0
    for report in reports:
        found = index.matching(report.id.strip())
        if not found:  # a transaction found is a FAIL whatever was asked; nothing found means something only if asked
            if report.id in unlooked:
                yield _not_looked_up(ctx, report)
            else:
                clean += 1
            continue
        listed = ", ".join(f"{t.type or 'transaction'} {t.tranid or ''} (id {t.id})".replace("  ", " ")
                           for t in found)
        yield ctx.fail(
            f"Report {report.id} is already in NetSuite as {listed}; exporting it again fails with "
            "'This record already exists'.",
            subject=Subject(kind="report", id=report.id, name=report.title),
            evidence={"transactions": [{"id": t.id, "tranid": t.tranid, "type": t.type,
                                        "externalid": t.externalid} for t in found],
                      "matched_on": f"{MATCH_FIELD} (UNCERTAIN)", "searched": SEARCHED},
            fix=("In NetSuite search for the report id (global search), open the transaction and confirm "
                 "it is this report.",
                 "If the report should be exported again, delete that transaction first; otherwise mark "
                 "the report as exported in the workspace instead of exporting it.",
                 remedies.SYNC_AND_EXPORT),
        )
    judged[0] = clean
    if clean and clean == len(reports):  # a FAIL's evidence says what was searched; a clean PASS says it here
        yield ctx.passed(
            f"No NetSuite transaction carries the id of any of the {clean} pending report(s). Searched: {SEARCHED}.",
            evidence={"searched": SEARCHED, "matched_on": f"{MATCH_FIELD} (UNCERTAIN)", "reports": clean},
        )


def _not_looked_up(ctx: Context, report: Report) -> Finding:
    """A report whose id the snapshot audited never looked up: unknown, never a PASS."""
    recorded = ctx.snapshot.looked_up_reports is not None
    snapshot = ctx.snapshot
    why = (f"did not look up report {report.id} among NetSuite's transactions (nsaudit snapshot looks up only "
           "the reports given to it with --reports, and this one was not)" if recorded else
           "does not record which pending reports it looked up among NetSuite's transactions (written by "
           f"nsaudit {snapshot.tool_version}, before snapshots recorded it), so report {report.id} may not have been")
    return ctx.unverifiable(
        f"Not checked: the snapshot audited {why}; whether it is already in NetSuite is "
        "unknown.",
        missing=f"a look-up of report {report.id} among NetSuite's transactions",
        manual=("Take the snapshot again with --reports and this reports file (nsaudit snapshot --reports FILE "
                "-o SNAPSHOT) and audit that, or run nsaudit live with --reports.",
                "Or search NetSuite for the report id (global search) before exporting it."),
        subject=Subject(kind="report", id=report.id, name=report.title),
        evidence={"report": report.id, "looked_up_reports": (len(ctx.snapshot.looked_up_reports or ())
                                                              if recorded else "not recorded")},
    )


def _judged(ctx: Context, clean: int, unlooked: int) -> Finding | None:
    """The PASS for the reports that were looked up, beside the UNVERIFIABLE ones that were not."""
    if not clean:
        return None
    return ctx.passed(
        f"No NetSuite transaction carries the id of any of the {clean} pending report(s) looked up; the other "
        f"{unlooked} were not looked up (see their findings). Searched: {SEARCHED}.",
        evidence={"searched": SEARCHED, "matched_on": f"{MATCH_FIELD} (UNCERTAIN)", "reports": clean,
                  "not_looked_up": unlooked},
    )
