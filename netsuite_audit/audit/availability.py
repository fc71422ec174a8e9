"""Is a record usable from a subsidiary? Shared by the classification, category, account and
customer checks.

NetSuite makes a class, department, location, account or expense category available to the
subsidiaries on its subsidiary list; with "include children" ticked, to every subsidiary below
those in the subsidiary tree as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from netsuite_audit.records import Subsidiary


class SubsidiaryTree:
    def __init__(self, subsidiaries: Iterable[Subsidiary]) -> None:
        self.by_id: dict[int, Subsidiary] = {s.id: s for s in subsidiaries}

    def ancestors(self, sub_id: int) -> list[int]:
        """Parent, grandparent, ... of ``sub_id`` (cycle-safe)."""
        chain: list[int] = []
        current = self.by_id.get(sub_id)
        while current is not None and current.parent is not None and current.parent not in chain:
            chain.append(current.parent)
            current = self.by_id.get(current.parent)
        return chain

    def descendants(self, sub_id: int) -> set[int]:
        return {s for s in self.by_id if sub_id in self.ancestors(s)}

    def covers(self, subsidiaries: Iterable[int], include_children: bool, target: int) -> bool:
        """True when a record on ``subsidiaries`` is available to ``target``."""
        listed = set(subsidiaries)
        if target in listed:
            return True
        return include_children and any(a in listed for a in self.ancestors(target))

    def name(self, sub_id: int | None) -> str:
        if sub_id is None:
            return "(none)"
        sub = self.by_id.get(sub_id)
        return (sub.name or sub.fullname or f"#{sub_id}") if sub else f"#{sub_id}"


def inactive_ancestor(row: Any, by_id: Mapping[int, Any]) -> Any | None:
    """The nearest inactive parent of a hierarchical record (class, department, location, project)."""
    seen: set[int] = set()
    parent_id = getattr(row, "parent", None)
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = by_id.get(parent_id)
        if parent is None:
            return None
        if getattr(parent, "isinactive", False):
            return parent
        parent_id = getattr(parent, "parent", None)
    return None
