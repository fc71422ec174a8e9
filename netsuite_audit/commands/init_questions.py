"""What `nsaudit init` proposes from what it read, and what it asks: the settings no API shows.

Pure functions of a snapshot and the answers so far; commands/init.py does the talking. Each
question names the workspace field it fills (a dotted path) and where to find the answer in NetSuite
(or Expensify). The result is a mapping in the workspace file's own shape, validated by the same
model (inputs/workspace.py) as any workspace file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from netsuite_audit.audit.availability import SubsidiaryTree
from netsuite_audit.audit.expensify_workspace import expensify_values
from netsuite_audit.audit.settings import SETTINGS
from netsuite_audit.inputs.workspace import ExportType
from netsuite_audit.snapshot import AccountSnapshot

# ---- proposals: what NetSuite (and Expensify) already say ----------------------------------------

TAG_TABLES = {"classes": "classification", "departments": "department", "locations": "location",
              "projects": "job", "customers": "customer", "categories": "expensecategory"}


@dataclass(frozen=True)
class Choice:
    """One record the admin may pick: internal id and the name NetSuite shows."""

    id: int
    name: str


def _name(row: Any) -> str:
    for attr in ("fullname", "display_name", "companyname", "name", "entityid", "email"):
        value = getattr(row, attr, None)
        if value:
            return str(value)
    return f"#{row.id}"


def subsidiaries(snap: AccountSnapshot) -> list[tuple[Choice, int]]:
    """Active, non-elimination subsidiaries with how many active employees with an email each has,
    most employees first (the likely workspace subsidiary)."""
    rows = [r for r in snap.tables.get("subsidiary") or () if not r.isinactive and not r.iselimination]
    people = Counter(e.subsidiary for e in snap.tables.get("employee") or () if e.email and not e.isinactive)
    ranked = sorted(rows, key=lambda r: (-people[r.id], r.id))
    return [(Choice(r.id, _name(r)), people[r.id]) for r in ranked]


def employees(snap: AccountSnapshot, subsidiary: int | None) -> list[str]:
    """Emails of the active employees of the subsidiary (of every subsidiary without one)."""
    return [e.email for e in snap.tables.get("employee") or ()
            if e.email and not e.isinactive and (subsidiary is None or e.subsidiary == subsidiary)]


def tag_choices(snap: AccountSnapshot, key: str, subsidiary: int | None) -> list[Choice]:
    """Active records of one tag kind the subsidiary may use (all active ones without a subsidiary)."""
    rows = snap.tables.get(TAG_TABLES[key]) or ()
    tree = SubsidiaryTree(snap.tables.get("subsidiary") or ())
    found = []
    for row in rows:
        if getattr(row, "isinactive", False):
            continue
        if subsidiary is not None and not _usable(tree, row, subsidiary):
            continue
        found.append(Choice(int(row.id), _name(row)))
    return found


def _usable(tree: SubsidiaryTree, row: Any, subsidiary: int) -> bool:
    subs = getattr(row, "subsidiary", None)
    if isinstance(subs, int):  # projects and customers belong to one subsidiary
        return subs == subsidiary
    if not subs or not tree.knows(subsidiary):
        return True  # not restricted, or nothing to tell: offered, the audit judges it
    return tree.covers(subs, bool(getattr(row, "includechildren", False)), subsidiary)


def from_expensify(snap: AccountSnapshot) -> dict[str, Any]:
    """Workspace values the Expensify policy gives (dotted keys), when it was read."""
    return expensify_values(snap.expensify, snap) if snap.expensify is not None else {}


# ---- questions: the settings no API shows ---------------------------------------------------------

Kind = tuple[str, ...] | str  # choices, or "bool", "int", "account" (an id or "blank"), "levels:<side>"


@dataclass(frozen=True)
class Question:
    key: str  # dotted workspace path it fills, e.g. netsuite.department_mandatory
    text: str
    where: str  # where the admin finds the answer
    kind: Kind = "bool"
    applies: Callable[[Mapping[str, Any]], bool] = lambda answers: True


def _exports(answers: Mapping[str, Any]) -> set[str]:
    return {v for v in (answers.get("export.reimbursable", ExportType.EXPENSE_REPORT.value),
                        answers.get("export.non_reimbursable")) if v and v != "none"}


def _setting(key: str, text: str, applies: Callable[[Mapping[str, Any]], bool] = lambda a: True) -> Question:
    info = SETTINGS[key]
    return Question(f"netsuite.{info.field}", f"{text} ({key})", f"NetSuite: {info.where}.", applies=applies)


EXPENSIFY_ACCOUNTING = "Expensify: Workspaces > the workspace > Accounting > NetSuite > Export"
ADVANCED = "Expensify: Workspaces > the workspace > Accounting > NetSuite > Advanced (Configure): the approval level"
EXPENSE_LEVELS = ("supervisor_and_accounting", "supervisor_only", "accounting_only")
POSTING_LEVELS = ("approved_for_posting", "pending_approval")
FORMS_PAGE = ("NetSuite: Customization > Forms > Transaction Forms, the {form} form marked Preferred > Edit "
              "or Customize > {where}")
FORM_NAMES = {"expense_report": "Expense Report", "vendor_bill": "Vendor Bill", "journal_entry": "Journal Entry"}
FORM_FIELDS = (  # (field, label, where on the form)
    ("created_from", "Created From", "Screen Fields > Main"),
    ("receipt_url", "Receipt URL", "Screen Fields > Expenses (Lines on a journal entry)"),
    ("exchange_rate", "Exchange Rate", "Screen Fields > Main or Expenses"),
)
ACCOUNTS = "NetSuite: Setup > Company > Subsidiaries > the workspace subsidiary > Preferences subtab"


def _levels(side: str) -> Callable[[Mapping[str, Any]], tuple[str, ...]]:
    def levels(answers: Mapping[str, Any]) -> tuple[str, ...]:
        kind = answers.get(f"export.{side}", ExportType.EXPENSE_REPORT.value)
        return EXPENSE_LEVELS if kind == ExportType.EXPENSE_REPORT.value else POSTING_LEVELS
    return levels


def _form_questions() -> list[Question]:
    out = []
    for form, label in FORM_NAMES.items():
        for field, name, where in FORM_FIELDS:
            def applies(answers: Mapping[str, Any], form: str = form, field: str = field) -> bool:
                used = _exports(answers)
                # Expensify Card expenses always export as journal entries: Created From matters there
                return form in used or (form == "journal_entry" and field == "created_from")
            out.append(Question(f"forms.{form}.{field}", f"Does the preferred {label} form show '{name}'?",
                                FORMS_PAGE.format(form=label, where=where) + f": is Show ticked for {name}?",
                                applies=applies))
    out.append(Question("forms.vendor_bill.header_classification_shown",
                        "Are Department, Class or Location shown or mandatory on the Vendor Bill form's header?",
                        FORMS_PAGE.format(form="Vendor Bill", where="Screen Fields > Main") + ": Department, Class "
                        "and Location (Show or Mandatory ticked)",
                        applies=lambda a: "vendor_bill" in _exports(a)))
    return out


CONNECTION_WHERE = (
    "Expensify: Workspaces > the workspace > Accounting > NetSuite: a connection made since Expensify moved "
    "to OAuth 2.0 was approved on NetSuite's consent screen, with no token to copy (oauth2-rest); an older "
    "one was given a token id and secret (tba-soap). NetSuite: Setup > Users/Roles > Access Tokens lists an "
    "active token of the Expensify application only for tba-soap (docs/connections.md)")

QUESTIONS: tuple[Question, ...] = (
    Question("connection.kind", "Which connection does the Expensify workspace use to reach NetSuite?",
             f"{CONNECTION_WHERE}.", kind=("oauth2-rest", "tba-soap")),
    Question("connection.role_id", "Internal id of the role the integration's token uses (e.g. Expensify Integration)",
             "NetSuite: Setup > Users/Roles > Manage Roles (turn on Show Internal IDs under Home > Set "
             "Preferences > General if the id column is missing)", kind="int"),
    Question("export.reimbursable", "How are reimbursable expenses exported?", f"{EXPENSIFY_ACCOUNTING}.",
             kind=tuple(t.value for t in ExportType)),
    Question("export.non_reimbursable", "How are non-reimbursable (company card) expenses exported?",
             f"{EXPENSIFY_ACCOUNTING} (none if company cards are not exported)",
             kind=("none", *(t.value for t in ExportType))),
    Question("export.reimbursable_approval", "Approval level for reimbursable exports", f"{ADVANCED}.",
             kind="levels:reimbursable"),
    Question("export.non_reimbursable_approval", "Approval level for non-reimbursable exports", f"{ADVANCED}.",
             kind="levels:non_reimbursable", applies=lambda a: a.get("export.non_reimbursable") not in (None, "none")),
    _setting("DEPTMANDATORY", "Is 'Make Departments Mandatory' ticked?"),
    _setting("CLASSMANDATORY", "Is 'Make Classes Mandatory' ticked?"),
    _setting("LOCMANDATORY", "Is 'Make Locations Mandatory' ticked?"),
    _setting("TIMEEXPENSEJOBONLY", "Is 'Show Projects Only For Time And Expenses' ticked?"),
    _setting("JOURNALAPPROVALS", "Is 'Require Approvals on Journal Entries' ticked?",
             applies=lambda a: "journal_entry" in _exports(a)),
    *_form_questions(),
    Question("netsuite.subsidiary_payable_account",
             "Default Payable Account for Expense Reports of the workspace subsidiary: its internal id, or "
             "'blank' if the field is empty", f"{ACCOUNTS}: Default Payable Account for Expense Reports.",
             kind="account"),
    Question("netsuite.subsidiary_corporate_card_account",
             "Default Account for Corporate Card Expenses of the workspace subsidiary: its internal id, or 'blank'",
             f"{ACCOUNTS}: Default Account for Corporate Card Expenses.", kind="account"),
    Question("netsuite.subsidiary_tax_required", "Must the workspace subsidiary's transactions carry tax?",
             "NetSuite: Setup > Company > Subsidiaries > the workspace subsidiary, and Setup > Accounting > "
             "Set Up Taxes for its country: whether tax codes are required on transactions."),
)
BY_KEY = {q.key: q for q in QUESTIONS}


def choices(question: Question, answers: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The allowed answers of a choice question (``None`` for bool, int and account questions)."""
    if isinstance(question.kind, tuple):
        return question.kind
    if question.kind.startswith("levels:"):
        return _levels(question.kind.split(":", 1)[1])(answers)
    return None


