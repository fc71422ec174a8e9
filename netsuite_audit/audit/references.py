"""Every record the workspace description names, resolved against the snapshot before checks run.

A reference that matches nothing, or a name that matches two records, is reported by the
``workspace-references`` check as a finding of its own, with the closest names as a hint. The
workspace subsidiary is the one reference most checks build on: when it does not resolve,
:func:`netsuite_audit.audit.lookups.workspace_subsidiary` raises :class:`UnresolvedReference` and the
engine reports each check that needed it UNVERIFIABLE, naming the reference, instead of letting it
go quiet (matching employees in "any subsidiary") or cascade into findings about the wrong records.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from itertools import chain, compress, repeat
from operator import contains
from typing import Any, Literal, NamedTuple

from netsuite_audit.inputs.workspace import Ref, Workspace
from netsuite_audit.snapshot import NAME_COLUMNS, AccountSnapshot
from netsuite_audit.support.errors import NsauditError

State = Literal["ok", "unresolved", "ambiguous", "unread"]
ACCOUNTANT_VENDOR = (-3, "-accountant-")  # NetSuite's built-in vendor: the default-vendor check judges it


class Reference(NamedTuple):  # a tuple: a large workspace holds thousands of references, each made fast
    path: str  # where the workspace names it: "subsidiary", "tags.classes", "export.default_vendor"
    table: str
    ref: Ref
    state: State
    matches: tuple[int, ...] = ()  # internal ids of the matching records
    hints: tuple[str, ...] = ()  # closest names, when it matches nothing

    @property
    def label(self) -> str:
        return f"{self.path} = {self.ref!r}"


class UnresolvedReference(NsauditError):
    """A check needed a workspace reference that matches no record, or more than one."""

    def __init__(self, reference: Reference) -> None:
        super().__init__(f"workspace {reference.label} is {reference.state}")
        self.reference = reference


class AmbiguousName(NsauditError):
    """A check looked a record up by a name (in the workspace or on a report line) that two or more
    records of the table carry: which one the integration would use is unknown, so nothing is judged."""

    def __init__(self, table: str, name: str, ids: tuple[int, ...]) -> None:
        super().__init__(f"the name {name!r} matches {len(ids)} {table} records")
        self.table = table
        self.name = name
        self.ids = ids


# (workspace path, table, the values) for every reference the workspace can hold.
_FIELDS: tuple[tuple[str, str, Callable[[Workspace], tuple[Ref, ...]]], ...] = (
    ("subsidiary", "subsidiary", lambda w: (w.subsidiary,) if w.subsidiary is not None else ()),
    ("tags.classes", "classification", lambda w: w.tags.classes),
    ("tags.departments", "department", lambda w: w.tags.departments),
    ("tags.locations", "location", lambda w: w.tags.locations),
    ("tags.projects", "job", lambda w: w.tags.projects),
    ("tags.customers", "customer", lambda w: w.tags.customers),
    ("tags.categories", "expensecategory", lambda w: w.tags.categories),
    ("export.default_vendor", "vendor", lambda w: _one(w.export.default_vendor)),
    ("export.card_vendor", "vendor", lambda w: _one(w.export.card_vendor)),
    ("export.payable_account", "account", lambda w: _one(w.export.payable_account)),
    ("export.card_account", "account", lambda w: _one(w.export.card_account)),
    ("export.reimbursed_ap_account", "account", lambda w: _one(w.export.reimbursed_ap_account)),
    ("connection.user", "employee", lambda w: _one(w.connection.user)),
)


def _one(ref: Ref | None) -> tuple[Ref, ...]:
    return (ref,) if ref is not None else ()


def _is_id(ref: Ref) -> bool:
    return isinstance(ref, int) or ref.strip().lstrip("-").isdigit()


_JUDGED_PATHS = ("export.card_vendor", "export.default_vendor")


def _judged_elsewhere(path: str, ref: Ref) -> bool:
    """Values another check judges for what they are (not records to look up)."""
    text = str(ref).strip().lower()
    if path == "export.card_vendor" and text == "default":
        return True  # card-vendor: NetSuite refuses 'Default'
    return path == "export.default_vendor" and (text in (str(ACCOUNTANT_VENDOR[0]), ACCOUNTANT_VENDOR[1]))


_NAME_ATTRS: dict[type, tuple[tuple[str, ...], bool]] = {}


def _name_attrs(cls: type) -> tuple[tuple[str, ...], bool]:
    """The name columns a row type has, and whether it has a first or last name. Asking a pydantic
    row for a column it does not have costs an exception each time; a table of 20,000 employees
    is searched by name this way."""
    found = _NAME_ATTRS.get(cls)
    if found is None:
        fields = getattr(cls, "model_fields", None)

        def has(attr: str) -> bool:
            return fields is None or attr in fields or hasattr(cls, attr)

        found = _NAME_ATTRS[cls] = (tuple(a for a in (*NAME_COLUMNS, "email") if has(a)),
                                    has("firstname") or has("lastname"))
    return found


def _names(row: Any) -> Iterator[str]:
    attrs, person = _name_attrs(type(row))
    for attr in attrs:
        value = getattr(row, attr, None)
        if isinstance(value, str) and value:
            yield value
    if person:
        first, last = getattr(row, "firstname", None), getattr(row, "lastname", None)
        if first or last:
            yield " ".join(p for p in (first, last) if p)


def _resolve(snapshot: AccountSnapshot, path: str, table: str, ref: Ref) -> Reference:
    if not snapshot.readable(table):
        return Reference(path, table, ref, "unread")
    rows = snapshot.tables.get(table) or ()
    if _is_id(ref):
        found = snapshot.tables.by_id(table).get(int(ref))
        if found is not None:
            return Reference(path, table, ref, "ok", (int(found.id),))
        near = tuple(f"{next(_names(row), '#' + str(row.id))} (id {row.id})" for row in rows[:5]) \
            if len(rows) <= 5 else ()
        return Reference(path, table, ref, "unresolved", hints=near)
    if snapshot.unknown_columns(table) & {*NAME_COLUMNS, "email", "firstname", "lastname"}:
        return Reference(path, table, ref, "unread")  # a name column was not returned: names are unknown
    wanted = str(ref).strip()
    exact = path == "connection.user" and "@" in wanted  # an email is matched as the integration does
    fold = path == "connection.user" and not exact
    key = (lambda s: s.strip().casefold()) if fold else (lambda s: s.strip())
    matches = _named(rows, key, key(wanted), fold)
    if len(matches) == 1:
        return Reference(path, table, ref, "ok", matches)
    if matches:
        return Reference(path, table, ref, "ambiguous", matches)
    return Reference(path, table, ref, "unresolved", hints=closest_names(snapshot, table, ref))


def _named(rows: tuple[Any, ...], key: Callable[[str], str], target: str, fold: bool = False) -> tuple[int, ...]:
    """Internal ids, in table order and once each, of the rows with a name (``_names``) whose ``key``
    is ``target`` (``key`` strips, and casefolds when ``fold``). The integration user is looked up
    among every employee: the rows are first narrowed in C (``_candidates``), then tested one by one."""
    found: dict[int, None] = {}
    for row in map(rows.__getitem__, _candidates(rows, target, fold)):
        attrs, person = _name_attrs(type(row))
        for attr in attrs:
            value = getattr(row, attr, None)
            if isinstance(value, str) and value and key(value) == target:
                found[int(row.id)] = None
                break
        else:
            if person:
                first, last = getattr(row, "firstname", None), getattr(row, "lastname", None)
                if (first or last) and key(" ".join(p for p in (first, last) if p)) == target:
                    found[int(row.id)] = None
    return tuple(found)


def _candidates(rows: tuple[Any, ...], target: str, fold: bool) -> list[int]:
    """Positions, ascending, of the rows a name of which contains ``target`` (casefolded when ``fold``):
    a name whose stripped (and casefolded, character by character) text is ``target`` contains it.
    "first last" is tested as ``f"{first} {last}"``, which contains the name ``_names`` makes of them.
    A missing value reads "None" here: at worst a row too many, which ``_named`` then tests."""
    attrs: set[str] = set()
    person = False
    for cls in set(map(type, rows)):
        names, has_person = _name_attrs(cls)
        attrs.update(names)
        person = person or has_person
    columns: list[Iterator[str]] = [map(str, map(getattr, rows, repeat(attr), repeat(None))) for attr in sorted(attrs)]
    if person:
        columns.append(map("{} {}".format, map(getattr, rows, repeat("firstname"), repeat(None)),
                           map(getattr, rows, repeat("lastname"), repeat(None))))
    hits: set[int] = set()
    for column in columns:
        hits.update(compress(range(len(rows)), map(contains, map(str.casefold, column) if fold else column,
                                                   repeat(target))))
    return sorted(hits)


def closest_names(snapshot: AccountSnapshot, table: str, ref: Ref) -> tuple[str, ...]:
    """Up to three record names of ``table`` closest to a name ``ref`` (none for an internal id)."""
    if _is_id(ref) or not snapshot.readable(table):
        return ()
    names = sorted({n for row in snapshot.tables.get(table) or () for n in _names(row)})
    return tuple(difflib.get_close_matches(str(ref).strip(), names, n=3))


def hint(snapshot: AccountSnapshot, table: str, ref: Ref) -> str:
    """`` Closest in NetSuite: A, B.`` for a name that matches nothing (empty when there is none)."""
    near = closest_names(snapshot, table, ref)
    return f" Closest in NetSuite: {', '.join(near)}." if near else ""


def _resolve_field(snapshot: AccountSnapshot, path: str, table: str, refs: tuple[Ref, ...],
                   found_too: bool = True) -> list[Reference]:
    """``_resolve`` for each of a workspace field's values; an internal id found in a read table (a
    large workspace lists thousands of tags by id) is looked up here, the rest by ``_resolve``. Without
    ``found_too`` the references resolved "ok" are left out (none is made for an id found here)."""
    by_id = snapshot.tables.by_id(table) if refs and snapshot.readable(table) else {}
    judged = path in _JUDGED_PATHS
    found = []
    for ref in refs:
        if judged and _judged_elsewhere(path, ref):
            continue
        row = by_id.get(ref) if type(ref) is int else None
        if row is not None:
            if found_too:
                found.append(Reference(path, table, ref, "ok", (int(row.id),)))
            continue
        reference = _resolve(snapshot, path, table, ref)
        if found_too or reference.state != "ok":
            found.append(reference)
    return found


def resolve_all(workspace: Workspace, snapshot: AccountSnapshot) -> tuple[Reference, ...]:
    """Every reference in the workspace, resolved."""
    return _all(workspace, snapshot, found_too=True)


def problems(workspace: Workspace, snapshot: AccountSnapshot) -> tuple[Reference, ...]:
    """The references of ``resolve_all`` not resolved "ok", in its order (without a Reference for each
    of the thousands of tags found by internal id)."""
    return _all(workspace, snapshot, found_too=False)


def _all(workspace: Workspace, snapshot: AccountSnapshot, found_too: bool) -> tuple[Reference, ...]:
    return tuple(chain.from_iterable(_resolve_field(snapshot, path, table, values(workspace), found_too)
                                     for path, table, values in _FIELDS))


def subsidiary(workspace: Workspace, snapshot: AccountSnapshot) -> Reference | None:
    """The workspace subsidiary, resolved (``None`` when the workspace names none); the one reference
    most checks build on, resolved without the thousands of tags ``resolve_all`` goes through. Checks
    ask for it through ``lookups.subsidiary_reference``, which resolves it once for the run."""
    path, table, values = next(field for field in _FIELDS if field[0] == "subsidiary")
    return next(iter(_resolve_field(snapshot, path, table, values(workspace))), None)
