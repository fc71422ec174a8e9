"""NS0783: the custom field / segment script ids the workspace maps are in the form the integration
expects (a transaction column field id: 'custcol' followed by letters, digits or underscores)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject

META = CheckMeta(
    id="custom-field-ids",
    codes=("NS0783",),
    severity=Severity.MEDIUM,
    title="Custom field script ids are in the expected form",
    description=(
        "Each custom record, segment or field script id entered in the workspace must be a transaction "
        "column field id such as 'custcol123': lower case, starting with 'custcol', no spaces or symbols."
    ),
    detection=(Detection.WORKSPACE,),
    tags=("sync", "custom-records"),
    needs_login=False,
    needs_workspace=True,
)

# The catalog notes the help page asks for 'custcol...' ids (transaction column fields), although
# record-type ids start with 'customrecord'; we follow the page and say why in the message.
EXPECTED = re.compile(r"^custcol[a-z0-9_]+$")


def check(ctx: Context) -> Iterator[Finding]:
    for script_id in ctx.workspace.custom_records:
        if EXPECTED.match(script_id):
            continue
        reason = ("has upper-case letters" if script_id.lower() != script_id and EXPECTED.match(script_id.lower())
                  else "does not start with 'custcol'" if not script_id.strip().lower().startswith("custcol")
                  else "has spaces or symbols")
        yield ctx.fail(
            f"Incorrect ScriptID format for CustomRecord: '{script_id}' {reason}; the integration expects a "
            "transaction column field id such as 'custcol123'.",
            subject=Subject(kind="setting", id=f"custom_records:{script_id}"),
            evidence={"script_id": script_id, "expected": "custcol followed by a-z, 0-9 or _"},
            fix=("In NetSuite open Customization > Lists, Records, & Fields > Transaction Line Fields (or the "
                 "segment), copy the field's ID exactly as NetSuite shows it.",
                 "Enter that id in the workspace's custom field mapping, then choose Sync Now."),
        )
