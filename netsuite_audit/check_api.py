"""What a check may import: the one module custom checks (``--checks-dir``) build on.

A check module defines ``META = CheckMeta(...)`` and ``def check(ctx: Context) -> Iterable[Finding]``;
docs/custom-checks.md shows one end to end. Everything named in ``__all__`` here keeps its name and
meaning across releases, wherever it lives inside nsaudit; a custom check that imports anything else
of ``netsuite_audit`` may break when the package is reorganised.

What it offers:

- the contract: :class:`CheckMeta`, :class:`Context` (``ctx.rows``, ``ctx.readable``, ``ctx.known``,
  ``ctx.resolve``, ``ctx.fail``/``warn``/``unverifiable``/``passed``), :class:`Finding`,
  :class:`Severity`, :class:`Status`, :class:`Subject`, :class:`Detection`;
- how a finding names the pending report lines it is about, so they count in the per-report
  verdicts: :data:`REPORT_LINES` (the evidence key) and :func:`report_line`;
- the helper library the bundled checks share: ``lookups`` (employees, vendors, subsidiaries,
  submitters, accounts), ``settings`` (NetSuite preferences and features: RESTlet, workspace, or
  unknown), ``remedies`` (fix steps worded once: Sync Now, menu paths);
- the vocabulary of the data: ``records`` (row types), :data:`TABLES`, :class:`ReadState`,
  :class:`Level` and :func:`describe_permission`, the workspace's :class:`ExportType` and
  :data:`Ref`.

Custom checks run with the integration's secrets in the environment and are trusted code: they are
loaded only from an explicit ``--checks-dir`` (docs/security.md).
"""

from __future__ import annotations

from netsuite_audit.audit import lookups, remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Status, Subject
from netsuite_audit.audit.verdicts import REPORT_LINES, report_line
from netsuite_audit.inputs.workspace import ExportType, Ref
from netsuite_audit.netsuite import records
from netsuite_audit.netsuite.permissions import Level, describe_permission
from netsuite_audit.netsuite.tables import TABLES
from netsuite_audit.snapshot import ReadState

__all__ = [
    "REPORT_LINES",
    "TABLES",
    "CheckMeta",
    "Context",
    "Detection",
    "ExportType",
    "Finding",
    "Level",
    "ReadState",
    "Ref",
    "Severity",
    "Status",
    "Subject",
    "describe_permission",
    "lookups",
    "records",
    "remedies",
    "report_line",
    "settings",
]
