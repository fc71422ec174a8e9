"""Fix steps worded once: the Sync Now step and the NetSuite menu paths that recur across checks.

A check's fix names what to change in NetSuite, then how the workspace picks the change up. The
second half is the same few sentences for most checks; they live here so that a change of wording
(or of Expensify's menus) is made in one place. A check uses a sentence as one fix step
(``fix=(..., remedies.SYNC_AND_EXPORT)``) and a menu path inside its own sentence
(``f"In NetSuite open {remedies.VENDORS}, edit ..."``).

The sentences differ on purpose only in what they ask for after the sync; sentences that mention
Sync Now in the middle of a check's own instruction stay in that check.
"""

from __future__ import annotations

# ---- Sync Now: one constant per wording ------------------------------------------------------------

# After fixing the login: the connection is synced from the three-dot menu on the Accounting page.
SYNC_NOW = (
    "Then in the workspace open Accounting, use the three-dot menu beside the NetSuite connection, "
    "choose Sync Now, and retry."
)
# After fixing a record a pending report uses.
SYNC_STEP = "Then, in the workspace's accounting settings, choose Sync Now and export the report again."
# After a change that the next sync picks up, with no report waiting on it (a preference, the role's
# subsidiaries, the workspace's output currency).
SYNC_IN_WORKSPACE = "Then choose Sync Now in the workspace."
# After fixing what an export needs (a currency, a tax group, a posting-period preference, a
# transaction already in NetSuite), when the export to repeat may be any of several reports.
SYNC_AND_EXPORT = "Then choose Sync Now in the workspace and export again."
# After fixing what one pending report needs (a customer's or project's subsidiaries or resources, a
# transaction form).
SYNC_AND_EXPORT_REPORT = "Then choose Sync Now in the workspace and export the report again."
# After reactivating a project: says where in the workspace Sync Now is.
SYNC_FROM_ACCOUNTING = "Then in the workspace open Accounting, choose Sync Now, and export the report again."
# After correcting the account id in the workspace's connection, which needs a reconnect first.
SYNC_AFTER_RECONNECT = "Then reconnect and choose Sync Now."
# After a change made on the workspace page the previous step names (the coding settings).
SYNC_THEN = "Then choose Sync Now."

# ---- NetSuite menu paths named by more than one check --------------------------------------------------

# Setup > Users/Roles
MANAGE_ROLES = "Setup > Users/Roles > Manage Roles"
ACCESS_TOKENS = "Setup > Users/Roles > Access Tokens"
# Setup > Integration
MANAGE_INTEGRATIONS = "Setup > Integration > Manage Integrations"
M2M_SETUP = "Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup"
# Setup > Company
ENABLE_FEATURES = "Setup > Company > Enable Features"
COMPANY_INFORMATION = "Setup > Company > Company Information"
SUBSIDIARIES = "Setup > Company > Subsidiaries"
# Setup > Accounting
ACCOUNTING_PREFERENCES = "Setup > Accounting > Accounting Preferences"
GENERAL_PREFERENCES = f"{ACCOUNTING_PREFERENCES} > General"
TIME_EXPENSE_PREFERENCES = f"{ACCOUNTING_PREFERENCES} > Time & Expenses"
EXPENSE_CATEGORIES = "Setup > Accounting > Expense Categories"
TAX_GROUPS = "Setup > Accounting > Tax Groups"
# Lists
EMPLOYEES = "Lists > Employees > Employees"
VENDORS = "Lists > Relationships > Vendors"
PROJECTS = "Lists > Relationships > Projects"
ACCOUNTS = "Lists > Accounting > Accounts"

# ---- the Expensify OAuth 2.0/REST connection (Expensify's Connect to NetSuite guide) ------------------

_BUNDLE_ID = "283395"
SUITEBUNDLER_LIST = "Customization > SuiteBundler > Search & Install Bundles > List"
# The bundle's latest version grants the role what the OAuth 2.0/REST connection needs.
UPDATE_BUNDLE = (
    f"In NetSuite open {SUITEBUNDLER_LIST} and update the Expensify Connect bundle (bundle {_BUNDLE_ID}) to its "
    "latest version: it grants the permissions Expensify needs to log in using OAuth 2.0 access tokens and to "
    "use REST web services."
)
ENABLE_OAUTH2 = (f"In NetSuite open {ENABLE_FEATURES} > SuiteCloud and, under Manage Authentication, tick OAuth "
                 "2.0; save.")
ENABLE_REST = (f"In NetSuite open {ENABLE_FEATURES} > SuiteCloud and, under SuiteTalk (Web Services), tick REST Web "
               "Services; save.")
# Re-approving access: the consent screen is reached from the workspace, not from NetSuite.
REAPPROVE_CONSENT = (
    "Then in the workspace open Accounting and connect NetSuite again (Connect next to NetSuite, or the "
    "three-dot menu beside the connection), enter the account id and approve access for Expensify on "
    "NetSuite's consent screen, signed in as the connection user with the integration role."
)
