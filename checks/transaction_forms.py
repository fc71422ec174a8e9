"""NS0037, NS0068, NS0085, NS0416, NS0005: fields the integration writes must be shown on the
preferred transaction forms. Form layouts are not readable with SuiteQL, so the check relies on the
layouts an admin recorded in the workspace description ([forms]); whatever is not recorded stays a
manual step."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netsuite_audit.audit import remedies, settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.inputs.workspace import ExportType, Forms

META = CheckMeta(
    id="transaction-forms",
    codes=("NS0037", "NS0068", "NS0085", "NS0416", "NS0005"),
    severity=Severity.HIGH,
    title="Preferred transaction forms show the fields the integration sets",
    description=(
        "For each export type in use, lists the fields that must be shown (or must not be mandatory) on "
        "the preferred transaction form: Created From, Receipt URL, Exchange Rate, Email, and the header "
        "Department/Class/Location of vendor bills. Form layouts can't be read by the integration's "
        "queries, so each item is judged from the layout the admin recorded in the workspace's [forms] "
        "section: recorded as required, PASS; recorded otherwise, FAIL; not recorded, UNVERIFIABLE with "
        "the steps to look at it by hand."
    ),
    detection=(Detection.MANUAL, Detection.WORKSPACE),
    tags=("export", "forms", "manual"),
    needs_workspace=True,
    needs_login=False,
)


@dataclass(frozen=True)
class FormField:
    key: str  # subject id part: form:<form key>:<key>
    code: str
    label: str
    steps: str  # where on the form, and what to tick
    why: str
    record: str = ""  # the workspace [forms.<form key>] entry that records it (default: key)
    expected: bool = True  # the value that entry must have (True: the field is shown)

    @property
    def entry(self) -> str:
        return self.record or self.key

    @property
    def wanted(self) -> str:
        return "shown" if self.expected else "not shown and not mandatory"


CREATED_FROM = FormField("created_from", "NS0068", "Created From",
                         "Screen Fields > Main: tick Show for Created From (Display Type Normal)",
                         "the integration links each transaction to its report through Created From")
HEADER_CLASSIFICATION = FormField(
    "header_classification", "NS0005", "Department, Class and Location (header)",
    "Screen Fields > Main: untick Show and Mandatory for Department, Class and Location; on the Expenses "
    "subtab keep them shown",
    "the integration codes classifications per line, so a mandatory header value stays empty",
    record="header_classification_shown", expected=False)
EMAIL = FormField("email", "NS0416", "Email",
                  "tick Show for the Email field; also on the vendor entry form "
                  "(Customization > Forms > Entry Forms, preferred Vendor form)",
                  "vendors created automatically for new submitters need their email")

FORMS: dict[str, tuple[str, tuple[FormField, ...]]] = {
    "expense_report": ("Expense Report", (
        CREATED_FROM,
        FormField("receipt_url", "NS0037", "Receipt URL", "Screen Fields > Expenses: tick Show for Receipt URL",
                  "each expense line carries a link to its receipt"),
        FormField("exchange_rate", "NS0085", "Exchange Rate", "Screen Fields > Expenses: tick Show for "
                  "Exchange Rate", "expenses in another currency carry their exchange rate"),
    )),
    "vendor_bill": ("Vendor Bill", (
        CREATED_FROM,
        FormField("receipt_url", "NS0037", "Receipt URL", "tick Show for Receipt URL both under Screen "
                  "Fields > Main and on the Expenses subtab (public guidance names both places)",
                  "each expense line carries a link to its receipt"),
        FormField("exchange_rate", "NS0085", "Exchange Rate", "Screen Fields > Main: tick Show for Exchange "
                  "Rate", "bills in another currency carry their exchange rate"),
        HEADER_CLASSIFICATION,
    )),
    "vendor_credit": ("Vendor Credit (Bill Credit)", (CREATED_FROM, HEADER_CLASSIFICATION)),
    "journal_entry": ("Journal Entry", (
        CREATED_FROM,
        FormField("receipt_url", "NS0037", "Receipt URL", "Screen Fields > Lines: tick Show for Receipt URL",
                  "each line carries a link to its receipt"),
        FormField("exchange_rate", "NS0085", "Exchange Rate", "tick Show for Exchange Rate under Screen "
                  "Fields > Lines and under Main", "entries in another currency carry their exchange rate"),
    )),
}

OPEN_FORM = ("In NetSuite open Customization > Forms > Transaction Forms, find the {form} form marked "
             "Preferred (or the form named by the workspace's Custom Form ID setting, if one is set) and "
             "click Edit or Customize.")
MISSING = "transaction form layout (not readable through SuiteQL or SOAP searches; not recorded in [forms])"


def _forms_in_use(ctx: Context) -> dict[str, str]:
    """Form key -> why it is used."""
    export = ctx.workspace.export
    used: dict[str, str] = {}
    for kind in settings.export_types(ctx.workspace):
        used[kind.value] = f"{settings.EXPORT_LABEL[kind]} exports"
    if export.reimbursable == ExportType.VENDOR_BILL:
        used["vendor_credit"] = "reports with a negative total export as vendor credits"
    used.setdefault("journal_entry", "Expensify Card expenses always export as journal entries "
                                     "(only Created From matters then)")
    return used


def check(ctx: Context) -> Iterator[Finding]:
    types = settings.export_types(ctx.workspace)
    for form_key, why in _forms_in_use(ctx).items():
        form_name, fields = FORMS[form_key]
        card_only = form_key == "journal_entry" and ExportType.JOURNAL_ENTRY not in types
        for field in fields:
            if card_only and field is not CREATED_FROM:
                continue
            yield _item(ctx, form_key, form_name, field, why)
    if ctx.workspace.export.auto_create_employees:
        form_key = ctx.workspace.export.reimbursable.value
        yield _item(ctx, form_key, FORMS[form_key][0], EMAIL, "automatic vendor/employee creation is on")


def _recorded(forms: Forms | None, form_key: str, field: FormField) -> bool | None:
    """The value the workspace's [forms] section records for this item (``None``: not recorded)."""
    layout = getattr(forms, form_key, None) if forms is not None else None
    value = getattr(layout, field.entry, None) if layout is not None else None
    return value if isinstance(value, bool) else None


