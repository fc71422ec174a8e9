"""The input files of one run, read and validated once: the workspace description and the pending
reports (or where they are, when the reports are to be read while the account is).

Each file is read by its own module (``workspace.py``, ``pending.py``); this one decides which
files a run uses (``--demo`` has its own) and carries them, with how outputs name them, to the
pipeline. Nothing here reads the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.support.paths import fixtures_dir


@dataclass(frozen=True)
class GivenInputs:
    """What the user handed this run (or the demo's own files)."""

    workspace: Workspace | None = None  # None: no workspace description
    # The workspace file as the user named it; None without one, and for the demo's own plain file.
    workspace_file: Path | None = None
    reports: PendingReports | None = None  # None: no reports, or not read yet (``reports_later``)
    reports_file: Path | None = None  # the reports file as the user named it (None: none, or the demo's)
    reports_path: Path | None = None  # the reports file read (the demo's own included)
    reports_later: bool = False  # the file is there and is read while the account is (pipeline)
    workspace_label: str | None = None  # how outputs name the workspace: the file given, "demo", or nothing

    def read_reports(self) -> PendingReports | None:
        """The pending reports: those read already, else the file read now."""
        if self.reports is not None or self.reports_path is None:
            return self.reports
        return PendingReports.load(self.reports_path)


def read_inputs(workspace_path: Path | None, reports_path: Path | None, *, demo: bool = False,
                expensify_demo: bool = False, reports_later: bool = False,
                demo_connection: str | None = None) -> GivenInputs:
    """Read and validate the workspace file, and the reports file unless ``reports_later`` (then only
    found to be there: a missing file is still reported at once). With ``demo`` the demo's own files
    stand in for those not given; with ``expensify_demo`` the demo's workspace file keeps only what
    the Integration Server cannot give."""
    given, named_reports = workspace_path, reports_path
    if demo and workspace_path is None:
        plain = "demo-oauth2-rest.toml" if demo_connection == "oauth2-rest" else "demo.toml"
        workspace_path = fixtures_dir() / "workspaces" / ("demo-expensify.toml" if expensify_demo else plain)
        given = workspace_path if expensify_demo else None
    if demo and reports_path is None and not expensify_demo:
        reports_path = fixtures_dir() / "reports" / "demo.json"
    workspace = Workspace.load(workspace_path) if workspace_path else None
    later = reports_later and reports_path is not None and reports_path.is_file()
    reports = PendingReports.load(reports_path) if reports_path is not None and not later else None
    label = str(given) if given is not None else ("demo" if demo else None)
    return GivenInputs(workspace=workspace, workspace_file=given, reports=reports, reports_file=named_reports,
                       reports_path=reports_path, reports_later=later, workspace_label=label)
