"""Every NetSuite table nsaudit reads: its SuiteQL name, row model, the permission it needs, and
whether a SOAP search can read the same rows.

This is the single list the collector, the simulator and the checks' metadata share. Names and
columns come from ../shared/reference/netsuite-api.md section 3; the ones public material does not
settle are flagged ``uncertain`` and said so in ``nsaudit checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsuite_audit import records as r


@dataclass(frozen=True)
class TableSpec:
    name: str  # SuiteQL table name (lower case)
    model: type[r.Row]
    permission: str  # permkey that lets a role read the table
    soap_record: str | None = None  # SOAP SearchRecordType that returns the same rows, if any
    uncertain: bool = False  # table or column names not confirmed by public material
    optional: bool = False  # only read when a check asks for it (e.g. pending reports given)
    note: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(
            (field.alias or name) for name, field in self.model.model_fields.items()
        )


def _t(*args: object, **kwargs: object) -> TableSpec:
    return TableSpec(*args, **kwargs)  # type: ignore[arg-type]


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        _t("subsidiary", r.Subsidiary, "LIST_SUBSIDIARY", "subsidiary",
           note="absent on accounts without OneWorld (NetSuite answers Unknown identifier)"),
        _t("currency", r.Currency, "LIST_CURRENCY", "currency"),
        _t("role", r.Role, "ADMI_MANAGEROLES"),
        _t("rolesubsidiarymap", r.RoleSubsidiary, "ADMI_MANAGEROLES", uncertain=True),
        _t("rolepermissions", r.RolePermission, "ADMI_MANAGEROLES"),
        _t("employee", r.Employee, "LIST_EMPLOYEE", "employee"),
        _t("classification", r.Classification, "LIST_CLASS", "classification"),
        _t("department", r.Department, "LIST_DEPARTMENT", "department"),
        _t("location", r.Location, "LIST_LOCATION", "location"),
        _t("job", r.Project, "LIST_JOB", "job"),
        _t("jobstatus", r.ProjectStatus, "LIST_JOB", uncertain=True),
        _t("jobresource", r.ProjectResource, "LIST_JOB", uncertain=True),
        _t("customer", r.Customer, "LIST_CUSTJOB", "customer"),
        _t("customersubsidiaryrelationship", r.CustomerSubsidiary, "LIST_CUSTJOB", uncertain=True),
        _t("vendor", r.Vendor, "LIST_VENDOR", "vendor"),
        _t("vendorcurrencybalance", r.VendorCurrency, "LIST_VENDOR", uncertain=True),
        _t("expensecategory", r.ExpenseCategory, "LIST_CATEGORY", "expenseCategory", uncertain=True),
        _t("account", r.Account, "LIST_ACCOUNT", "account"),
        _t("oauthtoken", r.AccessToken, "ADMI_MANAGE_OAUTH_TOKENS"),
        _t("taxgroup", r.TaxGroup, "LIST_TAXITEM", uncertain=True),
        _t("accountingperiod", r.AccountingPeriod, "ADMI_ACCTPERIODS", uncertain=True,
           note="Managed Accounting Periods"),
        _t("transaction", r.Transaction, "TRAN_FIND", optional=True,
           note="read only for the report ids of pending reports, in batches"),
    )
}


def spec(name: str) -> TableSpec:
    return TABLES[name]
