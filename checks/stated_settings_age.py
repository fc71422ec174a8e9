"""Settings an admin stated in the workspace (nsaudit init records who and when) are confirmed again
once they are older than 90 days: NetSuite's preferences and form layouts change without notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="stated-settings-age",
    codes=(),
    severity=Severity.INFO,
    title="Stated settings are recent enough to rely on",
    description=(
        "The workspace's [netsuite] values (stated_on, stated_by) and [forms] layouts (checked_on, checked_by) "
        "were read by a person, not by nsaudit. The audit relies on them as stated; once they are older than "
        "90 days it asks for them to be confirmed again (an info-level advisory: the checks still use them)."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("workspace", "manual"),
    needs_workspace=True,
    needs_login=False,
)

MAX_AGE_DAYS = 90
RECONFIRM = ("Open each setting where nsaudit init shows it (or docs/workspace.md lists it), confirm or correct "
             "it, and set the date to today: run nsaudit init again, or edit {date_field} in the workspace file.")


def nothing_to_judge(ctx: Context) -> str | None:
    """Not run when the workspace states no dated setting (nothing to be old)."""
    ws = ctx.workspace
    stated = ws.netsuite.stated_on is not None and any(
        v is not None for v in ws.netsuite.model_dump(exclude={"stated_on", "stated_by"}).values())
    forms = ws.forms
    checked = forms is not None and forms.checked_on is not None and any(
        forms.model_dump(exclude={"checked_on", "checked_by"}).values())
    if stated or checked:
        return None
    return "the workspace states no dated setting ([netsuite] stated_on, [forms] checked_on)"


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    stated = {k: v for k, v in ws.netsuite.model_dump(exclude={"stated_on", "stated_by"}).items() if v is not None}
    yield from _aged(ctx, "netsuite", "[netsuite] settings", ws.netsuite.stated_on, ws.netsuite.stated_by,
                     sorted(stated), "netsuite.stated_on")
    forms = ws.forms
    if forms is not None:
        recorded = sorted(k for k, v in forms.model_dump(exclude={"checked_on", "checked_by"}).items() if v)
        yield from _aged(ctx, "forms", "[forms] layouts", forms.checked_on, forms.checked_by, recorded,
                         "forms.checked_on")


def _aged(ctx: Context, key: str, label: str, on: dt.date | None, by: str | None, fields: list[str],
          date_field: str) -> Iterator[Finding]:
    if on is None or not fields:
        return
    age = (ctx.run_date - on).days
    if age <= MAX_AGE_DAYS:
        return
    who = f" by {by}" if by else ""
    yield ctx.warn(
        f"The workspace's {label} were stated{who} on {on.isoformat()}, {age} days before this run (more than "
        f"{MAX_AGE_DAYS}): confirm them again. The audit still relies on them: {', '.join(fields)}.",
        subject=Subject(kind="workspace", id=key, name=label),
        evidence={"stated_on": on.isoformat(), "stated_by": by, "age_days": age, "fields": fields},
        fix=(RECONFIRM.format(date_field=date_field),),
    )
