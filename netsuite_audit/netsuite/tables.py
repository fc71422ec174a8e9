"""Every NetSuite table nsaudit reads: its SuiteQL name, row model, the permission it needs, and
whether a SOAP search can read the same rows.

This is the single list the collector, the simulator and the checks' metadata share. Every table,
column and permission here is listed in ``names.toml`` with where it was confirmed; the names no
public list confirms are ``uncertain`` there, and said so in ``nsaudit checks`` and docs/fidelity.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsuite_audit.netsuite import records as r


@dataclass(frozen=True)
class TableSpec:
    name: str  # SuiteQL table name (lower case)
    model: type[r.Row]
    permission: str  # permkey that lets a role read the table
    soap_record: str | None = None  # SOAP SearchRecordType that returns the same rows, if any
    optional: bool = False  # only read when a check asks for it (e.g. pending reports given)
    note: str = ""

    @property
    def uncertain(self) -> bool:
        """The table name or one of its columns is UNCERTAIN in names.toml."""
        from netsuite_audit.netsuite import names
        return names.uncertain_table(self.name) or bool(names.uncertain_columns(self.name))

    @property
    def uncertain_columns(self) -> tuple[str, ...]:
        from netsuite_audit.netsuite import names
        return names.uncertain_columns(self.name)

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
        _t("rolepermissions", r.RolePermission, "ADMI_MANAGEROLES"),
        _t("employee", r.Employee, "LIST_EMPLOYEE_RECORD", "employee"),
        _t("classification", r.Classification, "LIST_CLASS", "classification"),
        _t("department", r.Department, "LIST_DEPARTMENT", "department"),
        _t("location", r.Location, "LIST_LOCATION", "location"),
        _t("job", r.Project, "LIST_JOB", "job"),
        _t("jobstatus", r.ProjectStatus, "ADMI_ACCOUNTINGLIST", note="Setup > Accounting Lists"),
        _t("jobresources", r.ProjectResource, "LIST_JOB"),
        _t("customer", r.Customer, "LIST_CUSTJOB", "customer"),
        _t("customersubsidiaryrelationship", r.CustomerSubsidiary, "LIST_CUSTJOB"),
        _t("vendor", r.Vendor, "LIST_VENDOR", "vendor"),
        _t("vendorcurrencybalance", r.VendorCurrency, "LIST_VENDOR"),
        _t("expensecategory", r.ExpenseCategory, "LIST_CATEGORY", "expenseCategory"),
        _t("account", r.Account, "LIST_ACCOUNT", "account"),
        _t("oauthtoken", r.AccessToken, "ADMI_MANAGE_OAUTH_TOKENS"),
        _t("taxitemtaxgroup", r.TaxGroup, "LIST_TAXITEM", note="legacy tax codes and groups (not SuiteTax)"),
        _t("accountingperiod", r.AccountingPeriod, "ADMI_ACCTPERIODS", note="Managed Accounting Periods"),
        _t("transaction", r.Transaction, "TRAN_FIND", optional=True,
           note="read only for the report ids of pending reports, in batches"),
    )
}


def spec(name: str) -> TableSpec:
    return TABLES[name]
