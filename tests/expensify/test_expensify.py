"""The Expensify side: read-only job bodies, the client's pacing, backoff and one-line errors, the
FreeMarker subset, the stand-in, and `nsaudit run --expensify-policy` end to end on loopback."""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from click.testing import CliRunner

from netsuite_audit.audit.expensify_workspace import split_tag
from netsuite_audit.cli import cli
from netsuite_audit.expensify import errors as e
from netsuite_audit.expensify import jobs
from netsuite_audit.expensify.client import ExpensifyClient, Pacer
from netsuite_audit.expensify.credentials import ExpensifyCredentials, check_base_url, load_expensify_credentials
from netsuite_audit.expensify.models import ReportScope
from netsuite_audit.expensify.reader import parse_reports, template_text
from netsuite_audit.inputs.credentials import Secret
from netsuite_audit.simulator.freemarker import TemplateError, render
from netsuite_audit.support.errors import InputError
from tests.support.e2e import FIXTURES, account_data, serve

DEMO = account_data("demo")
SIDE = DEMO["expensify"]
POLICY = SIDE["policy"]["id"]
BASE = "https://expensify.invalid"
ENDPOINT = BASE + "/Integration-Server/ExpensifyIntegrations"
WORKSPACE = FIXTURES / "workspaces" / "demo-expensify.toml"


def _creds(base: str = BASE) -> ExpensifyCredentials:
    return ExpensifyCredentials("aa_user_example_com", Secret("xsecret-0123456789"), base, "test")


def _every_body() -> list[dict[str, Any]]:
    today = dt.date(2026, 12, 1)
    return [jobs.policy_list_job("u", "s"), jobs.policy_job("u", "s", POLICY), jobs.download_job("u", "s", "f.json"),
            *(jobs.export_job("u", "s", POLICY, scope, today) for scope in ReportScope)]


# ---- every body nsaudit can build is a read --------------------------------------------------------
@pytest.mark.parametrize("body", _every_body(), ids=lambda b: f"{b['type']}")
def test_every_body_is_a_read(body: dict[str, Any]) -> None:
    jobs.assert_read_only(body)
    text = json.dumps(body)
    for word in ("onFinish", "markAsExported", "markedAsExported", "sftpUpload", '"email"', '"test"', "update",
                 "create"):
        assert word not in text


@pytest.mark.parametrize("change", [
    {"type": "update"}, {"type": "create"}, {"onFinish": [{"actionName": "markAsExported", "label": "x"}]},
    {"test": "true"}, {"inputSettings": {"type": "combinedReportData", "filters": {"markedAsExported": "x",
                                                                                  "startDate": "2026-01-01"}}},
    {"inputSettings": {"type": "combinedReportData", "employeeEmail": "a@b", "filters": {"startDate": "2026-01-01"}}},
])
def test_writes_are_refused_before_sending(change: dict[str, Any]) -> None:
    body = {**jobs.export_job("u", "s", POLICY, ReportScope.APPROVED, dt.date(2026, 12, 1)), **change}
    with pytest.raises(jobs.WriteRefused):
        jobs.assert_read_only(body)
    with responses.RequestsMock() as mocked:  # nothing reaches the network
        with pytest.raises(jobs.WriteRefused):
            ExpensifyClient(_creds(), sleep=lambda s: None).send("file", "x", body)
        assert len(mocked.calls) == 0


# ---- client: pacing, backoff, errors ----------------------------------------------------------------
def test_pacer_keeps_under_both_windows() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    for _ in range(21):
        pacer.wait()
    starts = list(pacer.started)
    for count, seconds in ((5, 10.0), (20, 60.0)):
        for i in range(len(starts) - count):
            assert starts[i + count] - starts[i] >= seconds - 1e-9
    assert slept  # it had to wait


@responses.activate
def test_backs_off_on_rate_limit_then_succeeds() -> None:
    responses.post(ENDPOINT, status=429, json={"responseCode": 429, "responseMessage": "You have been rate-limited."},
                   headers={"Retry-After": "3"})
    responses.post(ENDPOINT, json={"responseCode": 200, "policyList": []})
    slept: list[float] = []
    client = ExpensifyClient(_creds(), sleep=slept.append, pacer=Pacer(sleep=slept.append))
    answer = client.send("policyList", "list", jobs.policy_list_job("u", "s"))
    assert answer.data == {"responseCode": 200, "policyList": []}
    assert 3.0 in slept and client.jobs[0].attempts == 2


