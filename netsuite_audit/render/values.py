"""Evidence and subjects as a person reads them, shared by the text, Markdown and HTML reports.

A finding's evidence is data (dicts, lists, booleans) for the JSON result; every human format shows
it as plain values instead: ``internal_id 13 · Jordan Lee (Northwind Canada)``, never a Python or
JSON repr, and a key whose value is empty is left out rather than printed as ``similar_email=``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsuite_audit.audit.model import Finding

SEPARATOR = " · "
_ID_KEYS = ("internal_id", "id")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict, set, frozenset)) and not value)


def format_value(value: Any) -> str:
    """One evidence value in words: scalars as written, lists joined, records as id · name (subsidiary)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [format_value(v) for v in value if not is_empty(v)]
        if any(isinstance(v, Mapping) for v in value):
            return "; ".join(items)
        return ", ".join(items)
    return str(value).strip()


def _mapping(value: Mapping[Any, Any]) -> str:
    keys = set(value)
    if "name" in keys and any(k in keys for k in _ID_KEYS):  # a record: its id, its name, where it lives
        id_key = next(k for k in _ID_KEYS if k in keys)
        head = f"{id_key} {format_value(value[id_key])}{SEPARATOR}{format_value(value['name'])}"
        subsidiary = value.get("subsidiary")
        if not is_empty(subsidiary):
            head += f" ({format_value(subsidiary)})"
        rest = [f"{k} {format_value(v)}" for k, v in value.items()
                if k not in (id_key, "name", "subsidiary") and not is_empty(v)]
        return SEPARATOR.join([head, *rest])
    parts = []
    nested = False
    for key, item in value.items():
        if is_empty(item):
            continue
        structured = isinstance(item, (Mapping, list, tuple))
        nested = nested or structured
        joiner = ": " if structured or " " in str(key) or "/" in str(key) else " "
        parts.append(f"{key}{joiner}{format_value(item)}")
    return "; ".join(parts) if nested else ", ".join(parts)


def label(key: str) -> str:
    """An evidence key as a label: ``used_by`` -> ``used by`` (upper-case NetSuite ids stay as they are)."""
    head, sep, tail = key.partition("_source")
    if sep and not tail and head.isupper():
        return f"{head} source"
    return key if key.isupper() else key.replace("_", " ")


def evidence_items(finding: Finding) -> list[tuple[str, str]]:
    """(label, value) pairs of a finding's evidence, empty values left out."""
    return [(label(str(key)), format_value(value)) for key, value in finding.evidence.items()
            if not is_empty(value) and format_value(value)]


def subject_text(finding: Finding) -> str:
    """``employee 12 Priya Shah``, or ``account`` when the finding is about the account as a whole."""
    if not finding.subject:
        return "account"
    name = finding.subject.name
    if name and name != finding.subject.id:
        return f"{finding.subject.kind} {finding.subject.id} {name}"
    return f"{finding.subject.kind} {finding.subject.id}"


def evidence_line(finding: Finding) -> str:
    return SEPARATOR.join(f"{key}: {value}" for key, value in evidence_items(finding))

