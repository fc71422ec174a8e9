"""Hostile answers, round two (issue 22): a hostile proxy in front of the simulator (or a small hostile
server alone) answers some requests itself. Every test goes through the command line.

What holds: an answer that is not the protocol's answer is a transport failure ("could not audit",
exit 3), never a missing permission, a false FAIL or a PASS; server text never carries a secret to any
output; a hostile answer never crashes the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.netsuite.rest import RESTLET_PATH, SERVER_TIME_PATH, SUITEQL_PATH
from netsuite_audit.netsuite.soap import SERVICE_PATH
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, serve
from tests.support.hostile import Hostile, Request, forwarding, refuse_rest_login

HEALTHY = account_data("healthy")
DEMO = account_data("demo")
SIDE = DEMO["expensify"]
WORKSPACE = FIXTURES / "workspaces" / "healthy.toml"
DEMO_WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
MAINTENANCE = "<html><body>Scheduled maintenance</body></html>"


def _env(server: SimServer, proxy: str, tmp: Path) -> dict[str, str]:
    data = server.account.fixture
    tok = data.tokens[0]
    integration = next(i for i in data.integrations if i.id == tok.integration)
    env = {
        "NSAUDIT_ACCOUNT": data.account_id, "NSAUDIT_CONSUMER_KEY": integration.consumer_key,
        "NSAUDIT_CONSUMER_SECRET": integration.consumer_secret, "NSAUDIT_TOKEN_ID": tok.token_id,
        "NSAUDIT_TOKEN_SECRET": tok.token_secret, "NSAUDIT_BASE_URL": proxy,
        "NSAUDIT_PROFILES_FILE": str(tmp / "no-profiles.toml"), "NSAUDIT_CONFIG": "",
    }
    if data.expensify is not None:
        env.update({"NSAUDIT_EXPENSIFY_USER_ID": SIDE["partner_user_id"],
                    "NSAUDIT_EXPENSIFY_USER_SECRET": SIDE["partner_user_secret"],
                    "NSAUDIT_EXPENSIFY_BASE_URL": proxy})
    return env


@contextmanager
def proxied(data: dict[str, Any], override: Callable[[Request], bool]) -> Iterator[tuple[SimServer, str]]:
    with serve(data) as server, Hostile(forwarding(server.url, override)) as proxy:
        yield server, proxy.url


def run(env: dict[str, str], tmp: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    """`nsaudit run` with JSON, HTML and text: exit code, everything said (stdout, stderr, the files)
    and the JSON result. Never a traceback."""
    out, page = tmp / "result.json", tmp / "report.html"
    result = CliRunner().invoke(cli, ["run", "--no-progress", "--timeout", "30", "-f", f"json:{out}",
                                      "-f", f"html:{page}", "-f", "text", *args], env=env, catch_exceptions=True)
    said = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), said
    assert "Traceback" not in said, said
    body = json.loads(out.read_text()) if out.exists() else {}
    files = out.read_text() + page.read_text() if out.exists() and page.exists() else ""
    return result.exit_code, said + files, body


def _permission_blamed(body: dict[str, Any]) -> list[str]:
    """Findings that blame a missing permission for a read that failed in transit."""
    blamed = []
    for finding in body.get("findings", []):
        failures = finding.get("evidence", {}).get("read_failures")
        if finding["status"] == "UNVERIFIABLE" and failures is None and "could not log in" not in finding["message"]:
            missing = finding.get("missing") or ""
            if "permission" in missing.lower() or missing.isupper():
                blamed.append(f"{finding['id']}: {missing}")
    return blamed


# ---- 1. Expensify error text never carries the partner credentials -----------------------------
@pytest.mark.parametrize("status", [200, 401, 404, 500])
def test_an_expensify_echo_of_the_job_never_reaches_any_output(status: int, tmp_path: Path) -> None:
    def echo(request: Request) -> bool:
        if "Integration-Server" not in request.path:
            return False
        from urllib.parse import parse_qs

        job = parse_qs(request.seen.body.decode())["requestJobDescription"][0]
        request.answer(status, json.dumps({"responseCode": 410, "responseMessage": "Invalid job: " + job}))
        return True

    with proxied(DEMO, echo) as (server, url):
        code, said, _ = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(DEMO_WORKSPACE),
                            "--expensify-policy", SIDE["policy"]["id"], "-v")
    assert code in (2, 3)
    assert SIDE["partner_user_secret"] not in said
    assert SIDE["partner_user_id"] not in said
    assert "[redacted]" in said


# ---- 2. a 200 that is not the protocol's answer -------------------------------------------------
@pytest.mark.parametrize(("content_type", "body"), [
    ("text/html", MAINTENANCE),
    ("application/json", json.dumps({"foo": 1})),
    ("application/json", json.dumps({"items": [1, None, "a"], "count": 3, "hasMore": False, "offset": 0,
                                     "totalResults": 3})),
])
def test_a_suiteql_200_that_is_not_suiteql_is_could_not_audit(content_type: str, body: str, tmp_path: Path) -> None:
    def answer(request: Request) -> bool:
        if request.path.startswith(SUITEQL_PATH):
            request.answer(200, body, content_type)
            return True
        return False

    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3, said[-2000:]
    assert not _permission_blamed(result), _permission_blamed(result)
    assert not [f["id"] for f in result["findings"] if f["status"] == "FAIL"]
    assert "Class [1]" not in said and "not what the protocol" in said


def test_html_on_server_time_is_a_transport_failure_not_a_missing_permission(tmp_path: Path) -> None:
    def answer(request: Request) -> bool:
        if request.path.startswith(SERVER_TIME_PATH):
            request.answer(200, MAINTENANCE, "text/html")
            return True
        return False

    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3
    assert "not what the protocol answers" in said and result["exit_code"] == 3
    assert "give the role REST Web Services" not in said


DEEP = '{"a": ' * 200_000 + "1" + "}" * 200_000


@pytest.mark.parametrize("body", [MAINTENANCE, DEEP], ids=["html", "deep"])
def test_a_restlet_answer_that_is_not_json_is_could_not_audit(body: str, tmp_path: Path) -> None:
    def answer(request: Request) -> bool:
        if request.path.startswith(RESTLET_PATH):
            request.answer(200, body, "text/html" if body.startswith("<") else "application/json")
            return True
        return False

    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3, said[-2000:]
    assert "input file" not in said
    assert "not what the protocol answers" in said and result["exit_code"] == 3


@pytest.mark.parametrize("body", ["<html>maintenance</html>", '{"responseCode": 200}',
                                  '{"responseCode": 200, "policyList": [1, 2]}'])
def test_an_expensify_200_that_is_not_its_answer_is_could_not_audit(body: str, tmp_path: Path) -> None:
    def answer(request: Request) -> bool:
        if "Integration-Server" in request.path:
            request.answer(200, body, "text/html" if body.startswith("<") else "application/json")
            return True
        return False

    with proxied(DEMO, answer) as (server, url):
        code, said, _ = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(DEMO_WORKSPACE),
                            "--expensify-policy", SIDE["policy"]["id"])
    assert code == 3, said[-2000:]
    assert "Expensify" in said and "not what the protocol answers" in said


# ---- 3. failed SOAP classification searches never pass ------------------------------------------
def _soap_search(request: Request) -> bool:
    return request.path.startswith(SERVICE_PATH) and b"<" in request.seen.body and b"search" in \
        request.seen.body.split(b"Body", 1)[-1][:200]


@pytest.mark.parametrize("how", ["503", "html"])
def test_failed_soap_classification_searches_never_pass(how: str, tmp_path: Path) -> None:
    def answer(request: Request) -> bool:
        if not _soap_search(request):
            return False
        if how == "503":
            request.answer(503, MAINTENANCE, "text/html")
        else:
            request.answer(200, MAINTENANCE, "text/html")
        return True

    with proxied(HEALTHY, answer) as (server, url):
        code, _said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE),
                                 "--check", "classification-query")
    verdicts = {f["id"]: f["status"] for f in result["findings"] if f["check_id"] == "classification-query"}
    assert "PASS" not in verdicts.values(), verdicts
    assert set(verdicts.values()) == {"UNVERIFIABLE"}, verdicts
    assert code == 3


# ---- 5. hostile token-endpoint answers: one line, exit 3, the token never shown ----------------
TOKEN_VALUE = "eyJhbGciOiJIUzI1NiJ9.hostile-token-value-0123456789.sig"


def _token_answer(token: str, expires_in: str) -> str:
    """Raw JSON (json.dumps cannot write 1e400)."""
    return '{"access_token": "' + token + '", "token_type": "Bearer", "expires_in": ' + expires_in + "}"


@pytest.mark.parametrize("body", [
    _token_answer(TOKEN_VALUE, "1e400"),
    _token_answer(TOKEN_VALUE, "-60"),
    _token_answer(TOKEN_VALUE, '"soon"'),
    _token_answer(TOKEN_VALUE + "\\n", "3600"),
    MAINTENANCE,
    DEEP,
], ids=["expires-1e400", "expires-negative", "expires-text", "token-newline", "html", "deep"])
def test_a_hostile_token_endpoint_answer_is_could_not_audit(body: str, tmp_path: Path) -> None:
    from netsuite_audit.netsuite.m2m import TOKEN_PATH
    from netsuite_audit.simulator.m2m_keys import generate_key_pair, write_private_key

    def answer(request: Request) -> None:
        if request.path.startswith(TOKEN_PATH):
            request.answer(200, body, "text/html" if body.startswith("<") else "application/json")
        else:
            request.answer(404, "{}")

    pem = generate_key_pair("ec").private_pem
    with Hostile(answer) as server:
        key = str(write_private_key(pem, tmp_path))
        env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CLIENT_ID": "hostile-client-id-0123456789",
               "NSAUDIT_CERTIFICATE_ID": "cert-hostile", "NSAUDIT_PRIVATE_KEY_FILE": key,
               "NSAUDIT_BASE_URL": server.url, "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml"),
               "NSAUDIT_CONFIG": ""}
        code, said, _ = run(env, tmp_path, "--workspace", str(WORKSPACE), "-v")
    assert code == 3, said[-3000:]
    assert "hostile-token-value" not in said
    assert "input file" not in said
    assert "not what the protocol answers" in said


# ---- 5. hostile Expensify answers: one line, exit 3, never a traceback --------------------------
POLICY_ID = "F1E2D3C4B5A69788"
GOOD_LINE = {"id": "R1", "employee": "a@b.example", "policyID": POLICY_ID,
             "lines": [{"transactionID": "1", "amount": 1250, "currency": "USD", "created": "2026-11-02"}]}


def _expensify_script(policy_info: str, download: str) -> Callable[[Request], None]:
    """An Integration Server that answers the policy list well and the rest with what a test gives."""
    from urllib.parse import parse_qs

    def answer(request: Request) -> None:
        if "Integration-Server" not in request.path:
            request.answer(404, "{}")
            return
        job = json.loads(parse_qs(request.seen.body.decode())["requestJobDescription"][0])
        kind = job["type"], (job.get("inputSettings") or {}).get("type")
        if kind == ("get", "policyList"):
            body = json.dumps({"responseCode": 200, "policyList": [
                {"id": POLICY_ID, "name": "Hostile", "role": "admin", "type": "corporate"}]})
        elif kind == ("get", "policy"):
            body = '{"responseCode": 200, "policyInfo": ' + policy_info + "}"
        elif job["type"] == "file":
            request.answer(200, "nsaudit-export.json", "text/plain")
            return
        else:
            request.answer(200, download, "application/json")
            return
        request.answer(200, body)

    return answer


def _policy(**fields: Any) -> str:
    return json.dumps({POLICY_ID: {"categories": [], "tags": [], "reportFields": [], **fields}})


@pytest.mark.parametrize(("policy_info", "download"), [
    ("[1]", json.dumps(GOOD_LINE)),
    (_policy(reportFields=[{"name": "Project", "type": "dropdown", "values": 5}]), json.dumps(GOOD_LINE)),
    (_policy(), json.dumps({**GOOD_LINE, "lines": [1, 2]})),
    (_policy(), json.dumps(GOOD_LINE).replace("1250", "1e400")),
    (_policy(), '{"id": ' * 200_000 + "1" + "}" * 200_000),
    ('{"a": ' * 200_000 + "1" + "}" * 200_000, ""),
], ids=["policyInfo-list", "values-number", "lines-numbers", "amount-1e400", "download-deep", "policy-deep"])
def test_a_hostile_expensify_answer_is_one_line_exit_3(policy_info: str, download: str, tmp_path: Path) -> None:
    with Hostile(_expensify_script(policy_info, download)) as server:
        env = {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck-hostile-0123456789",
               "NSAUDIT_CONSUMER_SECRET": "cs-hostile-0123456789", "NSAUDIT_TOKEN_ID": "tk-hostile-0123456789",
               "NSAUDIT_TOKEN_SECRET": "ts-hostile-0123456789", "NSAUDIT_BASE_URL": server.url,
               "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml"), "NSAUDIT_CONFIG": "",
               "NSAUDIT_EXPENSIFY_USER_ID": "hostile_partner_user", "NSAUDIT_EXPENSIFY_USER_SECRET": "pus-hostile-0123",
               "NSAUDIT_EXPENSIFY_BASE_URL": server.url}
        code, said, _ = run(env, tmp_path, "--workspace", str(WORKSPACE), "--expensify-policy", POLICY_ID,
                            "--expensify-reports", "approved")
    assert code == 3, said[-3000:]
    lines = [line for line in said.splitlines() if line.startswith("nsaudit: error:")]
    assert len(lines) == 1 and "Expensify" in lines[0] and "input file" not in said, said[-3000:]
    assert "pus-hostile-0123" not in said


# ---- 8. a malformed SOAP dateTime never prints zeep's traceback ----------------------------------
def test_a_malformed_soap_datetime_prints_no_traceback(tmp_path: Path) -> None:
    import re

    def rewrite(request: Request, body: bytes) -> bytes:
        if request.path.startswith(SERVICE_PATH):
            return re.sub(rb"(<[\w:]*serverTime>)[^<]*", rb"\g<1>2026-13-45T99:99:99Z", body)
        return body

    with serve(HEALTHY) as server, Hostile(forwarding(server.url, lambda r: False, rewrite)) as proxy:
        # A subprocess: pytest's log capture would otherwise take the record before Python prints it.
        env = {**os.environ, **_env(server, proxy.url, tmp_path)}
        result = subprocess.run([sys.executable, "-m", "netsuite_audit", "run", "--no-progress", "--workspace",
                                 str(WORKSPACE), "-f", "text"], env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr and "Error during xml" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 3)


# ---- 4. one deadline and one memory budget for the whole run ---------------------------------------
def _expensify_env(url: str, tmp: Path) -> dict[str, str]:
    return {"NSAUDIT_ACCOUNT": "1234567", "NSAUDIT_CONSUMER_KEY": "ck-hostile-0123456789",
            "NSAUDIT_CONSUMER_SECRET": "cs-hostile-0123456789", "NSAUDIT_TOKEN_ID": "tk-hostile-0123456789",
            "NSAUDIT_TOKEN_SECRET": "ts-hostile-0123456789", "NSAUDIT_BASE_URL": url,
            "NSAUDIT_PROFILES_FILE": str(tmp / "none.toml"), "NSAUDIT_CONFIG": "",
            "NSAUDIT_EXPENSIFY_USER_ID": "hostile_partner_user", "NSAUDIT_EXPENSIFY_USER_SECRET": "pus-hostile-0123",
            "NSAUDIT_EXPENSIFY_BASE_URL": url}


def _hang(request: Request) -> None:
    request.release.wait(120)


def _trickle(request: Request) -> None:
    request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{")
    while not request.release.wait(0.2):
        request.raw(b" ")


def _endless(request: Request) -> None:
    request.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b" " * 65536
    while not request.release.is_set():
        request.raw(chunk)


@pytest.mark.parametrize("answer", [_hang, _trickle], ids=["hang", "trickle"])
def test_expensify_keeps_to_the_runs_timeout(answer: Callable[[Request], None], tmp_path: Path) -> None:
    """Before issue 22 the Expensify reads used a plain session outside --timeout (a hang took 60 s, a
    trickle never ended). `benchmarks.hostile_memory` measures the 15 s case."""
    with Hostile(answer) as server:
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--workspace", str(WORKSPACE), "--timeout", "2",
                                          "--expensify-policy", POLICY_ID], env=_expensify_env(server.url, tmp_path))
    assert result.exit_code == 3, result.stderr
    assert "--timeout of 2 s" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_an_endless_expensify_body_is_one_line_exit_3(tmp_path: Path) -> None:
    with Hostile(_endless) as server:
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--workspace", str(WORKSPACE), "--timeout", "60",
                                          "--expensify-policy", POLICY_ID], env=_expensify_env(server.url, tmp_path))
    assert result.exit_code == 3, result.stderr
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr
    assert "stopped reading it" in result.stderr


def test_absurd_totals_are_a_transport_failure(tmp_path: Path) -> None:
    """A SuiteQL totalResults of 10^12 and a transaction look-up promising millions of rows: one page
    each, then could not audit (before issue 22 memory grew at ~700 MB/s until the time limit)."""
    def answer(request: Request) -> bool:
        if not request.path.startswith(SUITEQL_PATH):
            return False
        total = 10**12 if b"FROM transaction" not in request.seen.body else 5_000_000
        items = [{"id": str(n)} for n in range(1000)]
        request.answer(200, json.dumps({"items": items, "count": 1000, "hasMore": True, "offset": 0,
                                        "totalResults": total}))
        return True

    reports = tmp_path / "reports.json"
    reports.write_text(json.dumps({"reports": [{"id": "R1", "employee": "dana.whitfield@northwind.example",
                                                "lines": [{"amount": 10, "category": "Meals"}]}]}))
    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE),
                                 "--reports", str(reports))
    assert code == 3
    assert "totalResults 1000000000000" in said and "promised 5000000 rows" in said
    assert not _permission_blamed(result)


def test_a_huge_soap_total_pages_is_a_transport_failure(tmp_path: Path) -> None:
    """REST refused, the tables read over SOAP: a search promising 10^12 pages is not a MemoryError
    reported as a missing permission."""
    import re


    def rewrite(request: Request, body: bytes) -> bytes:
        return re.sub(rb"(<[\w:]*totalPages>)\d+", rb"\g<1>1000000000000", body)

    with serve(HEALTHY) as server, Hostile(forwarding(server.url, refuse_rest_login, rewrite)) as proxy:
        code, said, result = run(_env(server, proxy.url, tmp_path), tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3
    assert "MemoryError" not in said and "1000000000000 pages" in said
    assert not _permission_blamed(result)


# ---- 6 and 8. lone surrogates and control/bidi characters from a server, in every output ----------
HOSTILE_TEXT = "\x1b]0;pwned\x07 \x1b[2J\u202eevil\u202c \u061c \ud800 end"
RAW = ("\x1b", "\x07", "\u202e", "\u061c", "\ud800")


def _poison(request: Request, body: bytes) -> bytes:
    """Every name and fullname in SuiteQL answers gains control, bidi and lone-surrogate characters."""
    if not request.path.startswith(SUITEQL_PATH):
        return body
    data = json.loads(body)
    for item in data.get("items", []):
        for key in ("name", "fullname", "entityid", "firstname"):
            if isinstance(item.get(key), str):
                item[key] = item[key] + HOSTILE_TEXT
    return json.dumps(data).encode()  # ensure_ascii: the surrogate travels as \\ud800, as a server sends it


def test_hostile_characters_from_a_server_reach_no_output_raw(tmp_path: Path) -> None:
    formats = {"html": "r.html", "csv": "r.csv", "junit": "r.xml", "sarif": "r.sarif", "markdown": "r.md",
               "json": "r.json", "text": "r.txt"}
    args = [arg for fmt, name in formats.items() for arg in ("-f", f"{fmt}:{tmp_path / name}")]
    with serve(DEMO) as server, Hostile(forwarding(server.url, lambda r: False, _poison)) as proxy:
        env = _env(server, proxy.url, tmp_path)
        env.pop("NSAUDIT_EXPENSIFY_BASE_URL")
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--workspace", str(DEMO_WORKSPACE), "-f", "text",
                                          *args], env=env, catch_exceptions=True)
        snap = CliRunner().invoke(cli, ["snapshot", "--no-progress", "-o", str(tmp_path / "snap.json")], env=env,
                                  catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.stderr
    assert "evil" in result.stdout
    for fmt, name in formats.items():
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "evil" in text, fmt  # the value is there ...
        leaked = [hex(ord(c)) for c in RAW if c in text]
        assert not leaked, (fmt, leaked)  # ... without a raw control, bidi or surrogate character
    assert not [c for c in RAW if c in result.stdout]
    assert "\\u202e" in (tmp_path / "r.html").read_text(encoding="utf-8")  # escaped visibly, not dropped
    assert snap.exit_code == 0, snap.stderr
    assert "\\ufffd" in (tmp_path / "snap.json").read_text(encoding="utf-8") or \
        "\ufffd" in (tmp_path / "snap.json").read_text(encoding="utf-8")