@responses.activate
def test_gives_up_after_retries() -> None:
    responses.post(ENDPOINT, json={"responseCode": 429, "responseMessage": "You have been rate-limited."})
    client = ExpensifyClient(_creds(), sleep=lambda s: None, pacer=Pacer(sleep=lambda s: None), max_retries=2)
    with pytest.raises(e.RateLimited) as raised:
        client.send("policyList", "list", jobs.policy_list_job("u", "s"))
    assert len(responses.calls) == 3 and raised.value.exit_code == 3


@pytest.mark.parametrize(("answer", "error", "code"), [
    ({"responseCode": 401, "responseMessage": "Authentication error"}, e.BadCredentials, 2),
    ({"responseCode": 407, "responseMessage": "Incorrect login"}, e.BadCredentials, 2),
    ({"responseCode": 404, "responseMessage": "Policy not found"}, e.UnknownPolicy, 2),
    ({"responseCode": 403, "responseMessage": "You must be an admin"}, e.NotPolicyAdmin, 2),
    ({"responseCode": 410, "responseMessage": "Required parameter 'policyIDList' is missing"}, e.ExpensifyError, 3),
])
@responses.activate
def test_response_codes_become_one_line(answer: dict[str, Any], error: type[e.ExpensifyError], code: int) -> None:
    responses.post(ENDPOINT, json=answer)
    with pytest.raises(error) as raised:
        ExpensifyClient(_creds(), sleep=lambda s: None).send("policy", "x", jobs.policy_job("u", "s", POLICY))
    assert raised.value.exit_code == code
    assert "\n" not in str(raised.value) and str(answer["responseCode"]) in str(raised.value)


@responses.activate
def test_server_error_and_network_are_unreachable() -> None:
    responses.post(ENDPOINT, status=503, body="down")
    with pytest.raises(e.Unreachable):
        ExpensifyClient(_creds(), sleep=lambda s: None).send("policyList", "x", jobs.policy_list_job("u", "s"))
    responses.replace(responses.POST, ENDPOINT, body=requests.ConnectionError("refused"))
    with pytest.raises(e.Unreachable):
        ExpensifyClient(_creds(), sleep=lambda s: None).send("policyList", "x", jobs.policy_list_job("u", "s"))


# ---- credentials and base URL -------------------------------------------------------------------------
def test_credentials_from_env_and_profile(tmp_path: Path) -> None:
    env = {"NSAUDIT_EXPENSIFY_USER_ID": "aa_x", "NSAUDIT_EXPENSIFY_USER_SECRET": "s3"}
    creds = load_expensify_credentials(None, env, tmp_path / "none.toml")
    assert creds.source == "env" and creds.secret.reveal() == "s3" and "s3" not in repr(creds)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[expensify.ops]\nuser_id = "aa_ops"\nuser_secret = "pf-s3cret"\n')
    creds = load_expensify_credentials("ops", {}, profiles)
    assert creds.user_id == "aa_ops" and creds.source.startswith("profile:ops")
    with pytest.raises(InputError, match="no Expensify credentials"):
        load_expensify_credentials("other", {}, profiles)


@pytest.mark.parametrize(("url", "ok"), [("https://integrations.example", True), ("http://127.0.0.1:8080", True),
                                         ("http://localhost:1", True), ("http://10.0.0.5:80", False),
                                         ("http://example.com", False), ("https://u:p@x.example", False)])
