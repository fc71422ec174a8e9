"""NetSuite role permissions: levels, keys, display names and where they sit in the role form."""

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
            return cls(text)
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class Permission:
    key: str  # permkey, e.g. LIST_CLASS
    name: str  # display name on the role form
    tab: str  # Transactions, Reports, Lists, Setup, Custom Record


PERMISSIONS: dict[str, Permission] = {
    p.key: p
    for p in (
        Permission("LIST_ACCOUNT", "Accounts", "Lists"),
        Permission("LIST_CLASS", "Classes", "Lists"),
        Permission("LIST_CURRENCY", "Currency", "Lists"),
        Permission("LIST_CUSTJOB", "Customers", "Lists"),
        Permission("LIST_DEPARTMENT", "Departments", "Lists"),
        Permission("LIST_EMPLOYEE", "Employees", "Lists"),
        Permission("LIST_EMPLOYEE_RECORD", "Employee Record", "Lists"),
        Permission("LIST_CATEGORY", "Expense Categories", "Lists"),
        Permission("LIST_ITEM", "Items", "Lists"),
        Permission("LIST_LOCATION", "Locations", "Lists"),
        Permission("LIST_JOB", "Projects", "Lists"),
        Permission("LIST_SUBSIDIARY", "Subsidiaries", "Lists"),
        Permission("LIST_VENDOR", "Vendors", "Lists"),
        Permission("LIST_TAXITEM", "Tax Records", "Lists"),
        Permission("LIST_FIND", "Perform Search", "Lists"),
        Permission("ADMI_MANAGE_OAUTH_TOKENS", "Access Token Management", "Setup"),
        Permission("ADMI_LOGIN_OAUTH", "Log in using Access Tokens", "Setup"),
        Permission("ADMI_MANAGE_OWN_OAUTH_TOKENS", "User Access Tokens", "Setup"),
        Permission("ADMI_WEBSERVICES", "SOAP Web Services", "Setup"),
        Permission("ADMI_RESTWEBSERVICES", "REST Web Services", "Setup"),
        Permission("ADMI_MANAGEROLES", "Bulk Manage Roles", "Setup"),
        Permission("ADMI_PERIODS", "Manage Accounting Periods", "Setup"),
        Permission("REPO_ANALYTICS", "SuiteAnalytics Workbook", "Reports"),
        Permission("TRAN_FIND", "Find Transaction", "Transactions"),
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
