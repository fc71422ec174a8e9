"""The workspace description: what the expense integration uses, and settings no API exposes.

Written by the admin as TOML or YAML (JSON also accepted); see docs/workspace.md and the JSON
Schema in netsuite_audit/schemas/workspace.schema.json. Records are referred to by NetSuite
internal id (an integer) or by exact name (a string).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from netsuite_audit.inputs.files import load_mapping, validate

Ref = int | str  # NetSuite internal id, or the record's exact name
ConnectionKind = Literal["oauth2-rest", "tba-soap"]
CONNECTION_KINDS: tuple[ConnectionKind, ...] = ("oauth2-rest", "tba-soap")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ExportType(StrEnum):
    EXPENSE_REPORT = "expense_report"
    VENDOR_BILL = "vendor_bill"
    JOURNAL_ENTRY = "journal_entry"


class ApprovalLevel(StrEnum):
    SUPERVISOR_ONLY = "supervisor_only"
    ACCOUNTING_ONLY = "accounting_only"
    SUPERVISOR_AND_ACCOUNTING = "supervisor_and_accounting"
    PENDING_APPROVAL = "pending_approval"
    APPROVED_FOR_POSTING = "approved_for_posting"


class Coding(StrEnum):
    TAG = "tag"
    EMPLOYEE_DEFAULT = "employee_default"
    REPORT_FIELD = "report_field"


class ExportDate(StrEnum):
    LAST_EXPENSE = "last_expense"
    SUBMITTED = "submitted"
    EXPORTED = "exported"


class Connection(_Model):
    profile: str | None = Field(None, description="Credentials profile name in the profiles file")
    account: str | None = Field(None, description="NetSuite account id, e.g. 1234567 or 1234567_SB1")
    role: str = Field("Expensify Integration", description="Name of the role the token must use")
    role_id: int | None = Field(None, description="Internal id of that role, when known")
    application: str = Field("Expensify", description="Integration record (application) name of the token")
    user: str | None = Field(None, description="Email of the NetSuite user the token belongs to")
    kind: ConnectionKind | None = Field(
        None, description="Which Expensify connection the workspace uses: oauth2-rest (OAuth 2.0 over REST web "
                          "services, how Expensify connects today) or tba-soap (token-based auth over SOAP, the "
                          "legacy connection). Left out: taken from auth and soap (tba-soap when neither is given)"
    )
    auth: Literal["tba", "oauth2"] | None = Field(
        None, validate_default=True,
        description="How the integration logs in: token-based auth (tba, the legacy Expensify connection) or "
                    "OAuth 2.0 (oauth2, the current one); must agree with kind",
    )
    soap: bool | None = Field(
        None, validate_default=True,
        description="The integration talks to NetSuite over SOAP (the legacy TBA connection does; the OAuth 2.0 "
                    "connection uses REST); must agree with kind and auth",
    )

    @field_validator("auth")
    @classmethod
    def _auth_agrees(cls, value: str | None, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        implied = "oauth2" if kind == "oauth2-rest" else "tba"
        if value is None:
            return implied
        if kind is not None and value != implied:
            raise ValueError(f'auth = "{value}" contradicts kind = "{kind}" (which logs in with {implied}); '
                             "give one of them, or make them agree")
        return value

    @field_validator("soap")
    @classmethod
    def _soap_agrees(cls, value: bool | None, info: ValidationInfo) -> bool:
        auth = info.data.get("auth") or "tba"
        implied = auth == "tba"
        if value is None:
            return implied
        if value != implied:
            kind = info.data.get("kind")
            said = f'kind = "{kind}"' if kind else f'auth = "{auth}"'
            raise ValueError(
                f"soap = {str(value).lower()} contradicts {said}: the Expensify connection uses SOAP only with "
                'token-based auth (kind = "tba-soap": auth = "tba", soap = true) and REST with OAuth 2.0 '
                '(kind = "oauth2-rest": auth = "oauth2", soap = false)')
        return value

    @property
    def resolved_kind(self) -> ConnectionKind:
        """``oauth2-rest`` or ``tba-soap``, from kind, auth and soap (validated to agree)."""
        return "oauth2-rest" if self.auth == "oauth2" else "tba-soap"

    @property
    def kind_source(self) -> str:
        """Which workspace field said the kind, in plain words."""
        if self.kind is not None:
            return f'the workspace says kind = "{self.kind}"'
        if "auth" in self.model_fields_set or "soap" in self.model_fields_set:
            return (f'the workspace says auth = "{self.auth}"'
                    + (f", soap = {str(self.soap).lower()}" if "soap" in self.model_fields_set else ""))
        return "the workspace does not say, so the legacy default (tba-soap) is assumed"


class Export(_Model):
    reimbursable: ExportType = ExportType.EXPENSE_REPORT
    non_reimbursable: ExportType | None = None
    reimbursable_approval: ApprovalLevel | None = None
    non_reimbursable_approval: ApprovalLevel | None = None
    coding: Coding = Coding.TAG
    date: ExportDate = ExportDate.LAST_EXPENSE
    export_to_next_open_period: bool = False
    auto_create_employees: bool = False
    default_vendor: Ref | None = None
    card_vendor: Ref | None = Field(None, description="Company-card vendor; 'Default' is refused by NetSuite")
    payable_account: Ref | None = Field(None, description="Journal entry payable account")
    card_account: Ref | None = None
    reimbursed_ap_account: Ref | None = Field(None, description="A/P account for Sync Reimbursed Reports")
    invoices: bool = False
    currency: str | None = Field(None, description="Workspace output currency code, e.g. USD")
    tax_enabled: bool = False
    default_tax: str | None = None
    mileage_or_per_diem: bool = False
    projects_enabled: bool = True


class Tags(_Model):
    classes: tuple[Ref, ...] = ()
    departments: tuple[Ref, ...] = ()
    locations: tuple[Ref, ...] = ()
    projects: tuple[Ref, ...] = ()
    customers: tuple[Ref, ...] = ()
    categories: tuple[Ref, ...] = ()


class NetSuiteSettings(_Model):
    """Account settings no API exposes to a token: every preference and feature the nsaudit RESTlet
    returns can be stated here instead (what the RESTlet returns wins). Left out means unknown, and the
    checks that need it say UNVERIFIABLE with the manual step. See docs/workspace.md, [netsuite]."""

    # Accounting preferences
    show_projects_only_for_time_and_expenses: bool | None = Field(
        None, description="TIMEEXPENSEJOBONLY: Show Projects Only For Time And Expense Entry"
    )
    transaction_date_outside_period: str | None = Field(
        None, description="DATEPERIODMISMATCH: allow, warn or disallow"
    )
    require_journal_approvals: bool | None = Field(None, description="JOURNALAPPROVALS")
    department_mandatory: bool | None = Field(None, description="DEPTMANDATORY: Make Departments Mandatory")
    class_mandatory: bool | None = Field(None, description="CLASSMANDATORY: Make Classes Mandatory")
    location_mandatory: bool | None = Field(None, description="LOCMANDATORY: Make Locations Mandatory")
    departments_per_line: bool | None = Field(None, description="DEPTSPERLINE: Allow Per-Line Departments")
    classes_per_line: bool | None = Field(None, description="CLASSESPERLINE: Allow Per-Line Classes")
    locations_per_line: bool | None = Field(None, description="LOCSPERLINE: per-line locations")
    intercompany_expenses: bool | None = Field(None, description="INTERCOMPANYEXPENSE")
    custom_approval_expense_reports: bool | None = Field(
        None, description="CUSTOMAPPROVALEXPENSE: custom approval routing for expense reports"
    )
    # Enabled features
    oneworld: bool | None = Field(None, description="SUBSIDIARIES (OneWorld)")
    multi_currency: bool | None = Field(None, description="MULTICURRENCY")
    intercompany_time_and_expense: bool | None = Field(None, description="INTERCOMPANYTIMEEXPENSE")
    expense_reports: bool | None = Field(None, description="EXPREPORTS")
    departments: bool | None = Field(None, description="DEPARTMENTS")
    classes: bool | None = Field(None, description="CLASSES")
    locations: bool | None = Field(None, description="LOCATIONS")
    projects: bool | None = Field(None, description="JOBS (Projects)")
    accounting_periods: bool | None = Field(None, description="ACCOUNTINGPERIODS")
    multi_subsidiary_customer: bool | None = Field(None, description="MULTISUBSIDIARYCUSTOMER")
    # Preferences of the workspace subsidiary (the RESTlet's "subsidiaries" part)
    subsidiary_payable_account: int | Literal["blank"] | None = Field(
        None, description="Internal id of the subsidiary's Default Payable Account for Expense Reports, or "
                          "'blank' when the admin saw it empty"
    )
    subsidiary_corporate_card_account: int | Literal["blank"] | None = Field(
        None, description="Internal id of the subsidiary's Default Account for Corporate Card Expenses, or "
                          "'blank' when the admin saw it empty"
    )
    subsidiary_tax_required: bool | None = Field(None, description="Whether the subsidiary requires tax")
    # Who stated the values above, and when (nsaudit init records both; older than 90 days, the audit
    # asks for them to be confirmed again: check stated-settings-age)
    stated_on: dt.date | None = Field(None, description="When the values in [netsuite] were stated, e.g. 2026-11-02")
    stated_by: str | None = Field(None, description="Who stated them (name or email)")


class _FormLayout(_Model):
    """What an admin saw on one preferred transaction form. ``true`` means the field is shown
    (Show ticked); a field left out is not recorded and stays a manual step."""

    created_from: bool | None = Field(None, description="Created From is shown (Screen Fields > Main)")
    receipt_url: bool | None = Field(None, description="Receipt URL is shown (Main and/or the line subtab)")
    exchange_rate: bool | None = Field(None, description="Exchange Rate is shown")
    email: bool | None = Field(
        None, description="Email is shown (needed only when the workspace creates employees/vendors itself)"
    )


class ExpenseReportForm(_FormLayout):
    """The preferred Expense Report form."""


class JournalEntryForm(_FormLayout):
    """The preferred Journal Entry form (Expensify Card expenses always use it for Created From)."""


class VendorBillForm(_FormLayout):
    """The preferred Vendor Bill form."""

    header_classification_shown: bool | None = Field(
        None,
        description="Department, Class and Location are shown (or mandatory) on the header (Screen Fields > "
                    "Main); the integration codes them per line, so this must be false",
    )


class VendorCreditForm(_Model):
    """The preferred Vendor Credit (Bill Credit) form, used for negative vendor-bill reports."""

    created_from: bool | None = Field(None, description="Created From is shown (Screen Fields > Main)")
    header_classification_shown: bool | None = Field(
        None, description="Department, Class and Location are shown (or mandatory) on the header; must be false"
    )


class Forms(_Model):
    """Layouts of the preferred transaction forms, as recorded by an admin. NetSuite does not expose
    form layouts to the integration's queries, so without this section those items are manual steps."""

    checked_on: dt.date | None = Field(None, description="When the forms were last looked at, e.g. 2026-11-02")
    checked_by: str | None = Field(None, description="Who looked at them (name or email)")
    expense_report: ExpenseReportForm | None = None
    vendor_bill: VendorBillForm | None = None
    vendor_credit: VendorCreditForm | None = None
    journal_entry: JournalEntryForm | None = None


class RestletConfig(_Model):
    script: int | None = None
    deploy: int | None = None


class Workspace(_Model):
    name: str | None = None
    connection: Connection = Field(default_factory=Connection)
    subsidiary: Ref | None = Field(None, description="The workspace's NetSuite subsidiary")
    cross_subsidiary: bool = Field(False, description="Cross-Subsidiary Customers/Projects switch")
    export: Export = Field(default_factory=Export)
    employees: tuple[str, ...] = Field((), description="Emails of the workspace members who export")
    tags: Tags = Field(default_factory=Tags)
    netsuite: NetSuiteSettings = Field(default_factory=NetSuiteSettings)
    custom_records: tuple[str, ...] = Field((), description="Script ids of custom records/segments used")
    restlet: RestletConfig | None = None
    forms: Forms | None = Field(
        None, description="Recorded layouts of the preferred transaction forms (see docs/workspace.md, [forms])"
    )
    permission_profile: str = Field("standard", description="Required-permission profile: standard or strict")

    @classmethod
    def load(cls, path: Path) -> Workspace:
        return validate(cls, load_mapping(path), str(path))
