"""Is a record usable from a subsidiary? Shared by the classification, category, account and
customer checks.

NetSuite makes a class, department, location, account or expense category available to the
subsidiaries on its subsidiary list; with "include children" ticked, to every subsidiary below
those in the subsidiary tree as well.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from netsuite_audit.netsuite.records import Subsidiary


class SubsidiaryTree:
    def __init__(self, subsidiaries: Iterable[Subsidiary]) -> None:
        self.by_id: dict[int, Subsidiary] = {s.id: s for s in subsidiaries}
        self._chains: dict[int, tuple[int, ...]] = {}  # sub id -> its ancestors (asked once per row)

    def knows(self, sub_id: int) -> bool:
        return sub_id in self.by_id

    def ancestors(self, sub_id: int) -> list[int]:
        """Parent, grandparent, ... of ``sub_id`` (cycle-safe)."""
        return list(self._ancestors(sub_id))

    def _ancestors(self, sub_id: int) -> tuple[int, ...]:
        chain = self._chains.get(sub_id)
        if chain is None:
            found: list[int] = []
            current = self.by_id.get(sub_id)
            while current is not None and current.parent is not None and current.parent not in found:
                found.append(current.parent)
                current = self.by_id.get(current.parent)
            chain = self._chains[sub_id] = tuple(found)
        return chain

    def descendants(self, sub_id: int) -> set[int]:
        return {s for s in self.by_id if sub_id in self._ancestors(s)}

    def covers(self, subsidiaries: Iterable[int], include_children: bool, target: int) -> bool:
        """True when a record on ``subsidiaries`` is available to ``target``."""
        listed = _listed(subsidiaries)
        if target in listed:
            return True
        return include_children and any(map(listed.__contains__, self._ancestors(target)))

    def available(self, subsidiaries: Iterable[int], include_children: bool | None, target: int,
                  ) -> bool | None:
        """Like :meth:`covers`, but ``None`` when the answer depends on something not known.

        ``include_children`` is ``None`` when the flag was not read (SuiteQL has no such column for
        some record types); the answer is then unknown whenever only a parent of ``target`` is
        listed. It is unknown too when the target is not in the tree, so its parents are unknown.
        """
        listed = _listed(subsidiaries)
        if target in listed:
            return True
        if include_children is False:
            return False
        if not self.knows(target):
            return None
        if not any(map(listed.__contains__, self._ancestors(target))):
            return False
        return True if include_children else None

    def name(self, sub_id: int | None) -> str:
        if sub_id is None:
            return "(none)"
        sub = self.by_id.get(sub_id)
        return (sub.name or sub.fullname or f"#{sub_id}") if sub else f"#{sub_id}"

    def names(self, sub_ids: Iterable[int]) -> str:
        """``'Parent Co (1), Canada (2)'``; ``'none'`` for an empty list."""
        parts = [f"{self.name(s)} ({s})" for s in sub_ids]
        return ", ".join(parts) if parts else "none"

    def resolve(self, ref: int | str | None) -> int | None:
        """A subsidiary id from an internal id or an exact name / full name."""
        if ref is None:
            return None
        if isinstance(ref, int) or (ref.strip().isascii() and ref.strip().isdigit()):
            return int(ref)
        wanted = ref.strip()
        for sub in self.by_id.values():
            if wanted in (sub.name, sub.fullname):
                return sub.id
        return None


def _listed(subsidiaries: Iterable[int]) -> Collection[int]:
    """The subsidiary list as given when it can be searched (a record's is a short tuple), else a copy."""
    return subsidiaries if isinstance(subsidiaries, (tuple, list, set, frozenset)) else tuple(subsidiaries)


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


@dataclass(frozen=True)
class Usability:
    """Why a hierarchical, subsidiary-restricted record can or cannot be used from a subsidiary."""

    inactive: bool = False
    inactive_parent: Any | None = None  # the nearest inactive parent row
    available: bool | None = True  # to the target subsidiary; None when unknown or not asked

    @property
    def ok(self) -> bool:
        return not self.inactive and self.inactive_parent is None and self.available is not False


def usability(row: Any, by_id: Mapping[int, Any], tree: SubsidiaryTree, target: int | None,
              *, include_children_known: bool = True) -> Usability:
    """Active, no inactive parent, and available to ``target`` (skipped when ``target`` is None or
    the record lists no subsidiary: SuiteQL leaves a null column out)."""
    return Usability(
        inactive=bool(getattr(row, "isinactive", False)),
        inactive_parent=inactive_ancestor(row, by_id),
        available=available_from(row, tree, target, include_children_known=include_children_known),
    )


def available_from(row: Any, tree: SubsidiaryTree, target: int | None, *,
                   include_children_known: bool = True) -> bool | None:
    """``usability(...).available`` alone: whether a record is available to ``target`` (True when
    ``target`` is None or the record lists no subsidiary)."""
    subs: tuple[int, ...] = tuple(getattr(row, "subsidiary", ()) or ())
    if target is None or not subs:
        return True
    flag = bool(getattr(row, "includechildren", False))
    return tree.available(subs, flag if (flag or include_children_known) else None, target)
