"""NetSuite role permissions: levels, keys, display names and where they sit in the role form.

Keys and display names were checked against Oracle's "Permission Names and IDs" list (the copy in
the SuiteCloud SDK's roles-and-permissions skill). Two notes on that list:

* it names ``ADMI_LOGIN_OAUTH`` "Log In using OAuth 2.0 Access Tokens", the same as
  ``ADMI_LOGIN_OAUTH2``; Oracle's help pages call ``ADMI_LOGIN_OAUTH`` "Log in using Access Tokens"
  (token-based authentication), which is the name used here;
* keys marked ``verified=False`` are not in that list under the name NetSuite shows on the role
  form, so the key is our best reading and may be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """``rolepermissions.permlevel``: 0 None, 1 View, 2 Create, 3 Edit, 4 Full."""

    NONE = 0
    VIEW = 1
    CREATE = 2
    EDIT = 3
    FULL = 4

    @property
    def label(self) -> str:
        return self.name.title()

    @classmethod
    def parse(cls, text: str | int) -> Level:
        if isinstance(text, int):
            return cls(max(0, min(4, text)))
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class Permission:
    key: str  # permkey, e.g. LIST_CLASS
    name: str  # display name on the role form
    tab: str  # Transactions, Reports, Lists, Setup, Custom Record
    binary: bool = False  # only None or Full can be granted (so any access means Full)
    verified: bool = True  # key/name pair found in Oracle's permission list


def _p(key: str, name: str, tab: str, *, binary: bool = False, verified: bool = True) -> Permission:
    return Permission(key, name, tab, binary=binary, verified=verified)


PERMISSIONS: dict[str, Permission] = {
    p.key: p
    for p in (
        # Lists tab
        _p("LIST_ACCOUNT", "Accounts", "Lists"),
        _p("LIST_CLASS", "Classes", "Lists"),
        _p("LIST_CURRENCY", "Currency", "Lists"),
        _p("LIST_CUSTRECORDENTRY", "Custom Record Entries", "Lists"),
        _p("LIST_CUSTJOB", "Customers", "Lists"),
        _p("LIST_DEPARTMENT", "Departments", "Lists"),
        _p("LIST_FILECABINET", "Documents and Files", "Lists"),
        _p("LIST_EMPLOYEE", "Employees", "Lists"),
        _p("LIST_EMPLOYEE_RECORD", "Employee Record", "Lists"),
        _p("LIST_CATEGORY", "Expense Categories", "Lists"),
        _p("LIST_IMPORTED_EMPLOYEE_EXPENSE", "Imported Employee Expenses", "Lists"),
        _p("LIST_ITEM", "Items", "Lists"),
        _p("LIST_LOCATION", "Locations", "Lists"),
        _p("LIST_JOB", "Projects", "Lists"),  # Oracle's list says "Jobs"; the form shows Projects
        _p("LIST_RECORDCUSTFIELD", "Record Custom Field", "Lists"),
        _p("LIST_SUBSIDIARY", "Subsidiaries", "Lists"),
        _p("LIST_TAXDETAILSTAB", "Tax Details Tab", "Lists"),
        _p("LIST_TAXITEM", "Tax Records", "Lists"),
        _p("LIST_TAXSCHEDULE", "Tax Schedules", "Lists"),
        _p("LIST_VENDOR", "Vendors", "Lists"),
        _p("LIST_FIND", "Perform Search", "Lists"),
        # Setup tab
        _p("ADMI_MANAGE_OAUTH_TOKENS", "Access Token Management", "Setup", binary=True),
        _p("ADMI_CUSTLIST", "Custom Lists", "Setup"),
        _p("ADMI_CUSTRECORD", "Custom Record Types", "Setup"),
        _p("ADMI_MANAGECUSTOMSEGMENTS", "Custom Segments", "Setup"),
        _p("ADMI_DELETEDRECORD", "Deleted Records", "Setup"),
        _p("ADMI_LOGIN_OAUTH", "Log in using Access Tokens", "Setup", binary=True),
        _p("ADMI_LOGIN_OAUTH2", "Log In using OAuth 2.0 Access Tokens", "Setup", binary=True),
        _p("ADMI_ACCTPERIODS", "Manage Accounting Periods", "Setup"),
        _p("ADMI_ACCOUNTINGLIST", "Accounting Lists", "Setup"),
        _p("ADMI_WEBSERVICES", "SOAP Web Services", "Setup", binary=True),
        _p("ADMI_RESTWEBSERVICES", "REST Web Services", "Setup", binary=True),
        _p("ADMI_SUITESIGNON", "SuiteSignOn", "Setup"),
        _p("ADMI_MANAGE_OWN_OAUTH_TOKENS", "User Access Tokens", "Setup", binary=True),
        _p("ADMI_MANAGEROLES", "Bulk Manage Roles", "Setup"),
        _p("ADMI_AUDITLOGIN", "View Login Audit Trail", "Setup"),
        _p("ADMI_ACCTSETUP", "Accounting Preferences", "Setup", binary=True),
        # Reports tab
        _p("REPO_ANALYTICS", "SuiteAnalytics Workbook", "Reports"),
        # Transactions tab
        _p("TRAN_FIND", "Find Transaction", "Transactions"),
        _p("TRAN_VENDPYMT", "Pay Bills", "Transactions"),
        _p("TRAN_CUSTINVC", "Invoice", "Transactions"),
        # Oracle lists TRAN_VENDPYMTAPPRV as "Vendor Payment Approval"; the role form and the
        # Expensify pages say "Approve Vendor Payments".
        _p("TRAN_VENDPYMTAPPRV", "Approve Vendor Payments", "Transactions", verified=False),
        _p("TRAN_EXPREPT", "Expense Report", "Transactions"),
        _p("TRAN_VENDBILL", "Bills", "Transactions"),
    )
}

ROLE_PATH = "Setup > Users/Roles > Manage Roles > {role} > Edit > Permissions > {tab}"


def describe_permission(key: str, level: Level | None = None) -> str:
    """``'Lists > Classes (LIST_CLASS) at View'``; unknown keys are shown as they are."""
    perm = PERMISSIONS.get(key)
    text = f"{perm.tab} > {perm.name} ({key})" if perm else key
    return f"{text} at {level.label}" if level is not None else text


def role_path(role: str, key: str) -> str:
    perm = PERMISSIONS.get(key)
    return ROLE_PATH.format(role=role, tab=perm.tab if perm else "(the tab holding " + key + ")")
