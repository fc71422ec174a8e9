"""Guards before anything leaves (issue 10 items 4 and 15): plain http only to loopback, valid ports,
and the REST write guard on the parsed URL plus single-SELECT SuiteQL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import ENV_ALLOW_INSECURE_HTTP, Credentials, Secret, load_credentials
from netsuite_audit.netsuite.guard import WriteRefused, check_suiteql
from netsuite_audit.netsuite.rest import RestClient
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.support.errors import InputError

BASE = "https://1234567.suitetalk.api.netsuite.com"


def _env(url: str, **extra: str) -> dict[str, str]:
    return {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck-guard-0001",
            "NSAUDIT_CONSUMER_SECRET": "cs-guard-secret", "NSAUDIT_TOKEN_ID": "tk-guard-0001",
            "NSAUDIT_TOKEN_SECRET": "ts-guard-secret", "NSAUDIT_BASE_URL": url,
            "NSAUDIT_PROFILES_FILE": "/nonexistent/profiles.toml", **extra}


# ---- 4. base URL -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:8080",
                                 "http://127.9.9.9", "https://proxy.example.test/netsuite"])
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    assert load_credentials(env=_env(url)).base_url == url


@pytest.mark.parametrize("url", ["http://127.0.0.1:0", "http://127.0.0.1:99999", "http://127.0.0.1:abc"])
def test_invalid_expensify_ports_are_a_one_line_exit_2(url: str) -> None:
    """Issue 22 item 8: the Expensify base URL keeps the same port rule as NetSuite's."""
    env = {**_env("http://127.0.0.1:8765"), "NSAUDIT_EXPENSIFY_USER_ID": "partner-guard-0001",
           "NSAUDIT_EXPENSIFY_USER_SECRET": "partner-guard-secret", "NSAUDIT_EXPENSIFY_BASE_URL": url}
    result = CliRunner().invoke(cli, ["run", "--no-progress", "--expensify-policy", "P1"], env=env)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "NSAUDIT_EXPENSIFY_BASE_URL" in lines[0] and "port" in lines[0], result.stderr


@pytest.mark.parametrize("url", ["http://proxy.example.test", "http://10.0.0.5:8080", "http://127.0.0.1.evil.test"])
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(InputError) as caught:
        load_credentials(env=_env(url))
    assert "NSAUDIT_BASE_URL" in str(caught.value) and "https" in str(caught.value)


def test_the_test_rig_override_allows_http_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        creds = load_credentials(env=_env("http://rig.example.test:8080", **{ENV_ALLOW_INSECURE_HTTP: "1"}))
    assert creds.base_url == "http://rig.example.test:8080"
    assert any(ENV_ALLOW_INSECURE_HTTP in r.getMessage() and "plain http" in r.getMessage() for r in caplog.records)


def test_a_profile_base_url_is_checked_the_same_way(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[profiles.default]\naccount = "1234567"\nconsumer_key = "ck-0001"\n'
                        'consumer_secret = "cs"\ntoken_id = "tk-0001"\ntoken_secret = "ts"\n'
                        'base_url = "http://proxy.example.test"\n')
    profiles.chmod(0o600)
    with pytest.raises(InputError) as caught:
        load_credentials(profiles_file=profiles, env={})
    assert "profiles.default.base_url" in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:abc", "http://127.0.0.1:99999", "https://host.test:0",
                                 "http://127.0.0.1:"])
def test_invalid_ports_are_a_one_line_exit_2(url: str) -> None:
    result = CliRunner().invoke(cli, ["run", "--no-progress"], env=_env(url))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "NSAUDIT_BASE_URL" in lines[0] and "port" in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_plain_http_remote_is_a_one_line_exit_2_on_the_command_line() -> None:
    result = CliRunner().invoke(cli, ["run", "--no-progress"], env=_env("http://proxy.example.test"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


# ---- 15. the write guard -----------------------------------------------------------------------
def _client() -> RestClient:
    creds = Credentials(account=AccountId.parse("1234567"), consumer_key="ck-guard-0001",
                        consumer_secret=Secret("cs-guard-secret"), token_id="tk-guard-0001",
                        token_secret=Secret("ts-guard-secret"), base_url=BASE, source="test")
    return RestClient(creds, retry=RetryPolicy(attempts=1))


@pytest.mark.parametrize(("method", "url"), [
    ("POST", BASE + "/services/rest/record/v1/employee/5#/services/rest/query/v1/suiteql"),
    ("POST", BASE + "/services/rest/record/v1/employee/5?x=/services/rest/query/v1/suiteql"),
    ("POST", BASE + "/services/rest/query/v1/suiteql/../../record/v1/employee"),
    ("POST", BASE + "/x/services/rest/query/v1/suiteql"),
    ("POST", "https://elsewhere.test/services/rest/query/v1/suiteql"),
    ("GET", BASE + "/services/rest/record/v1/employee/5"),
    ("POST", BASE + "/services/rest/system/v1/serverTime"),
])
def test_the_write_guard_matches_the_parsed_url_exactly(method: str, url: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, url, json={})
        mock.add(responses.GET, url, json={})
        with pytest.raises(WriteRefused):
            _client()._send(method, url, body={"q": "SELECT id FROM employee"})  # type: ignore[arg-type]
        assert len(mock.calls) == 0


@pytest.mark.parametrize("query", [
    "DELETE FROM employee WHERE id = 5",
    "SELECT id FROM employee; DELETE FROM employee",
    "select id from employee;delete from employee",
    "/* harmless */ UPDATE employee SET isinactive = 'T'",
    "WITH x AS (SELECT 1 FROM dual) DELETE FROM employee",
    "INSERT INTO employee (id) VALUES (1)",
    "DROP TABLE employee",
    "SELECT id FROM employee FOR UPDATE",
    "SELECT id INTO copy_of_employee FROM employee",
    "SELECT id FROM employee lock table employee in exclusive mode",
    "-- only a comment",
    "",
])
def test_suiteql_that_is_not_one_select_is_never_sent(query: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, BASE + "/services/rest/query/v1/suiteql", json={"items": []})
        with pytest.raises(WriteRefused):
            _client().suiteql_page(query)
        assert len(mock.calls) == 0


@pytest.mark.parametrize("query", [
    "SELECT id, name FROM employee ORDER BY id",
    "with a as (select id from employee) select * from a",
    "SELECT id FROM employee WHERE name = 'x; DELETE FROM employee' -- ; drop table",
    "SELECT REPLACE(name, 'a', 'b') FROM employee /* ; update */",
])
def test_single_selects_pass_the_check(query: str) -> None:
    check_suiteql(query)


def test_every_query_the_collector_sends_passes_the_check() -> None:
    from netsuite_audit.collect.sources import SuiteQLSource
    from netsuite_audit.netsuite.tables import TABLES

    source = SuiteQLSource(_client(), report_ids=["R1", "R2"])
    for table in TABLES:
        for star in (False, True):
            check_suiteql(source._query(table, star)[0])
