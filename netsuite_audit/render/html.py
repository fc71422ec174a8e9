"""A self-contained HTML compliance report (one file, inline CSS, no scripts, printable).

What it says is computed in :mod:`netsuite_audit.render.compliance` (shared with the Markdown report);
the template only lays it out.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from netsuite_audit.audit.model import Severity, Status
from netsuite_audit.render import compliance
from netsuite_audit.render.text import MEANING
from netsuite_audit.result import AuditResult

TEMPLATE = "report.html.j2"
MAX_PER_CODE = compliance.MAX_PER_CODE  # kept for callers; compliance.MAX_PER_CODE is the one used

_STATUS_ORDER = (Status.FAIL, Status.WARN, Status.ERROR, Status.UNVERIFIABLE, Status.MUTED, Status.PASS)


def _environment() -> Environment:
    return Environment(loader=PackageLoader("netsuite_audit", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(result: AuditResult, color: bool = False) -> str:
    """The compliance report as one HTML document; ``color`` is ignored (the page has its own styles)."""
    return _environment().get_template(TEMPLATE).render(
        report=compliance.build_compliance(result),
        result=result,
        status_counts=tuple((s.value, result.summary.by_status.get(s.value, 0)) for s in _STATUS_ORDER),
        severity_counts=tuple((s.value, MEANING[s], result.summary.by_severity.get(s.value, 0)) for s in Severity),
    )
