"""netsuite_audit.audit.inferences: only what NetSuite's rules make certain, stated as an inference."""

from __future__ import annotations

from typing import Any

from netsuite_audit.audit import inferences
from netsuite_audit.audit.context import Context
from netsuite_audit.audit.model import CheckMeta, Severity
from netsuite_audit.inputs.workspace import Workspace
from tests.support.check_cases import base_snapshot_data, base_workspace_data, build_snapshot

META = CheckMeta(id="inference-probe", codes=(), severity=Severity.LOW, title="probe", description="probe")


def _ctx(patch: dict[str, Any]) -> Context:
    return Context(meta=META, snapshot=build_snapshot(patch), workspace=Workspace.model_validate(base_workspace_data()),
                   workspace_given=True)


def _subsidiaries(*currencies: int, inactive: tuple[int, ...] = ()) -> dict[str, Any]:
    rows = [{"id": n, "name": f"S{n}", "currency": c, "isinactive": n in inactive}
            for n, c in enumerate(currencies, start=1)]
    return {"tables": {"subsidiary": rows}}


def test_two_active_base_currencies_mean_multiple_currencies_on() -> None:
    found = inferences.multi_currency(_ctx(_subsidiaries(1, 3, 2, 1)))
    assert found is not None and found.value is True
    assert found.because.startswith("inferred: subsidiaries use CAD, GBP and USD, which NetSuite allows only with "
                                    "Multiple Currencies on")


def test_one_currency_says_nothing() -> None:
    assert inferences.multi_currency(_ctx(_subsidiaries(1, 1, 1))) is None


def test_inactive_subsidiaries_do_not_count() -> None:
    assert inferences.multi_currency(_ctx(_subsidiaries(1, 1, 3, inactive=(3,)))) is None


def test_unread_subsidiaries_or_unknown_currency_column_say_nothing() -> None:
    assert inferences.multi_currency(_ctx({"unread": {"subsidiary": "denied"}})) is None
    assert inferences.multi_currency(_ctx({"unknown": {"subsidiary": ["currency"]}})) is None


def test_an_unreadable_currency_list_still_infers_naming_the_ids() -> None:
    found = inferences.multi_currency(_ctx({**_subsidiaries(1, 2), "unread": {"currency": "denied"}}))
    assert found is not None and "currency #1 and currency #2" in found.because


def test_the_base_snapshot_is_what_the_check_cases_assume() -> None:
    assert {row["currency"] for row in base_snapshot_data()["tables"]["subsidiary"]} == {1, 2, 3}