def _item(ctx: Context, form_key: str, form_name: str, field: FormField, why: str) -> Finding:
    forms = ctx.workspace.forms
    value = _recorded(forms, form_key, field)
    subject = Subject(kind="form", id=f"{form_key}:{field.key}", name=f"{form_name}: {field.label}")
    evidence: dict[str, object] = {"form": form_name, "field": field.label, "used_because": why}
    if value is None:
        return _manual(ctx, form_key, form_name, field, subject, evidence)
    assert forms is not None
    by = forms.checked_by or "an unnamed admin"
    on = forms.checked_on.isoformat() if forms.checked_on else "an unrecorded date"
    evidence.update({"recorded": f"[forms.{form_key}] {field.entry} = {str(value).lower()}",
                     "required": field.expected, "checked_by": forms.checked_by,
                     "checked_on": forms.checked_on.isoformat() if forms.checked_on else None})
    if value == field.expected:
        return ctx.passed(
            f"The preferred {form_name} form has '{field.label}' {field.wanted}, as recorded by {by} on {on}.",
            code=field.code, subject=subject, evidence=evidence,
        )
    return ctx.fail(
        f"The preferred {form_name} form has '{field.label}' "
        f"{'hidden' if field.expected else 'shown on the header'} (recorded by {by} on {on}), but "
        f"{field.why}; exports of this type fail with {field.code}.",
        code=field.code, subject=subject, evidence=evidence,
        fix=(OPEN_FORM.format(form=form_name), f"On that form: {field.steps}. Save.",
             f"Update the workspace description: [forms.{form_key}] {field.entry} = {str(field.expected).lower()}, "
             "with checked_on and checked_by.",
             remedies.SYNC_AND_EXPORT_REPORT),
    )


def _manual(ctx: Context, form_key: str, form_name: str, field: FormField, subject: Subject,
            evidence: dict[str, object]) -> Finding:
    return ctx.unverifiable(
        f"Check by hand: the preferred {form_name} form must have '{field.label}' {field.wanted} "
        f"({field.why}); nsaudit can't read form layouts and the workspace has not recorded this one.",
        code=field.code,
        missing=MISSING,
        subject=subject,
        evidence=evidence,
        manual=(OPEN_FORM.format(form=form_name), f"On that form: {field.steps}. Save.",
                "Do the same on any other form of this type the integration might use, then choose Sync "
                "Now in the workspace.",
                f"Record what you saw in the workspace description as [forms.{form_key}] {field.entry} = "
                f"{str(field.expected).lower()} (with checked_on and checked_by) so the next audit can judge it."),
    )