def parse_answer(question: Question, text: str, answers: Mapping[str, Any]) -> Any:
    """The typed value of a typed answer; raises ValueError naming what is accepted."""
    raw = text.strip()
    allowed = choices(question, answers)
    if allowed is not None:
        if raw not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}")
        return raw
    if question.kind == "bool":
        low = raw.lower()
        if low in ("y", "yes", "true"):
            return True
        if low in ("n", "no", "false"):
            return False
        raise ValueError("yes or no")
    if question.kind == "account" and raw.lower() == "blank":
        return "blank"
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise ValueError("an internal id (digits)" + (" or 'blank'" if question.kind == "account" else ""))


# ---- the workspace mapping and its TOML ------------------------------------------------------------


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}`` (answers of "none" for an optional choice are left out)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None or value == "none":
            continue
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, Iterable):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def to_toml(data: Mapping[str, Any], header: Iterable[str] = (), notes: Mapping[str, str] | None = None) -> str:
    """The workspace mapping as TOML: plain values first, then one table per section (nested tables as
    ``[a.b]``). ``notes``: a comment for a dotted key (where an answer came from)."""
    notes = notes or {}
    lines = [f"# {line}" if line else "#" for line in header]

    def emit(table: Mapping[str, Any], path: str) -> None:
        plain = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        if path and plain:
            lines.extend(["", f"[{path}]"])
        for key, value in plain.items():
            note = notes.get(f"{path}.{key}" if path else key)
            lines.append(f"{key} = {_value(value)}" + (f"  # {note}" if note else ""))
        for key, value in table.items():
            if isinstance(value, Mapping):
                emit(value, f"{path}.{key}" if path else key)

    emit(data, "")
    return "\n".join(lines).lstrip("\n") + "\n"
