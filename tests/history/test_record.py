"""The rows a run adds: the connection kind where the result has one, an endpoint with nothing that
could carry a secret."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from netsuite_audit.history.record import connection_kind, public_endpoint
from netsuite_audit.result import AuditResult


def test_connection_kind_is_read_where_the_result_has_one() -> None:
    with_kind = cast(AuditResult, SimpleNamespace(connection=SimpleNamespace(kind="oauth2-rest")))
    assert connection_kind(with_kind) == "oauth2-rest"
    assert connection_kind(cast(AuditResult, SimpleNamespace(connection=None))) is None
    assert connection_kind(cast(AuditResult, cast(Any, SimpleNamespace()))) is None  # results before issue 19


def test_the_endpoint_keeps_no_user_info_query_or_fragment() -> None:
    assert public_endpoint("https://user:pw@1234567.suitetalk.api.netsuite.com:443/x?token=t#f") == \
        "https://1234567.suitetalk.api.netsuite.com:443/x"
    assert public_endpoint("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert public_endpoint(None) is None
