"""NS0037, NS0068, NS0085, NS0416, NS0005: fields the integration writes must be shown on the
preferred transaction forms. Form layouts are not readable with SuiteQL, so this is a manual review."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netsuite_audit.audit import settings
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Detection, Finding, Severity, Subject
from netsuite_audit.workspace import ExportType

META = CheckMeta(
    id="transaction-forms",
    codes=("NS0037", "NS0068", "NS0085", "NS0416", "NS0005"),
    severity=Severity.MEDIUM,
    title="Preferred transaction forms show the fields the integration sets (manual review)",
    description=(
        "For each export type in use, lists the fields that must be shown (or must not be mandatory) on "
        "the preferred transaction form: Created From, Receipt URL, Exchange Rate, Email, and the header "
        "Department/Class/Location of vendor bills. Form layouts can't be read by the integration's "
        "queries, so every item is reported as UNVERIFIABLE with the steps, never PASS or FAIL."
    ),
    detection=(Detection.MANUAL, Detection.WORKSPACE),
    tags=("export", "forms", "manual"),
    needs_workspace=True,
    needs_login=False,
)


@dataclass(frozen=True)
class FormField:
    key: str
    code: str
    label: str
    steps: str  # where on the form, and what to tick
    why: str


CREATED_FROM = FormField("created_from", "NS0068", "Created From",
                         "Screen Fields > Main: tick Show for Created From (Display Type Normal)",
                         "the integration links each transaction to its report through Created From")
HEADER_CLASSIFICATION = FormField(
    "header_classification", "NS0005", "Department, Class and Location (header)",
    "Screen Fields > Main: untick Show and Mandatory for Department, Class and Location; on the Expenses "
    "subtab keep them shown",
    "the integration codes classifications per line, so a mandatory header value stays empty")

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
            yield _manual(ctx, form_key, form_name, field, why)
    if ctx.workspace.export.auto_create_employees:
        form_key = ctx.workspace.export.reimbursable.value
        email = FormField("email", "NS0416", "Email",
                          "tick Show for the Email field; also on the vendor entry form "
                          "(Customization > Forms > Entry Forms, preferred Vendor form)",
                          "vendors created automatically for new submitters need their email")
        yield _manual(ctx, form_key, FORMS[form_key][0], email, "automatic vendor/employee creation is on")


def _manual(ctx: Context, form_key: str, form_name: str, field: FormField, why: str) -> Finding:
    return ctx.unverifiable(
        f"Check by hand: the preferred {form_name} form must show '{field.label}' correctly "
        f"({field.why}); nsaudit can't read form layouts.",
        code=field.code,
        missing="transaction form layout (not readable through SuiteQL or SOAP searches)",
        subject=Subject(kind="form", id=f"{form_key}:{field.key}", name=f"{form_name}: {field.label}"),
        evidence={"form": form_name, "field": field.label, "used_because": why},
        manual=(OPEN_FORM.format(form=form_name), f"On that form: {field.steps}. Save.",
                "Do the same on any other form of this type the integration might use, then choose Sync "
                "Now in the workspace."),
    )
