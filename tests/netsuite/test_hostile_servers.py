"""Hostile and broken servers on loopback (issue 10, the network side): nothing leaks, nothing hangs,
nothing is misread. Each server here is a few lines of ``tests/support/hostile.py`` scripting raw answers."""

from __future__ import annotations

import html
import json
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from lxml import etree

from netsuite_audit.cli import cli
from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite import soap
from netsuite_audit.netsuite.errors import NetSuiteError, TransportError
from netsuite_audit.netsuite.http import BodyTooLarge, RedirectRefused, RequestTimedOut, SafeSession
from netsuite_audit.netsuite.rest import SUITEQL_PATH, RestClient
from netsuite_audit.netsuite.soap import SERVICE_PATH, SoapClient
from netsuite_audit.netsuite.transport import RetryPolicy
from tests.support.hostile import Hostile, Request, silent_listener

CONSUMER_KEY = "ck-hostile-0123456789abcdef"
CONSUMER_SECRET = "cs-hostile-secret-0123456789"
TOKEN_ID = "tk-hostile-fedcba9876543210"
TOKEN_SECRET = "ts-hostile-secret-9876543210"
SECRETS = (CONSUMER_KEY, CONSUMER_SECRET, TOKEN_ID, TOKEN_SECRET)
ONCE = RetryPolicy(attempts=1, timeout=5.0)


def _creds(url: str) -> Credentials:
    return Credentials(account=AccountId.parse("1234567"), consumer_key=CONSUMER_KEY,
                       consumer_secret=Secret(CONSUMER_SECRET), token_id=TOKEN_ID,
                       token_secret=Secret(TOKEN_SECRET), base_url=url, source="test")


def _env(url: str) -> dict[str, str]:
    return {
        "NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": CONSUMER_KEY,
        "NSAUDIT_CONSUMER_SECRET": CONSUMER_SECRET, "NSAUDIT_TOKEN_ID": TOKEN_ID,
        "NSAUDIT_TOKEN_SECRET": TOKEN_SECRET, "NSAUDIT_BASE_URL": url,
        "NSAUDIT_PROFILES_FILE": "/nonexistent/profiles.toml",
    }


def _run(url: str, tmp_path: Path, *extra: str) -> tuple[int, str, dict[str, Any], str]:
    """`nsaudit run` against ``url``: exit code, stderr, the JSON result and the HTML report."""
    out, page = tmp_path / "result.json", tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["run", "--no-progress", "-f", f"json:{out}", "-f", f"html:{page}", "-f", "text", *extra],
        env=_env(url), catch_exceptions=False)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    body = json.loads(out.read_text()) if out.exists() else {}
    return result.exit_code, result.stderr + result.stdout, body, page.read_text() if page.exists() else ""


