"""Which NS codes nsaudit predicts, with which checks, and how each is detected.

`nsaudit checks --codes` prints this table: every code in the catalog, the checks that predict it,
and how they learn it (NetSuite data, the RESTlet, the workspace description, pending reports, a
manual step) - or that it cannot be predicted, with what to do when it appears.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from netsuite_audit.audit.model import Detection
from netsuite_audit.audit.registry import LoadedCheck
from netsuite_audit.catalog import load_catalog


class CodeCoverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    category: str
    checks: tuple[str, ...]
    detection: tuple[Detection, ...]

    @property
    def detectable(self) -> bool:
        return Detection.NOT_DETECTABLE not in self.detection


def coverage(checks: Iterable[LoadedCheck]) -> list[CodeCoverage]:
    by_code: dict[str, list[LoadedCheck]] = {}
    for check in checks:
        for code in check.meta.codes:
            by_code.setdefault(code, []).append(check)
    rows = []
    for entry in load_catalog():
        covering = by_code.get(entry.code, [])
        detection = (tuple(dict.fromkeys(d for c in covering for d in c.meta.detection)) if covering
                     else entry.detection)
        rows.append(CodeCoverage(code=entry.code, title=entry.title, category=entry.category,
                                 checks=tuple(c.meta.id for c in covering), detection=detection))
    return rows
