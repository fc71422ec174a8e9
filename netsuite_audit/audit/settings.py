"""Account settings a check needs: NetSuite features and preferences, and a few workspace facts.

NetSuite exposes features and accounting preferences to SuiteScript only, so the optional nsaudit
RESTlet (``snapshot.restlet``) is the first source. When it was not deployed, the admin may have
written the value in the workspace description's ``[netsuite]`` table. When neither says, a rule
NetSuite enforces may settle it from what was read (audit.inferences); otherwise the value is unknown
and the caller reports UNVERIFIABLE with the manual step from :func:`manual_step`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from netsuite_audit.audit import inferences, lookups, remedies
from netsuite_audit.audit.context import Context
from netsuite_audit.inputs.pending import Report
from netsuite_audit.inputs.workspace import ExportType, Workspace
from netsuite_audit.netsuite import names
from netsuite_audit.netsuite.records import Subsidiary

Source = Literal["restlet", "workspace", "netsuite-data", "unknown"]


@dataclass(frozen=True)
class Setting:
    """One feature or preference value and where it came from."""

    key: str  # NetSuite id, e.g. MULTICURRENCY or DATEPERIODMISMATCH
    value: bool | str | None
    source: Source
    assumed: str = ""  # what nsaudit assumed to read the value this way (said in the evidence)
    inferred: str | None = None  # for source "netsuite-data": what the value was inferred from

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def on(self) -> bool:
        """True only when the setting is known to be on."""
        return self.value is True

    @property
    def off(self) -> bool:
        """True only when the setting is known to be off."""
        return self.value is False

    def evidence(self) -> dict[str, object]:
        out: dict[str, object] = {self.key: self.value, f"{self.key}_source": self.source}
        if self.assumed:
            out[f"{self.key}_assumed"] = self.assumed
        if self.inferred:
            out[f"{self.key}_inferred"] = self.inferred
        return out


@dataclass(frozen=True)
class SettingInfo:
    """One NetSuite preference or feature the nsaudit RESTlet returns, and the workspace ``[netsuite]``
    field that states it when the RESTlet is not deployed. ``uncertain``: the id (or where the box
    sits) is not confirmed against a list Oracle publishes."""

    key: str  # NetSuite id as SuiteScript knows it
    kind: Literal["preference", "feature"]
    field: str  # workspace [netsuite] field
    where: str  # where an admin reads it in NetSuite
    uncertain: bool = False


_PREFS = remedies.ACCOUNTING_PREFERENCES
_FEATURES = remedies.ENABLE_FEATURES

# Every preference and feature the RESTlet can return (netsuite_audit/restlet/nsaudit_restlet.js);
# docs/workspace.md lists the same, with the checks that use each (a test keeps the three in step).
SETTINGS: dict[str, SettingInfo] = {
    info.key: info
    for info in (
        SettingInfo("TIMEEXPENSEJOBONLY", "preference", "show_projects_only_for_time_and_expenses",
                    f"{_PREFS} > Time & Expenses tab: the box 'Show Projects Only For Time And Expense Entry'"),
        SettingInfo("DATEPERIODMISMATCH", "preference", "transaction_date_outside_period",
                    f"{_PREFS} > General tab: 'Allow Transaction Date Outside of the Posting Period' (Allow, "
                    "Warn or Disallow)"),
        SettingInfo("JOURNALAPPROVALS", "preference", "require_journal_approvals",
                    f"{_PREFS} > General tab (Approval Routing tab on newer accounts): the box 'Require "
                    "Approvals on Journal Entries'"),
        SettingInfo("DEPTMANDATORY", "preference", "department_mandatory",
                    f"{_PREFS} > General tab: the box 'Make Departments Mandatory'"),
        SettingInfo("CLASSMANDATORY", "preference", "class_mandatory",
                    f"{_PREFS} > General tab: the box 'Make Classes Mandatory'"),
        SettingInfo("LOCMANDATORY", "preference", "location_mandatory",
                    f"{_PREFS} > General tab: the box 'Make Locations Mandatory'"),
        SettingInfo("DEPTSPERLINE", "preference", "departments_per_line",
                    f"{_PREFS} > General tab: the box 'Allow Per-Line Departments'"),
        SettingInfo("CLASSESPERLINE", "preference", "classes_per_line",
                    f"{_PREFS} > General tab: the box 'Allow Per-Line Classes'"),
        SettingInfo("LOCSPERLINE", "preference", "locations_per_line",
                    f"{_PREFS} > General tab: the box for per-line locations", uncertain=True),
        SettingInfo("INTERCOMPANYEXPENSE", "preference", "intercompany_expenses",
                    f"{_PREFS} > Time & Expenses tab: the intercompany expense box", uncertain=True),
        SettingInfo("CUSTOMAPPROVALEXPENSE", "preference", "custom_approval_expense_reports",
                    f"{_PREFS} > Approval Routing tab: whether Expense Reports use custom approval routing",
                    uncertain=True),
        SettingInfo("SUBSIDIARIES", "feature", "oneworld",
                    f"{_FEATURES} > Company tab: OneWorld accounts list a Subsidiaries feature"),
        SettingInfo("MULTICURRENCY", "feature", "multi_currency",
                    f"{_FEATURES} > Company tab: the box 'Multiple Currencies'"),
        SettingInfo("INTERCOMPANYTIMEEXPENSE", "feature", "intercompany_time_and_expense",
                    f"{_FEATURES} > Advanced Features: the box 'Intercompany Time and Expense'", uncertain=True),
        SettingInfo("EXPREPORTS", "feature", "expense_reports",
                    f"{_FEATURES} > Employees tab: the box 'Expense Reports'", uncertain=True),
        SettingInfo("DEPARTMENTS", "feature", "departments",
                    f"{_FEATURES} > Company tab: the box 'Departments'"),
        SettingInfo("CLASSES", "feature", "classes", f"{_FEATURES} > Company tab: the box 'Classes'"),
        SettingInfo("LOCATIONS", "feature", "locations", f"{_FEATURES} > Company tab: the box 'Locations'"),
        SettingInfo("JOBS", "feature", "projects", f"{_FEATURES} > Company tab: the box 'Projects'"),
        SettingInfo("ACCOUNTINGPERIODS", "feature", "accounting_periods",
                    f"{_FEATURES} > Accounting tab: the box 'Accounting Periods'"),
        SettingInfo("MULTISUBSIDIARYCUSTOMER", "feature", "multi_subsidiary_customer",
                    f"{_FEATURES} > Company tab: the box 'Multi-Subsidiary Customer'", uncertain=True),
    )
}


def manual_step(key: str) -> tuple[str, ...]:
    """The steps to read ``key`` by hand and record it so the next run can use it."""
    info = SETTINGS.get(key)
    where, field = (info.where, info.field) if info else (f"the page that holds the setting {key}", None)
    steps = [f"In NetSuite open {where}."]
    if field:
        steps.append(f"Write the answer in the workspace description under [netsuite] as {field} = ..., "
                     "or deploy the nsaudit RESTlet so nsaudit reads it itself, then run the audit again.")
    return tuple(steps)


def missing_text(key: str) -> str:
    info = SETTINGS.get(key)
    where = f" or workspace [netsuite] {info.field}" if info else ""
    return f"NetSuite setting {key} (nsaudit RESTlet{where})"


def _field(key: str, kind: str) -> str | None:
    info = SETTINGS.get(key)
    return info.field if info is not None and info.kind == kind else None


def _workspace_value(ws: Workspace, field: str | None) -> bool | str | None:
    if field is None:
        return None
    value: bool | str | None = getattr(ws.netsuite, field, None)
    return value


def feature(ctx: Context, key: str) -> Setting:
    """An Enable Features switch (``MULTICURRENCY``, ``SUBSIDIARIES``, ...)."""
    restlet = ctx.snapshot.restlet
    if restlet is not None and key in restlet.features:
        on = bool(restlet.features[key])
        if on:
            return Setting(key, True, "restlet")
        if names.known_feature(key):  # an id in Oracle's Feature Names and IDs: false means disabled
            return Setting(key, False, "restlet")
        # For an id NetSuite does not know, isFeatureInEffect most likely answers false too: not "off".
        unknown = Setting(key, None, "unknown", assumed=(
            f"runtime.isFeatureInEffect answered false for {key}, an id not in Oracle's Feature Names and IDs; "
            "NetSuite answers false for an id it does not know, so this is not read as disabled"))
        value = _workspace_value(ctx.workspace, _field(key, "feature"))
        return Setting(key, value, "workspace", assumed=unknown.assumed) if value is not None else unknown
    value = _workspace_value(ctx.workspace, _field(key, "feature"))
    if value is not None:
        return Setting(key, value, "workspace")
    infer = inferences.FEATURES.get(key)
    found = infer(ctx) if infer is not None else None
    if found is not None:
        return Setting(key, found.value, "netsuite-data", inferred=found.because)
    return Setting(key, None, "unknown")


def preference(ctx: Context, key: str) -> Setting:
    """An accounting/company preference (``TIMEEXPENSEJOBONLY``, ``DATEPERIODMISMATCH``, ...)."""
    restlet = ctx.snapshot.restlet
    if restlet is not None and restlet.preferences.get(key) is not None:
        return Setting(key, _normalise(restlet.preferences[key]), "restlet")
    value = _workspace_value(ctx.workspace, _field(key, "preference"))
    if value is not None:
        return Setting(key, _normalise(value), "workspace")
    return Setting(key, None, "unknown")


def _normalise(value: bool | str | None) -> bool | str | None:
    """SuiteScript hands back checkboxes as booleans or "T"/"F"; text stays as written."""
    if isinstance(value, str) and value.strip().upper() in ("T", "F"):
        return value.strip().upper() == "T"
    return value


# ---- Allow Transaction Date Outside of the Posting Period ------------------------------------

DatePolicy = Literal["allow", "warn", "disallow", "unknown"]


def date_outside_period_policy(setting: Setting) -> DatePolicy:
    """DATEPERIODMISMATCH as one of allow / warn / disallow (``unknown`` when unset or unrecognised)."""
    if not isinstance(setting.value, str):
        return "unknown"
    text = setting.value.strip().lower()
    if text in ("allow", "warn", "disallow"):
        return text  # type: ignore[return-value]
    if text in ("block", "deny", "no", "false"):
        return "disallow"
    return "unknown"


# ---- OneWorld and the workspace subsidiary --------------------------------------------------


def is_oneworld(ctx: Context) -> bool | None:
    """True on a OneWorld account; ``None`` when nothing says.

    The subsidiary table exists only on OneWorld accounts, so rows read from it settle the question.
    """
    setting = feature(ctx, "SUBSIDIARIES")
    if setting.known:
        return bool(setting.value)
    if ctx.readable("subsidiary") and ctx.rows("subsidiary"):
        return True
    return None


def workspace_subsidiary(ctx: Context) -> Subsidiary | None:
    """The subsidiary row the workspace names (``None`` when not given, not read or not found)."""
    sub_id = lookups.workspace_subsidiary(ctx)
    row = ctx.by_id("subsidiary").get(sub_id) if sub_id is not None else None
    return row if isinstance(row, Subsidiary) else None


def is_canadian(subsidiary: Subsidiary | None) -> bool:
    return subsidiary is not None and (subsidiary.country or "").strip().upper() in ("CA", "CANADA")


def tax_required(ctx: Context, subsidiary_id: int | None) -> Setting:
    """Does the subsidiary require tax on expenses? RESTlet first, then "Canadian means yes"."""
    key = "TAX_REQUIRED"
    restlet = ctx.snapshot.restlet
    if restlet is not None and subsidiary_id is not None:
        defaults = restlet.subsidiaries.get(subsidiary_id)
        if defaults is not None and defaults.tax_required is not None:
            return Setting(key, defaults.tax_required, "restlet")
    stated = ctx.workspace.netsuite.subsidiary_tax_required
    if stated is not None and subsidiary_id is not None and subsidiary_id == lookups.workspace_subsidiary(ctx):
        return Setting(key, stated, "workspace")
    sub = ctx.by_id("subsidiary").get(subsidiary_id) if subsidiary_id is not None else None
    if ctx.known("subsidiary", "country") and is_canadian(sub):  # a country not returned settles nothing
        return Setting(key, True, "netsuite-data")
    return Setting(key, None, "unknown")


# ---- workspace and report helpers -----------------------------------------------------------


def export_types(ws: Workspace) -> tuple[ExportType, ...]:
    """The export types in use, reimbursable first, without repeats."""
    types = [ws.export.reimbursable]
    if ws.export.non_reimbursable is not None:
        types.append(ws.export.non_reimbursable)
    return tuple(dict.fromkeys(types))


EXPORT_LABEL = {
    ExportType.EXPENSE_REPORT: "expense report",
    ExportType.VENDOR_BILL: "vendor bill",
    ExportType.JOURNAL_ENTRY: "journal entry",
}


def audit_date(ctx: Context) -> dt.date:
    """"Today" for the audit: the day the snapshot was collected (so saved snapshots replay the same)."""
    return ctx.snapshot.collected_at.date()


def report_dates(report: Report) -> tuple[dt.date, ...]:
    return tuple(sorted({line.date for line in report.lines if line.date is not None}))