def test_http_only_on_loopback(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url(url, "env") == url
    else:
        with pytest.raises(Exception, match=r"loopback|password|http"):
            check_base_url(url, "env")


# ---- the template and its interpreter ------------------------------------------------------------------
def test_shipped_template_writes_one_json_object_per_report() -> None:
    data = {"reports": [
        {"reportID": "R1", "accountEmail": "a@x", "reportName": 'Trip "A"', "currency": "USD", "status": "Approved",
         "policyID": POLICY, "transactionList": [
             {"transactionID": "1", "merchant": "M", "amount": 1234, "currency": "USD", "category": "Travel",
              "tag": "Sales:Sales \\: Enterprise", "billable": True, "reimbursable": False, "created": "2026-11-01"}]},
        {"reportID": "R2", "accountEmail": "b@x", "transactionList": []}]}
    text = render(template_text(), data)
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert [r["id"] for r in lines] == ["R1", "R2"]
    parsed = parse_reports(text, "f.json")
    first = parsed[0].lines[0]
    assert first.amount == Decimal("12.34") and first.billable and not first.reimbursable
    assert parsed[0].title == 'Trip "A"' and parsed[1].lines == ()
    assert split_tag(parsed[0].lines[0].tag or "") == ["Sales", "Sales : Enterprise"]


def test_freemarker_subset() -> None:
    assert render("<#list xs as x>${x}<#sep>, </#sep></#list>", {"xs": [1, 2, 3]}) == "1, 2, 3"
    assert render("<#if a??>y<#else>n</#if>${(b!'d')?json_string}", {}) == "nd"
    assert render("${flag?string(\"on\", \"off\")} ${n?c}", {"flag": False, "n": 7}) == "off 7"
    with pytest.raises(TemplateError):
        render("${missing}", {})
    with pytest.raises(TemplateError):
        render("<#assign x = 1>", {})


# ---- end to end on the simulator ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(url: str, tmp: Path, *, user: str | None = None, secret: str | None = None,
         expensify_url: str | None = None) -> dict[str, str]:
    token = DEMO["tokens"][0]
    integration = next(i for i in DEMO["integrations"] if i["id"] == token["integration"])
    return {
        "NSAUDIT_ACCOUNT": DEMO["account_id"], "NSAUDIT_CONSUMER_KEY": integration["consumer_key"],
        "NSAUDIT_CONSUMER_SECRET": integration["consumer_secret"], "NSAUDIT_TOKEN_ID": token["token_id"],
        "NSAUDIT_TOKEN_SECRET": token["token_secret"], "NSAUDIT_BASE_URL": url,
        "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml"),
        "NSAUDIT_EXPENSIFY_USER_ID": user or SIDE["partner_user_id"],
        "NSAUDIT_EXPENSIFY_USER_SECRET": secret or SIDE["partner_user_secret"],
        "NSAUDIT_EXPENSIFY_BASE_URL": expensify_url or url,
    }


def _run(args: list[str], env: dict[str, str]) -> Any:
    return CliRunner().invoke(cli, ["run", "--no-progress", *args], env=env, catch_exceptions=False)


def _problems(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["check_id"], f["id"], f["status"]) for f in body["findings"] if f["status"] != "PASS"}


def test_demo_through_expensify_finds_the_same_defects(tmp_path: Path) -> None:
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    files, api = tmp_path / "file.json", tmp_path / "api.json"
    assert _run(["--demo", "-f", f"json:{files}"], env).exit_code == 1
    result = _run(["--demo", "--expensify", "-f", f"json:{api}"], env)
    assert result.exit_code == 1, result.stderr
    by_file, by_api = json.loads(files.read_text()), json.loads(api.read_text())
    # One defect is named differently: the demo's missing location (internal id 5 in the hand-written
    # file) is the tag 'Chicago' in Expensify, which names no NetSuite location.
    only_file, only_api = _problems(by_file) - _problems(by_api), _problems(by_api) - _problems(by_file)
    assert only_file == {("classification-available", "classification-available/location:5", "FAIL")}
    assert only_api == {("expensify-tags", "expensify-tags/expensify-tag:Locations:Chicago", "FAIL")}
    assert by_api["report_verdicts"] == by_file["report_verdicts"]
    assert by_api["workspace"].startswith(f"Expensify policy {POLICY}")
    assert by_api["workspace"].endswith("file demo-expensify.toml")  # the name only, never the path
    text = _run(["--demo", "--expensify", "-f", "text", "-f", f"markdown:{tmp_path / 'r.md'}"], env)
    assert f"workspace: Expensify policy {POLICY}" in text.stdout
    assert f"Expensify policy {POLICY}" in (tmp_path / "r.md").read_text()


def test_policy_by_id_and_name_with_reports(tmp_path: Path) -> None:
    with serve(DEMO) as server:
        out = tmp_path / "r.json"
        for ref in (POLICY, "northwind us (demo)"):
            result = _run(["--workspace", str(WORKSPACE), "--expensify-policy", ref, "--expensify-reports",
                           "approved", "-v", "-f", f"json:{out}"], _env(server.url, tmp_path))
            assert result.exit_code == 1, result.stderr
            assert result.stderr.count("expensify job:") == 4  # policy list, policy, exporter, download
        body = json.loads(out.read_text())
        assert len(body["report_verdicts"]) == len(SIDE["reports"])
        sent = server.expensify.jobs
        assert sent and all(j["credentials"] == "(masked)" for j in sent)
        for job in sent:
            jobs.assert_read_only({**job, "credentials": {}})
        assert server.counters.writes == {}


