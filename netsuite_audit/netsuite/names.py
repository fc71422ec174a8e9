"""Every NetSuite name nsaudit relies on, with where it was confirmed (``names.toml``).

The data file lists SuiteQL tables and columns, the permission each table needs, permission ids,
SOAP types with the elements nsaudit uses, and the RESTlet's preference and feature ids. Each name
is ``confirmed`` (found in a list Oracle publishes, or in NetSuite's own exported data) or
``UNCERTAIN``. tests/netsuite/test_names.py holds the code to this list; docs/fidelity.md is its readable form.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).resolve().parent / "names.toml"

Status = Literal["confirmed", "UNCERTAIN"]


@dataclass(frozen=True)
class Name:
    """One name: its status, the key of its source in ``[sources]`` and an optional note."""

    name: str
    status: Status
    source: str
    note: str = ""

    @property
    def uncertain(self) -> bool:
        return self.status == "UNCERTAIN"


@dataclass(frozen=True)
class TableNames:
    table: Name
    permission: str
    permission_name: Name
    columns: dict[str, Name]


def _parse(name: str, text: str) -> Name:
    """``"UNCERTAIN: public-code; note"`` -> Name."""
    status, _, rest = text.partition(":")
    source, _, note = rest.partition(";")
    if status.strip() not in ("confirmed", "UNCERTAIN"):
        raise ValueError(f"names.toml: {name}: status must be confirmed or UNCERTAIN, not {status!r}")
    return Name(name, status.strip(), source.strip(), note.strip())  # type: ignore[arg-type]


def _entry(name: str, data: dict[str, Any]) -> Name:
    return _parse(name, f"{data['status']}: {data['source']}; {data.get('note', '')}")


@functools.cache
def raw() -> dict[str, Any]:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def tables() -> dict[str, TableNames]:
    out = {}
    for table, data in raw()["tables"].items():
        perm = Name(data["permission"], data["permission_status"], data["permission_source"])
        columns = {col: _parse(f"{table}.{col}", text) for col, text in data["columns"].items()}
        out[table] = TableNames(_entry(table, data), data["permission"], perm, columns)
    return out


@functools.cache
def permissions() -> dict[str, Name]:
    return {key: _entry(key, data) for key, data in raw()["permissions"].items()}


@functools.cache
def soap_types() -> dict[str, tuple[Name, tuple[str, ...]]]:
    """SOAP type name -> (status, the elements nsaudit uses, in Oracle's order)."""
    return {name: (_entry(name, data), tuple(data["elements"])) for name, data in raw()["soap"].items()}


@functools.cache
def restlet(kind: Literal["preferences", "features", "types"]) -> dict[str, Name]:
    return {key: _parse(key, text) for key, text in raw()["restlet"][kind].items()}


@functools.cache
def retired() -> dict[str, str]:
    """Names once used that are not NetSuite's, with what replaced them."""
    return dict(raw()["retired"])


def sources() -> dict[str, str]:
    return dict(raw()["sources"])


def uncertain_table(table: str) -> bool:
    """True when the table name itself is not confirmed (unknown tables count as uncertain)."""
    entry = tables().get(table)
    return entry is None or entry.table.uncertain


def known_feature(feature_id: str) -> bool:
    """True when ``feature_id`` is a feature id found in Oracle's list (names.toml, confirmed).

    ``runtime.isFeatureInEffect`` documents no error for an id NetSuite does not know and most likely
    answers false, so only for a known id does false mean "disabled"."""
    name = restlet("features").get(feature_id)
    return name is not None and not name.uncertain


def uncertain_columns(table: str) -> tuple[str, ...]:
    entry = tables().get(table)
    if entry is None:
        return ()
    return tuple(col for col, name in entry.columns.items() if name.uncertain)
