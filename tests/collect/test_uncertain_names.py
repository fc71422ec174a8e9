"""An "Unknown identifier" answer for a name nsaudit could not confirm (UNCERTAIN in names.toml)
leaves the table unknown, naming the uncertain name; for a confirmed table it stays a refusal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
import requests

from netsuite_audit.collect.collector import Collector, _Outcome
from netsuite_audit.collect.sources import SuiteQLSource, UncertainNameUnknown
from netsuite_audit.netsuite import names
from netsuite_audit.netsuite.errors import NetSuiteError, PermissionDenied
from netsuite_audit.netsuite.rest import SuiteQLPage, error_from_response
from netsuite_audit.snapshot import ReadState


def _netsuite_400(detail: str) -> NetSuiteError:
    """The error the REST client makes of NetSuite's own 400 answer."""
    response = requests.Response()
    response.status_code = 400
    response._content = json.dumps({
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1", "title": "Bad Request",
        "status": 400, "o:errorDetails": [{"detail": detail, "o:errorCode": "INVALID_PARAMETER"}],
    }).encode()
    return error_from_response(response)


def _unknown(name: str) -> NetSuiteError:
    return _netsuite_400("Invalid search query. Detailed unprocessed description follows. Search error "
                         f"occurred: Unknown identifier '{name}'. Available identifiers are: {{}}.")


class _Client:
    """Answers SuiteQL from a script: the error to raise for a query naming a word, else rows."""

    def __init__(self, errors: dict[str, NetSuiteError]) -> None:
        self.errors = errors
        self.queries: list[str] = []

    def suiteql_page(self, query: str, params: Sequence[object] = (), *, limit: int = 1000,
                     offset: int = 0) -> SuiteQLPage:
        self.queries.append(query)
        for word, error in self.errors.items():
            if word in query:
                raise error
        return SuiteQLPage(items=[], count=0, has_more=False, total_results=0, offset=0)


def test_jobresources_is_uncertain_and_employee_is_not() -> None:
    assert names.uncertain_table("jobresources")
    assert not names.uncertain_table("employee")


def test_unknown_uncertain_table_is_unknown_not_denied() -> None:
    error = _unknown("jobresources")
    assert isinstance(error, PermissionDenied)  # what the REST client alone would conclude
    source = SuiteQLSource(_Client({"FROM jobresources": error}))  # type: ignore[arg-type]
    with pytest.raises(UncertainNameUnknown) as caught:
        source.first_page("jobresources")
    assert caught.value.name == "jobresources"
    assert "UNCERTAIN" in caught.value.message and "not reported as a missing permission" in caught.value.message


def test_unknown_confirmed_table_stays_a_refusal() -> None:
    source = SuiteQLSource(_Client({"FROM employee": _unknown("employee")}))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied) as caught:
        source.first_page("employee")
    assert not isinstance(caught.value, UncertainNameUnknown)


def test_unknown_uncertain_column_is_read_again_with_select_star() -> None:
    client = _Client({"effectivesubsidiaries FROM": _unknown("effectivesubsidiaries")})
    rows, more = SuiteQLSource(client).first_page("role")  # type: ignore[arg-type]
    assert (rows, more) == ([], [])
    assert client.queries[-1].startswith("SELECT * FROM role")


def test_collector_records_the_uncertain_name_as_unavailable() -> None:
    source = SuiteQLSource(_Client({}))  # type: ignore[arg-type]
    unknown = UncertainNameUnknown("NetSuite does not know the table 'jobresources' (UNCERTAIN)",
                                   name="jobresources")
    outcome = _Outcome(error=unknown, calls=1)
    read, rows = Collector._finish(_collector_stub(), "jobresources", source, outcome)
    assert rows is None
    assert read.state == ReadState.UNAVAILABLE and read.uncertain_name == "jobresources"
    assert "jobresources" in (read.detail or "") and "UNCERTAIN" in (read.detail or "")
    denied = _Outcome(error=_unknown("employee"), calls=1)
    read, _ = Collector._finish(_collector_stub(), "employee", source, denied)
    assert read.state == ReadState.DENIED and read.uncertain_name is None


def _collector_stub() -> Any:
    return object.__new__(Collector)
