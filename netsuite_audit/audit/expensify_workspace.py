"""From what Expensify returned to nsaudit's workspace and pending reports.

Tags: the NetSuite connection imports classes, departments, locations, customers and projects as
tag lists (one level each, or customers and projects together); each tag is matched by name to the
NetSuite record it came from. Level names are matched loosely ("Class"/"Classes", "Customers/
Projects"...): the exact names the connection gives its tag lists are UNCERTAIN (docs/expensify.md).
A tag that matches no record, or more than one, stays out of the workspace and is reported by the
``expensify-tags`` check. Categories are matched to expense categories the same way.

The workspace file still gives what the API cannot (export types, subsidiary, approval levels, form
layouts, NetSuite settings). When the file and Expensify both give a value, the file wins and the
run says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsuite_audit.expensify.models import ExpensifyRead, Report
from netsuite_audit.inputs.files import validate
from netsuite_audit.inputs.pending import PendingReports
from netsuite_audit.inputs.workspace import Workspace
from netsuite_audit.snapshot import NAME_COLUMNS, AccountSnapshot

# tag-list name (case-folded, spaces squeezed) -> (workspace tags key or "customers+projects", tables)
LEVELS: dict[str, tuple[str, tuple[str, ...]]] = {
    **dict.fromkeys(("class", "classes"), ("classes", ("classification",))),
    **dict.fromkeys(("department", "departments"), ("departments", ("department",))),
    **dict.fromkeys(("location", "locations"), ("locations", ("location",))),
    **dict.fromkeys(("project", "projects", "job", "jobs"), ("projects", ("job",))),
    **dict.fromkeys(("customer", "customers"), ("customers", ("customer",))),
    **dict.fromkeys(("customers/projects", "customer/project", "customers/jobs", "customer/job",
                     "projects/customers", "customers and projects"), ("customers+projects", ("customer", "job"))),
}
TABLE_KEY = {"classification": "classes", "department": "departments", "location": "locations", "job": "projects",
             "customer": "customers", "expensecategory": "categories"}
LINE_FIELD = {"classes": "class", "departments": "department", "locations": "location", "projects": "project",
              "customers": "customer"}
# The workspace keys Expensify can give (everything else only the file can).
EXPENSIFY_KEYS = ("name", "employees", "export.currency", "export.tax_enabled", "export.default_tax", "tags.classes",
                  "tags.departments", "tags.locations", "tags.projects", "tags.customers", "tags.categories")
_SPLIT = re.compile(r"(?<!\\):")


def level_kind(name: str) -> tuple[str, tuple[str, ...]] | None:
    return LEVELS.get(" ".join(name.split()).casefold())


def split_tag(text: str) -> list[str]:
    """Expensify's tag text for multi-level tags: levels joined by ':' (a ':' inside a value escaped
    as '\\:' - ASSUMED, see docs/expensify.md)."""
    return [part.replace("\\:", ":").strip() for part in _SPLIT.split(text)]


@dataclass(frozen=True)
class Match:
    level: str  # the tag list (or "Categories")
    name: str
    tables: tuple[str, ...]
    found: tuple[tuple[str, int], ...]  # (table, internal id) of each record with that name
    readable: bool  # every table it is matched against was read

    @property
    def key(self) -> str | None:
        """The workspace tags key when the match is unique."""
        return TABLE_KEY[self.found[0][0]] if len(self.found) == 1 else None


def matches_for(snapshot: AccountSnapshot, tables: tuple[str, ...], level: str, name: str) -> Match:
    wanted = name.strip()
    found = [(table, row.id) for table in tables for row in snapshot.tables.get(table) or ()
             if any(getattr(row, column, None) == wanted for column in NAME_COLUMNS)]
    return Match(level, wanted, tables, tuple(found), all(names_known(snapshot, t) for t in tables))


def names_known(snapshot: AccountSnapshot, table: str) -> bool:
    """The table was read and its rows came back with names (a name column NetSuite did not return is
    unknown: nothing can be said to match or not)."""
    rows = snapshot.tables.get(table) or ()
    return snapshot.readable(table) and (not rows or any(
        getattr(row, column, None) is not None for row in rows for column in NAME_COLUMNS))


def tag_matches(snapshot: AccountSnapshot, read: ExpensifyRead) -> tuple[list[Match], list[str]]:
    """A match per enabled tag and category, and the names of tag lists nsaudit cannot place."""
    matches: list[Match] = []
    unknown_levels: list[str] = []
    for level in read.policy.tag_levels or ():
        kind = level_kind(level.name)
        if kind is None:
            if any(t.enabled for t in level.tags):
                unknown_levels.append(level.name)
            continue
        matches.extend(matches_for(snapshot, kind[1], level.name, t.name) for t in level.tags if t.enabled)
    matches.extend(matches_for(snapshot, ("expensecategory",), "Categories", c.name)
                   for c in read.policy.categories or () if c.enabled)
    return matches, unknown_levels


@dataclass
class Built:
    workspace: Workspace
    reports: PendingReports | None
    sources: dict[str, str] = field(default_factory=dict)  # workspace key -> where its value came from
    overrides: list[str] = field(default_factory=list)  # "the file wins" notes


def set_keys(model: Any, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name in model.model_fields_set:
        value = getattr(model, name)
        if hasattr(value, "model_fields_set") and name in ("export", "connection", "tags", "netsuite", "forms"):
            keys.update(set_keys(value, f"{prefix}{name}."))
            keys.add(f"{prefix}{name}")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def expensify_values(read: ExpensifyRead, snapshot: AccountSnapshot) -> dict[str, Any]:
    """Workspace keys (dotted) Expensify gives a value for."""
    policy = read.policy
    values: dict[str, Any] = {}
    if policy.name:
        values["name"] = policy.name
    if policy.members is not None:
        values["employees"] = tuple(dict.fromkeys(m.email for m in policy.members))
    if policy.output_currency:
        values["export.currency"] = policy.output_currency
    if policy.tax is not None:
        values["export.tax_enabled"] = bool(policy.tax.rates)
        if policy.tax.default_name:
            values["export.default_tax"] = policy.tax.default_name
    if policy.tag_levels is not None or policy.categories is not None:
        matches, _ = tag_matches(snapshot, read)
        ids: dict[str, list[int | str]] = {}
        for m in matches:
            if m.key is not None:
                ids.setdefault(m.key, []).append(m.found[0][1])
            elif not m.readable:  # not verifiable here: keep the name, the checks say why
                for table in m.tables:
                    ids.setdefault(TABLE_KEY[table], []).append(m.name)
        if policy.tag_levels is not None:
            for key in ("classes", "departments", "locations", "projects", "customers"):
                values[f"tags.{key}"] = tuple(dict.fromkeys(ids.get(key, ())))
        if policy.categories is not None:
            values["tags.categories"] = tuple(dict.fromkeys(ids.get("categories", ())))
    return values


def build_workspace(read: ExpensifyRead, snapshot: AccountSnapshot, file: Workspace | None,
                    file_path: Path | None) -> Built:
    given = set_keys(file) if file is not None else set()
    data: dict[str, Any] = file.model_dump(mode="python", exclude_unset=True) if file is not None else {}
    label = read.label()
    sources: dict[str, str] = {}
    overrides: list[str] = []
    for key, value in expensify_values(read, snapshot).items():
        if key in given:
            sources[key] = f"file {file_path}"
            current = _get(data, key)
            if _norm(current) != _norm(value):
                overrides.append(f"workspace {key}: the file's value is used ({_short(current)}); "
                                 f"{label} gives {_short(value)}")
            continue
        _put(data, key, value)
        sources[key] = label
    for key in sorted(given):
        sources.setdefault(key, f"file {file_path}")
    workspace = validate(Workspace, data, f"workspace built from {label}")
    reports = build_reports(read.reports, read, snapshot) if read.reports is not None else None
    return Built(workspace, reports, dict(sorted(sources.items())), overrides)


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _norm(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def _short(value: Any) -> str:
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 80 else text[:77] + "..."


def build_reports(reports: Iterable[Report], read: ExpensifyRead, snapshot: AccountSnapshot) -> PendingReports:
    levels = [(lvl.name, level_kind(lvl.name)) for lvl in read.policy.tag_levels or ()]
    out = []
    for report in reports:
        lines = []
        for line in report.lines:
            item: dict[str, Any] = {"merchant": line.merchant, "amount": line.amount, "currency": line.currency,
                                    "billable": line.billable, "reimbursable": line.reimbursable, "date": line.date,
                                    "tax": line.tax}
            if line.category:
                item["category"] = _ref(matches_for(snapshot, ("expensecategory",), "Categories", line.category))
            for index, value in enumerate(split_tag(line.tag) if line.tag else ()):
                if not value or index >= len(levels) or levels[index][1] is None:
                    continue
                name, kind = levels[index]
                assert kind is not None
                match = matches_for(snapshot, kind[1], name, value)
                key = match.key or (kind[0] if kind[0] != "customers+projects" else "projects")
                item[LINE_FIELD[key]] = _ref(match)
            lines.append(item)
        out.append({"id": report.id, "employee": report.employee, "title": report.title,
                    "currency": report.currency, "lines": lines})
    return validate(PendingReports, {"reports": out}, f"reports read from {read.label()}")


def _ref(match: Match) -> int | str:
    """The record's internal id when the name is unique, else the name (the checks report it)."""
    return match.found[0][1] if len(match.found) == 1 else match.name