def test_file_wins_and_the_run_says_so(tmp_path: Path) -> None:
    workspace = tmp_path / "ws.toml"
    workspace.write_text(WORKSPACE.read_text() + '\n[tags]\ncategories = [1, 2]\n', encoding="utf-8")
    with serve(DEMO) as server:
        out = tmp_path / "r.json"
        result = _run(["--workspace", str(workspace), "--expensify-policy", POLICY, "-f", f"json:{out}"],
                      _env(server.url, tmp_path))
    assert result.exit_code == 1
    assert "tags.categories: the file's value is used" in result.stderr
    assert any("tags.categories" in w for w in json.loads(out.read_text())["warnings"])


@pytest.mark.parametrize(("case", "message"), [
    ("bad-credentials", "partner credentials were refused"),
    ("unknown-policy", "no policy 'NOPE' (id or name)"),
    ("not-admin", "not an admin"),
])
def test_user_errors_exit_2_with_one_line(case: str, message: str, tmp_path: Path) -> None:
    with serve(DEMO) as server:
        env = _env(server.url, tmp_path, secret="wrong-secret-000" if case == "bad-credentials" else None)
        policy = {"unknown-policy": "NOPE", "not-admin": SIDE["other_policies"][0]["id"]}.get(case, POLICY)
        result = _run(["--workspace", str(WORKSPACE), "--expensify-policy", policy], env)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nsaudit: error: Expensify:") and message in lines[0]


def test_rate_limited_exits_3(tmp_path: Path) -> None:
    with serve(DEMO, expensify_windows=((1, 60.0),), expensify_retry_after=0.0) as server:
        result = _run(["--workspace", str(WORKSPACE), "--expensify-policy", POLICY], _env(server.url, tmp_path))
        refused = server.counters.refusals.get("expensify.rate", 0)
    assert result.exit_code == 3, result.stderr
    assert "rate limited" in result.stderr and refused == 4  # the first try and three after backing off


def test_unreachable_exits_3(tmp_path: Path) -> None:
    with serve(DEMO) as server:
        env = _env(server.url, tmp_path, expensify_url=f"http://127.0.0.1:{_free_port()}")
        result = _run(["--workspace", str(WORKSPACE), "--expensify-policy", POLICY], env)
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "cannot reach" in result.stderr


def test_snapshot_keeps_the_expensify_side_offline_and_diff_shows_drift(tmp_path: Path) -> None:
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    old = tmp_path / "old.json"
    result = CliRunner().invoke(cli, ["snapshot", "--demo", "--expensify", "--no-progress", "-o", str(old)], env=env)
    assert result.exit_code == 0, result.stderr
    text = old.read_text()
    assert SIDE["partner_user_secret"] not in text and '"expensify"' in text
    live, offline = tmp_path / "live.json", tmp_path / "offline.json"
    _run(["--demo", "--expensify", "-f", f"json:{live}"], env)
    assert _run(["--snapshot", str(old), "--workspace", str(WORKSPACE), "-f", f"json:{offline}"], env).exit_code == 1
    assert _problems(json.loads(live.read_text())) == _problems(json.loads(offline.read_text()))
    data = json.loads(text)
    changed = copy.deepcopy(data)
    changed["expensify"]["policy"]["members"][1]["submitsTo"] = "priya.shah@northwind.example"
    changed["expensify"]["policy"]["tag_levels"][2]["tags"].append({"name": "Austin"})
    new = tmp_path / "new.json"
    new.write_text(json.dumps(changed))
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1
    drift = json.loads(result.stdout)["drift"]
    assert {(d["change"], d["table"], d["id"]) for d in drift} == {
        ("submitsTo-changed", "expensify:members", "sam.rivera@northwind.example"),
        ("added", "expensify:tags", "Locations:Austin")}


@responses.activate
def test_policy_getter_without_employees_when_the_field_is_refused() -> None:
    """'employees' is not in the manual's field list: a 410 for it leads to one more job without it."""
    from netsuite_audit.expensify.reader import read_expensify

    responses.post(ENDPOINT, json={"responseCode": 200, "policyList": [
        {"id": POLICY, "name": "P", "role": "admin", "outputCurrency": "USD"}]})
    responses.post(ENDPOINT, json={"responseCode": 410, "responseMessage": "Argument 'fields' is malformed"})
    responses.post(ENDPOINT, json={"responseCode": 200, "policyInfo": {POLICY: {
        "categories": [{"name": "Travel", "enabled": True}], "tags": [], "tax": {}, "reportFields": []}}})
    read = read_expensify(_creds(), POLICY, None, client=ExpensifyClient(_creds(), sleep=lambda s: None))
    assert read.policy.members is None and read.policy.categories is not None
    bodies = [requests.utils.unquote(str(c.request.body)) for c in responses.calls]
    assert len(bodies) == 3 and "employees" in bodies[1] and "employees" not in bodies[2]