def _rest_401(request: Request) -> None:
    request.answer(401, json.dumps({"type": "x", "title": "Unauthorized", "status": 401, "o:errorDetails": [
        {"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}]}))


# ---- 1. redirects are refused on every transport ----------------------------------------------
def _redirect_to(target: Hostile) -> Any:
    def answer(request: Request) -> None:
        request.answer(307, b"", headers={"Location": target.url + request.path})
    return answer


def test_rest_refuses_a_redirect_and_sends_nothing_to_its_target() -> None:
    with Hostile(lambda r: r.answer(200, "{}")) as target, Hostile(_redirect_to(target)) as redirector, \
            pytest.raises(RedirectRefused) as caught:
        RestClient(_creds(redirector.url), retry=ONCE).suiteql_page("SELECT id FROM employee")
    assert target.seen == []
    assert "307" in caught.value.message and "never follows redirects" in caught.value.message


def test_soap_refuses_a_redirect_and_sends_nothing_to_its_target() -> None:
    """The tokenPassport (with an unused signature) must never be posted to the redirect target."""
    with Hostile(lambda r: r.answer(200, "<x/>", "text/xml")) as target, \
            Hostile(_redirect_to(target)) as redirector, pytest.raises(TransportError) as caught:
        SoapClient(_creds(redirector.url), retry=ONCE).server_time()
    assert len(redirector.seen) == 1 and redirector.seen[0].method == "POST"
    assert target.seen == [], "the SOAP envelope was posted again to the redirect target"
    assert isinstance(caught.value, RedirectRefused)


def test_a_run_through_a_redirecting_server_exits_3_and_reaches_nothing_else(tmp_path: Path) -> None:
    with Hostile(lambda r: r.answer(200, "{}")) as target, Hostile(_redirect_to(target)) as redirector:
        code, _said, body, _ = _run(redirector.url, tmp_path, "--timeout", "20")
    assert target.seen == []
    assert code == 3 and body["login_ok"] is False
    assert "never follows redirects" in json.dumps(body)


def test_the_wsdl_is_never_fetched_over_the_network() -> None:
    with Hostile(lambda r: r.answer(200, "<definitions/>", "text/xml")) as server:
        with pytest.raises(NetSuiteError):
            soap._OfflineTransport().load(server.url + "/netsuite.wsdl")
        assert soap.wsdl_document() is not None
    assert server.seen == []


# ---- 2. an answer on the SOAP path that is not a SOAP envelope ------------------------------------
MAINTENANCE = "<html><head><title>Down</title></head><body>Scheduled maintenance until 02:00</body></html>"


@pytest.mark.parametrize(("content_type", "body", "quoted"), [
    ("text/html", MAINTENANCE, "Scheduled maintenance"),
    ("application/json", json.dumps({"status": "ok", "serverTime": "2026-01-01T00:00:00Z"}), "serverTime"),
    ("text/xml", "<?xml version='1.0'?><html><body>not soap</body></html>", "not soap"),
    ("text/xml", "", "empty"),
])
def test_a_soap_answer_that_is_not_an_envelope_is_a_transport_error(
        content_type: str, body: str, quoted: str, tmp_path: Path) -> None:
    def answer(request: Request) -> None:
        if request.path.startswith(SERVICE_PATH):
            request.answer(200, body, content_type)
        else:
            _rest_401(request)

    with Hostile(answer) as server:
        with pytest.raises(TransportError) as caught:
            SoapClient(_creds(server.url), retry=ONCE).server_time()
        assert "not a SOAP envelope" in caught.value.message and quoted in caught.value.message
        code, _said, result, _ = _run(server.url, tmp_path, "--timeout", "20")
    assert code == 3 and result["login_ok"] is False
    passes = [f for f in result["findings"] if f["status"] == "PASS" and "SOAP" in f["message"]]
    assert not passes, passes


# ---- 3. what a server echoes back is redacted --------------------------------------------------
def _echo(request: Request) -> None:
    """Echo the Authorization header (REST) or the whole envelope (SOAP) in an error answer."""
    if request.path.startswith(SERVICE_PATH):
        echoed = html.escape(request.seen.body.decode())
        request.answer(500, (
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            f"<soapenv:Fault><faultcode>soapenv:Server.userException</faultcode><faultstring>could not parse "
            f"{echoed}</faultstring><detail><f:invalidCredentialsFault xmlns:f=\"urn:faults_2024_2.platform."
            f"webservices.netsuite.com\"><f:code>USER_ERROR</f:code><f:message>bad request {echoed}</f:message>"
            "</f:invalidCredentialsFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"),
            "text/xml")
        return
    header = request.seen.headers.get("Authorization", "")
    request.answer(400, json.dumps({"title": "Bad Request", "status": 400, "o:errorDetails": [
        {"detail": f"Cannot use header {header} with key {CONSUMER_KEY} and token {TOKEN_ID}",
         "o:errorCode": "INVALID_PARAMETER"}]}))


def _sent_values(seen: list[Any]) -> set[str]:
    """The nonce and signature values of every request the server received."""
    values: set[str] = set()
    for request in seen:
        for _name, value in re.findall(r'(oauth_nonce|oauth_signature)="([^"]+)"',
                                      request.headers.get("Authorization", "")):
            values |= {value, unquote(value)}
        if request.body.startswith(b"<"):
            root = etree.fromstring(request.body)
            for el in root.iter():
                if isinstance(el.tag, str) and etree.QName(el).localname in ("nonce", "signature") and el.text:
                    values.add(el.text)
    return values


def test_echoed_credentials_never_reach_any_output(tmp_path: Path) -> None:
    with Hostile(_echo) as server:
        code, said, result, page = _run(server.url, tmp_path, "--timeout", "20")
        sent = _sent_values(server.seen)
    assert sent, "the server saw no signed request"
    text = json.dumps(result) + page + said
    assert "[redacted]" in text
    for value in (*SECRETS, *sent):
        assert value not in text, f"{value} leaked"
    assert code == 3


def test_redaction_covers_oauth_and_passport_values() -> None:
    from netsuite_audit.netsuite.redact import redact

    said = ('OAuth realm="1234567",oauth_consumer_key="abc",oauth_nonce="n0nce",oauth_signature="s%3D" '
            'oauth_token=tokvalue9&x=1 {"oauth_signature": "zz"} <ns2:nonce>n2</ns2:nonce>'
            '<signature algorithm="HMAC-SHA256">sig==</signature> Authorization: Bearer eyJ.abc.def')
    cleaned = redact(said)
    for value in ("abc", "n0nce", "s%3D", "tokvalue9", '"zz"', "n2", "sig==", "eyJ.abc.def"):
        assert value not in cleaned, (value, cleaned)


def test_credentials_repr_shows_only_the_last_four_characters() -> None:
    shown = repr(_creds("https://1234567.suitetalk.api.netsuite.com"))
    for value in SECRETS:
        assert value not in shown
    assert CONSUMER_KEY[-4:] in shown and TOKEN_ID[-4:] in shown and CONSUMER_KEY[:-4] not in shown


# ---- 7. deadlines and timeouts -----------------------------------------------------------------
def test_a_trickling_body_is_cut_at_the_per_request_limit() -> None:
    def trickle(request: Request) -> None:
        request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        while not request.release.wait(0.1):
            request.raw(b" ")

    with Hostile(trickle) as server:
        started = time.monotonic()
        with pytest.raises(RequestTimedOut) as caught:
            RestClient(_creds(server.url), retry=RetryPolicy(attempts=1, timeout=1.0)).server_time()
        elapsed = time.monotonic() - started
    assert elapsed < 4, elapsed
    assert "within 1 s" in caught.value.message


def test_trickling_headers_are_cut_at_the_per_request_limit() -> None:
    def trickle(request: Request) -> None:
        request.raw(b"HTTP/1.1 200 OK\r\n")
        while not request.release.wait(0.1):
            request.raw(b"X-Slow: 1\r\n")

    with Hostile(trickle) as server:
        started = time.monotonic()
        with pytest.raises(RequestTimedOut):
            RestClient(_creds(server.url), retry=RetryPolicy(attempts=1, timeout=1.0)).server_time()
    assert time.monotonic() - started < 4


def test_a_silent_server_ends_at_the_overall_timeout_with_exit_3(tmp_path: Path) -> None:
    with silent_listener() as url:
        started = time.monotonic()
        code, _said, result, _ = _run(url, tmp_path, "--timeout", "2")
        elapsed = time.monotonic() - started
    assert code == 3
    assert elapsed < 20, elapsed
    assert "--timeout of 2 s" in json.dumps(result), "the findings should name the time limit"


def _login_then_hang(request: Request) -> None:
    """serverTime answers; every SuiteQL read hangs; anything else is a 404."""
    if request.path.startswith("/services/rest/system/v1/serverTime"):
        request.answer(200, json.dumps({"serverTime": "2026-12-01T10:00:00.000Z"}))
    elif request.path.startswith(SUITEQL_PATH):
        request.release.wait(30)
    else:
        request.answer(404, "{}")


def test_a_snapshot_with_reads_cut_by_the_timeout_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    with Hostile(_login_then_hang) as server:
        result = CliRunner().invoke(cli, ["snapshot", "--no-progress", "--timeout", "2", "-o", str(out)],
                                    env=_env(server.url), catch_exceptions=False)
    assert result.exit_code == 3
    assert "failed in transit" in result.stderr
    reads = json.loads(out.read_text())["reads"]
    assert any(r["failure"] == "network" and "--timeout of 2 s" in r["detail"] for r in reads.values())


def test_reads_cut_by_the_overall_timeout_are_unverifiable_naming_it(tmp_path: Path) -> None:
    """Login works, then every SuiteQL read hangs: UNVERIFIABLE naming the timeout, never a permission."""
    with Hostile(_login_then_hang) as server:
        code, _said, result, _ = _run(server.url, tmp_path, "--timeout", "2")
    assert code == 3
    unverifiable = [f for f in result["findings"] if f["status"] == "UNVERIFIABLE"
                    and "read_failures" in f.get("evidence", {})]
    assert unverifiable
    for finding in unverifiable:
        assert "--timeout of 2 s" in finding["message"], finding["message"]
        assert (finding.get("missing") or "").startswith("a complete answer from NetSuite"), finding["missing"]


# ---- 8. body size cap ----------------------------------------------------------------------------
def _endless(request: Request) -> None:
    request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b"x" * 65536
    while not request.release.is_set():
        request.raw(chunk)


def test_an_endless_body_is_cut_at_the_cap_with_bounded_memory() -> None:
    limit = 4 * 1024 * 1024
    with Hostile(_endless) as server:
        client = RestClient(_creds(server.url), retry=ONCE, session=SafeSession(max_body=limit))
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(BodyTooLarge) as caught:
                client.server_time()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 4 * limit, peak
    assert str(limit) in caught.value.message


def test_an_announced_huge_body_is_refused_before_reading() -> None:
    def huge(request: Request) -> None:
        request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 300000000\r\n\r\n<")
        request.release.wait(10)

    with Hostile(huge) as server:
        started = time.monotonic()
        with pytest.raises(BodyTooLarge):
            SoapClient(_creds(server.url), retry=ONCE).server_time()
    assert time.monotonic() - started < 3


def test_the_default_cap_is_well_above_a_real_page() -> None:
    from netsuite_audit.netsuite.http import MAX_BODY_BYTES

    # A 1000-row SuiteQL page of the widest table is a few MB; a SOAP page of employees some tens of MB.
    assert MAX_BODY_BYTES >= 100 * 1024 * 1024


def test_a_restlet_answer_is_redacted_before_it_is_stored() -> None:
    from netsuite_audit.collect.collector import _redacted
    from netsuite_audit.netsuite.redact import register

    register(CONSUMER_KEY)
    answer = {"preferences": {"NOTE": f"echo oauth_signature=\"abc\" key {CONSUMER_KEY}"}, "features": {"X": True}}
    cleaned = _redacted(answer)
    assert CONSUMER_KEY not in json.dumps(cleaned) and "abc" not in json.dumps(cleaned)
    assert cleaned["features"] == {"X": True}
