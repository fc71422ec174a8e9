"""Fix steps worded once: the Sync Now step and the NetSuite menu paths that recur across checks.

A check's fix names what to change in NetSuite, then how the workspace picks the change up. The
second half is the same few sentences for most checks; they live here so that a change of wording
(or of Expensify's menus) is made in one place.
"""

from __future__ import annotations

# After fixing the login: the connection is synced from the three-dot menu on the Accounting page.
SYNC_NOW = (
    "Then in the workspace open Accounting, use the three-dot menu beside the NetSuite connection, "
    "choose Sync Now, and retry."
)
# After fixing a record a pending report uses.
SYNC_STEP = "Then, in the workspace's accounting settings, choose Sync Now and export the report again."
