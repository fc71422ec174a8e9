"""netsuite_audit.commands.init_questions: the questions' typed answers and the TOML written."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from netsuite_audit.commands import init_questions as q
from netsuite_audit.inputs.workspace import Workspace


@pytest.mark.parametrize(("key", "typed", "answers", "value"), [
    ("netsuite.department_mandatory", " Yes ", {}, True),
    ("netsuite.department_mandatory", "n", {}, False),
    ("netsuite.subsidiary_payable_account", "BLANK", {}, "blank"),
    ("netsuite.subsidiary_payable_account", "110", {}, 110),
    ("connection.role_id", "1001", {}, 1001),
    ("export.reimbursable_approval", "approved_for_posting", {"export.reimbursable": "vendor_bill"},
     "approved_for_posting"),
])
def test_answers_are_typed(key: str, typed: str, answers: dict, value: object) -> None:
    assert q.parse_answer(q.BY_KEY[key], typed, answers) == value


@pytest.mark.parametrize(("key", "typed", "answers", "said"), [
    ("netsuite.class_mandatory", "maybe", {}, "yes or no"),
    ("connection.role_id", "blank", {}, r"an internal id \(digits\)$"),
    ("connection.role_id", "0", {}, r"an internal id \(digits\)"),
    ("export.reimbursable_approval", "approved_for_posting", {}, "one of supervisor_and_accounting"),
])
def test_answers_outside_what_is_accepted_say_what_is(key: str, typed: str, answers: dict, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        q.parse_answer(q.BY_KEY[key], typed, answers)


def test_every_question_fills_a_workspace_field_and_says_where_to_look() -> None:
    answers: dict[str, object] = {}
    for question in q.QUESTIONS:
        assert question.where.startswith(("NetSuite:", "Expensify:")), question.key
        allowed = q.choices(question, answers)
        sample = {"bool": "yes", "int": "7", "account": "blank"}.get(str(question.kind), allowed[0] if allowed else "")
        answers[question.key] = q.parse_answer(question, sample, answers)
    keys = [question.key for question in q.QUESTIONS]
    assert len(keys) == len(set(keys))
    ws = Workspace.model_validate(q.nest(answers))  # every answer lands on a real workspace field (extra: forbid)
    assert ws.netsuite.class_mandatory is True and ws.connection.role_id == 7


def test_questions_follow_the_export_types() -> None:
    vendor_bills = {"export.reimbursable": "expense_report", "export.non_reimbursable": "vendor_bill"}
    asked = {qq.key for qq in q.QUESTIONS if qq.applies(vendor_bills)}
    assert "forms.vendor_bill.header_classification_shown" in asked
    assert "netsuite.require_journal_approvals" not in asked
    assert "forms.journal_entry.created_from" in asked  # Expensify Card expenses always export as journal entries
    assert "forms.journal_entry.receipt_url" not in asked
    alone = {qq.key for qq in q.QUESTIONS if qq.applies({"export.non_reimbursable": "none"})}
    assert "export.non_reimbursable_approval" not in alone


def test_toml_round_trips_to_a_valid_workspace() -> None:
    flat = {"subsidiary": 2, "employees": ["a@example.com", 'quote"d@example.com'], "tags.classes": [1, 2],
            "export.non_reimbursable": "none", "netsuite.subsidiary_payable_account": "blank",
            "netsuite.stated_on": dt.date(2026, 12, 1), "netsuite.stated_by": "Zoë Ünicode",
            "forms.expense_report.created_from": True, "forms.checked_on": dt.date(2026, 12, 1)}
    text = q.to_toml(q.nest(flat), header=["first", ""], notes={"subsidiary": "Northwind US"})
    data = tomllib.loads(text)
    assert data == q.nest(flat) and "export" not in data  # "none" for an optional choice is left out
    assert text.startswith("# first\n#\n") and "subsidiary = 2  # Northwind US" in text
    Workspace.model_validate(data)
    assert q.flatten(data) == {k: v for k, v in flat.items() if v != "none"}
