"""NS0336: merchant names free of the characters NetSuite fails on."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="merchant-characters",
    codes=("NS0336",),
    severity=Severity.MEDIUM,
    title="Merchant names contain no characters NetSuite fails on",
    description=(
        "FAIL when a pending expense's merchant contains an asterisk (*), a less-than (<) or greater-than "
        "(>) sign, or a control character that XML cannot carry (anything below U+0020 other than tab, "
        "line feed and carriage return); NetSuite answers these with an 'unexpected error' and an Error "
        "ID. WARN (low) for other symbols: any character that is not a letter, digit, mark, space or one "
        "of & ' \" . , - / ( ) # @ ! : ; + % _, for example emoji, | ~ ^ { } [ ] \\ ` $ = ? or ™."
    ),
    detection=(Detection.REPORTS,),
    tags=("export", "reports"),
    needs_reports=True,
    needs_login=False,
)

REJECTED = frozenset("*<>")
ALLOWED_PUNCTUATION = frozenset(" &'\".,-/()#@!:;+%_")


def _is_xml_illegal(ch: str) -> bool:
    return ord(ch) < 0x20 and ch not in "\t\n\r"


def _is_plain(ch: str) -> bool:
    return ch in ALLOWED_PUNCTUATION or unicodedata.category(ch)[0] in ("L", "N", "M")


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}" if not ch.isprintable() else repr(ch)


def _characters(merchant: str) -> tuple[list[str], list[str]]:
    """The rejected and the unusual characters of a merchant name, each sorted."""
    bad = sorted({ch for ch in merchant if ch in REJECTED or _is_xml_illegal(ch)})
    odd = sorted({ch for ch in merchant if ch not in bad and not _is_plain(ch)})
    return bad, odd


def check(ctx: Context) -> Iterator[Finding]:
    index = ctx.line_index
    # Few distinct merchant names: each is looked at once, and only its lines are visited.
    verdicts: dict[int, tuple[str, list[str], list[str]]] = {}  # line -> (merchant, bad, odd)
    for merchant, numbers in index.values("merchant").items():
        bad, odd = _characters(merchant)
        if bad or odd:
            verdicts.update((g, (merchant, bad, odd)) for g in numbers)
    for g in sorted(verdicts):
        merchant, bad, odd = verdicts[g]
        report, number = index.report(g), index.number_of[g]
        subject = Subject(kind="report", id=f"{report.id}/{number}", name=merchant)
        evidence = {"merchant": merchant, "rejected": [_describe(c) for c in bad],
                    "unusual": [_describe(c) for c in odd], "employee": report.employee}
        fix = (f"Edit the merchant on report {report.id}, expense {number}, and remove "
               f"{', '.join(_describe(c) for c in bad or odd)}; then export again.",
               "If NetSuite still answers with an Error ID, give that id to NetSuite support.")
        if bad:
            yield ctx.fail(
                f"Merchant {merchant!r} (report {report.id}, expense {number}) contains "
                f"{', '.join(_describe(c) for c in bad)}, which makes NetSuite fail with an unexpected "
                "error.",
                subject=subject, evidence=evidence, fix=fix,
            )
        else:
            yield ctx.warn(
                f"Merchant {merchant!r} (report {report.id}, expense {number}) contains unusual "
                f"symbols ({', '.join(_describe(c) for c in odd)}) that may make NetSuite fail.",
                severity=Severity.LOW, subject=subject, evidence=evidence, fix=fix,
            )
