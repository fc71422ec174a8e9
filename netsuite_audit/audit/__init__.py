"""The audit: judging one account's snapshot against what the integration and the workspace need.

- The engine: ``model`` (CheckMeta, Finding, Status, Severity), ``registry`` (finds and validates
  check modules), ``context`` (what a check receives), ``state`` (what one account's audit builds once
  and every check shares), ``engine`` (runs the checks: unreadable -> UNVERIFIABLE, crash -> ERROR,
  silence -> PASS), ``aggregate`` (folds large groups), ``verdicts`` (per pending report),
  ``unknown`` (columns NetSuite did not return).
- The helper library the checks share (their one home; ``check_api`` re-exports it for custom
  checks): ``lookups`` (employees, vendors, submitters, subsidiaries, accounts), ``settings``
  (NetSuite preferences and features), ``availability`` (subsidiary trees), ``references`` (workspace
  names -> records), ``line_index`` (the pending report lines), ``remedies`` (fix steps worded once).
- What the integration needs: ``requirements`` (role permissions per profile), ``permission_matrix``,
  ``retirement`` (Oracle's dates), ``login_diagnosis`` (what a failed login can mean),
  ``expensify_workspace`` (the workspace as Expensify gives it).
- After the checks: ``mutes`` (accepted findings) and ``baseline`` (known findings).
"""