def test_offline_policy_must_match_the_snapshot(tmp_path: Path) -> None:
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    plain, with_side = tmp_path / "plain.json", tmp_path / "side.json"
    assert CliRunner().invoke(cli, ["snapshot", "--demo", "--no-progress", "-o", str(plain)], env=env).exit_code == 0
    assert CliRunner().invoke(cli, ["snapshot", "--demo", "--expensify", "--no-progress", "-o", str(with_side)],
                              env=env).exit_code == 0
    for snap, policy, message in ((plain, POLICY, "holds nothing read from Expensify"),
                                  (with_side, "0000000000000000", "holds Expensify policy")):
        result = _run(["--snapshot", str(snap), "--workspace", str(WORKSPACE), "--expensify-policy", policy], env)
        assert result.exit_code == 2 and message in result.stderr
    assert _run(["--snapshot", str(with_side), "--workspace", str(WORKSPACE), "--expensify-policy", POLICY],
                env).exit_code == 1


def test_sim_serve_expensify_rate_option() -> None:
    from netsuite_audit.simulator.cli import _rate

    assert _rate("5/10") == (5, 10.0)
    result = CliRunner().invoke(cli, ["sim", "serve", "--account", str(FIXTURES / "accounts" / "demo.json"),
                                      "--expensify-rate", "five"])
    assert result.exit_code == 2 and "JOBS/SECONDS" in result.stderr


def test_template_uses_the_edited_values_when_present() -> None:
    """Expensify's template reference: amount/merchant/created are the original values, an edit lives
    in modifiedAmount/modifiedMerchant/modifiedCreated (empty when the expense was not edited)."""
    edited = {"transactionID": "1", "merchant": "SQ *COFFEE", "amount": -500, "created": "2026-10-01",
              "modifiedMerchant": "Blue Bottle", "modifiedAmount": 1250, "modifiedCreated": "2026-10-03",
              "currency": "USD", "billable": False, "reimbursable": True}
    plain = {"transactionID": "2", "merchant": "Taxi", "amount": 900, "created": "2026-10-02",
             "modifiedMerchant": "", "modifiedAmount": "", "modifiedCreated": "",
             "currency": "USD", "billable": False, "reimbursable": True}
    data = {"reports": [{"reportID": "R1", "accountEmail": "a@x", "transactionList": [edited, plain]}]}
    first, second = parse_reports(render(template_text(), data), "f.json")[0].lines
    assert (first.merchant, first.amount, str(first.date)) == ("Blue Bottle", Decimal("12.50"), "2026-10-03")
    assert (second.merchant, second.amount, str(second.date)) == ("Taxi", Decimal("9.00"), "2026-10-02")


def test_an_edited_expense_is_judged_on_its_edit(tmp_path: Path) -> None:
    """Through the CLI against the stand-in: the demo's negative Hertz line and its '*' merchant were
    edited in Expensify, so the findings made from their original values are gone."""
    data = copy.deepcopy(DEMO)
    lines = {x["transaction_id"]: x for r in data["expensify"]["reports"] for x in r["expenses"]}
    out_before, out_after = tmp_path / "before.json", tmp_path / "after.json"
    args = ["--workspace", str(WORKSPACE), "--expensify-policy", POLICY, "--expensify-reports", "approved"]
    with serve(data) as server:
        assert _run([*args, "-f", f"json:{out_before}"], _env(server.url, tmp_path)).exit_code == 1
    lines["T0005"]["modified_amount"] = "260.00"
    lines["T0003"]["modified_merchant"] = "Uber Trip"
    lines["T0003"]["modified_date"] = "2026-11-12"
    with serve(data) as server:
        assert _run([*args, "-f", f"json:{out_after}"], _env(server.url, tmp_path)).exit_code == 1
    before, after = _problems(json.loads(out_before.read_text())), _problems(json.loads(out_after.read_text()))
    gone = before - after
    assert {c for c, _, _ in gone} >= {"report-negative-total", "merchant-characters"}, gone
    assert not after - before
