"""NS0942: a OneWorld account (several subsidiaries) needs a workspace connected to one subsidiary."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.audit import lookups
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.snapshot import ReadState

META = CheckMeta(
    id="oneworld-subsidiary",
    codes=("NS0942",),
    severity=Severity.CRITICAL,
    title="A OneWorld account's workspace names its subsidiary",
    description=(
        "When the account has more than one subsidiary (OneWorld) but the workspace names none, the "
        "connection was most likely made before the account became OneWorld, and syncing fails until "
        "the connection is made again."
    ),
    optional_reads=("subsidiary",),
    columns=("subsidiary.iselimination",),
    detection=(Detection.NETSUITE_DATA, Detection.RESTLET, Detection.WORKSPACE),
    tags=("sync", "subsidiaries"),
    needs_workspace=True,
)

FIX = (
    "If the workspace is in fact connected to a subsidiary, add it as 'subsidiary' in the workspace "
    "description and run nsaudit again. Otherwise:",
    "Note the workspace's current accounting settings (a screenshot will do): reconnecting clears them.",
    "Disconnect the NetSuite connection in the workspace, connect again, pick the subsidiary, and set "
    "the export options back as they were; repeat for each workspace on this account.",
)


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.workspace.subsidiary is not None:
        return
    restlet = ctx.snapshot.restlet
    feature = restlet.features.get("SUBSIDIARIES") if restlet is not None else None
    if ctx.readable("subsidiary"):
        subs = [s for s in ctx.rows("subsidiary") if not s.iselimination]
        if len(subs) <= 1:
            return
        evidence: dict[str, object] = {"subsidiaries": [s.name or s.id for s in subs]}
        what = f"the account has {len(subs)} subsidiaries"
    elif feature is True or ctx.workspace.netsuite.oneworld is True:
        evidence = {"restlet_feature_SUBSIDIARIES": feature, "workspace_oneworld": ctx.workspace.netsuite.oneworld}
        what = "the account uses OneWorld"
    elif ctx.snapshot.read("subsidiary").state == ReadState.UNAVAILABLE or feature is False:
        return  # NetSuite does not know the subsidiary table: no OneWorld
    else:
        yield lookups.unreadable(ctx, "subsidiary", "whether the account has several subsidiaries")
        return
    yield ctx.fail(
        f"'Parent Company' not found for subsidiaries: {what}, but the workspace description names no "
        "subsidiary.",
        subject=Subject(kind="setting", id="workspace.subsidiary"),
        evidence=evidence, fix=FIX,
    )
