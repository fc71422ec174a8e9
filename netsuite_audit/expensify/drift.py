"""Drift on the Expensify side between two snapshots: members and their approval routing, tags,
categories, tax rates. Returned as (change, table, id, name, before, after) tuples for diff.py."""

from __future__ import annotations

from collections.abc import Iterator

from netsuite_audit.expensify.models import ExpensifyRead

Row = tuple[str, str, str, str | None, str | None, str | None]


def expensify_drift(old: ExpensifyRead | None, new: ExpensifyRead | None) -> Iterator[Row]:
    if old is None and new is None:
        return
    if old is None or new is None:
        yield ("read-changed", "expensify", "policy", None, "read" if old else "not read",
               "read" if new else "not read")
        return
    if old.policy_id != new.policy_id:
        yield ("policy-changed", "expensify", "policy", None, old.policy_id, new.policy_id)
    yield from _members(old, new)
    yield from _named("expensify:tags", _tags(old), _tags(new))
    yield from _named("expensify:categories", {c.name: c.enabled for c in old.policy.categories or ()},
                      {c.name: c.enabled for c in new.policy.categories or ()})
    old_tax = {r.name: str(r.rate) for r in (old.policy.tax.rates if old.policy.tax else ())}
    new_tax = {r.name: str(r.rate) for r in (new.policy.tax.rates if new.policy.tax else ())}
    for name in sorted(old_tax.keys() | new_tax.keys()):
        if old_tax.get(name) != new_tax.get(name):
            yield ("rate-changed" if name in old_tax and name in new_tax else "added" if name in new_tax else "removed",
                   "expensify:tax", name, name, old_tax.get(name), new_tax.get(name))


def _tags(read: ExpensifyRead) -> dict[str, bool]:
    return {f"{level.name}:{t.name}": t.enabled for level in read.policy.tag_levels or () for t in level.tags}


def _named(table: str, old: dict[str, bool], new: dict[str, bool]) -> Iterator[Row]:
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            yield ("added", table, name, name, None, "enabled" if new[name] else "disabled")
        elif name not in new:
            yield ("removed", table, name, name, "enabled" if old[name] else "disabled", None)
        elif old[name] != new[name]:
            yield ("reactivated" if new[name] else "deactivated", table, name, name,
                   "enabled" if old[name] else "disabled", "enabled" if new[name] else "disabled")


def _members(old: ExpensifyRead, new: ExpensifyRead) -> Iterator[Row]:
    before = {m.email: m for m in old.policy.members or ()}
    after = {m.email: m for m in new.policy.members or ()}
    for email in sorted(before.keys() | after.keys()):
        was, now = before.get(email), after.get(email)
        if was is None:
            yield ("added", "expensify:members", email, email, None, now.role if now else None)
        elif now is None:
            yield ("removed", "expensify:members", email, email, was.role, None)
        else:
            for label, a, b in (("role", was.role, now.role), ("submitsTo", was.submits_to, now.submits_to),
                                ("approvesTo", was.approves_to, now.approves_to)):
                if a != b:
                    yield (f"{label}-changed", "expensify:members", email, email, a, b)
