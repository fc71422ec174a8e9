"""What a live run prepares while it waits for NetSuite: the pending reports, read and indexed.

Everything here depends on the input files alone (not on the account), so ``cli`` runs it in a
background thread (``background.InBackground``) while the collector's requests are in flight, and
the checks then find the line index and the per-inputs facts of ``lookups`` already built.
"""

from __future__ import annotations

from pathlib import Path

from netsuite_audit.audit import lookups
from netsuite_audit.audit.line_index import COMMON_FIELDS, line_index
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace


def read_reports(path: Path, workspace: Workspace | None) -> PendingReports:
    reports = PendingReports.load(path)
    index = line_index(reports)
    for field in COMMON_FIELDS:
        index.values(field)
    if workspace is not None:
        lookups.warm(workspace, reports)
    return reports
