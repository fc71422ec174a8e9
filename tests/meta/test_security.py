"""No secret ever leaves nsaudit: every command, every output format, every credential source.

Secrets are known here (the demo fixture's consumer and token secrets, a profiles file, and the
NSAUDIT_*_SECRET environment variables); each command's stdout, stderr, log records (DEBUG) and
every file it wrote are searched for them, whole and in fragments."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import requests
from click.testing import CliRunner, Result

from netsuite_audit.cli import cli
from netsuite_audit.render.emit import RENDERERS
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, serve
from tests.support.write_guard import unexpected_writes

DEMO = account_data("demo")
FIXTURE_SECRETS = [i["consumer_secret"] for i in DEMO["integrations"]] + [t["token_secret"] for t in DEMO["tokens"]] \
    + [DEMO["expensify"]["partner_user_secret"]]
PROFILE_SECRETS = ["pf-consumer-S3cret-0123456789abcdef", "pf-token-S3cret-fedcba9876543210"]
WRONG_SECRETS = ["env-wrong-consumer-S3cret-000111", "env-wrong-token-S3cret-222333",
                 "env-wrong-expensify-S3cret-444555"]
ALL_SECRETS = FIXTURE_SECRETS + PROFILE_SECRETS + WRONG_SECRETS
WORKSPACE = FIXTURES / "workspaces" / "demo.toml"


def _needles() -> list[str]:
    """Each secret, and its first and last 12 characters (a truncated secret is still a leak)."""
    found: set[str] = set()
    for secret in ALL_SECRETS:
        found.update({secret, secret[:12], secret[-12:]})
    return sorted(found)


NEEDLES = _needles()


def assert_clean(where: str, text: str) -> None:
    leaked = [n for n in NEEDLES if n in text]
    if leaked:  # pytest.fail, not assert: the assertion rewrite would print the secret itself
        pytest.fail(f"secret material in {where} (secret starting {leaked[0][:4]}...)", pytrace=False)


def assert_files_clean(root: Path, inputs: tuple[str, ...] = ("profiles.toml",)) -> int:
    """Search every file under ``root`` except the inputs the test wrote on purpose; returns the count."""
    count = 0
    for path in root.rglob("*"):
        if path.is_file() and path.name not in inputs:
            count += 1
            assert_clean(str(path), path.read_bytes().decode("utf-8", "replace"))
    return count


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with serve(DEMO) as server:
        yield server


def _token(index: int) -> tuple[str, str, str, str]:
    token = DEMO["tokens"][index]
    integration = next(i for i in DEMO["integrations"] if i["id"] == token["integration"])
    return integration["consumer_key"], integration["consumer_secret"], token["token_id"], token["token_secret"]


def _env(server: SimServer, tmp: Path, *, secrets: tuple[str, str] | None = None) -> dict[str, str]:
    key, consumer_secret, token_id, token_secret = _token(0)
    if secrets is not None:
        consumer_secret, token_secret = secrets
    return {
        "NSAUDIT_ACCOUNT": DEMO["account_id"], "NSAUDIT_CONSUMER_KEY": key,
        "NSAUDIT_CONSUMER_SECRET": consumer_secret, "NSAUDIT_TOKEN_ID": token_id,
        "NSAUDIT_TOKEN_SECRET": token_secret, "NSAUDIT_BASE_URL": server.url,
        "NSAUDIT_PROFILES_FILE": str(tmp / "no-profiles.toml"),
    }


def _profiles(server: SimServer, tmp: Path) -> Path:
    """A profiles file: 'live' logs in (the demo token), 'known' holds the test's own known secrets."""
    key, consumer_secret, token_id, token_secret = _token(0)
    path = tmp / "profiles.toml"
    path.write_text(
        f'[profiles.live]\naccount = "{DEMO["account_id"]}"\nconsumer_key = "{key}"\n'
        f'consumer_secret = "{consumer_secret}"\ntoken_id = "{token_id}"\ntoken_secret = "{token_secret}"\n'
        f'base_url = "{server.url}"\n\n'
        f'[profiles.known]\naccount = "{DEMO["account_id"]}"\nconsumer_key = "{key}"\n'
        f'consumer_secret = "{PROFILE_SECRETS[0]}"\ntoken_id = "{token_id}"\n'
        f'token_secret = "{PROFILE_SECRETS[1]}"\nbase_url = "{server.url}"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def _invoke(args: list[str], env: dict[str, str], caplog: pytest.LogCaptureFixture) -> Result:
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_clean("stdout", result.stdout)
    assert_clean("stderr", result.stderr)
    for record in caplog.records:
        assert_clean(f"log record {record.name}", record.getMessage() + repr(record.args) + str(record.exc_info))
    return result


# ---- nsaudit run, every format, every credential source ------------------------------------------
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_run_demo_every_format(fmt: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / f"result.{fmt}"
    result = _invoke(["run", "--demo", "--no-progress", "-f", f"{fmt}:{out}", "-f", "text"],
                     {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}, caplog)
    assert result.exit_code in (0, 1), result.stderr
    assert out.stat().st_size > 0
    assert assert_files_clean(tmp_path) >= 1


def test_run_with_env_secrets(sim: SimServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "result.json"
    result = _invoke(["run", "--workspace", str(WORKSPACE), "--no-progress", "-f", f"json:{out}"],
                     _env(sim, tmp_path), caplog)
    assert result.exit_code in (0, 1), result.stderr
    body = json.loads(out.read_text())
    assert any(f["check_id"] == "login" and f["status"] == "PASS" for f in body["findings"])
    assert_files_clean(tmp_path)


def test_run_with_wrong_env_secrets(sim: SimServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A refused login: the error paths must not echo the secrets either."""
    out = tmp_path / "result.sarif"
    result = _invoke(["run", "--workspace", str(WORKSPACE), "--no-progress", "-f", f"sarif:{out}", "-f", "text"],
                     _env(sim, tmp_path, secrets=(WRONG_SECRETS[0], WRONG_SECRETS[1])), caplog)
    assert result.exit_code == 3
    assert "InvalidSignature" in " ".join(sim.trail.causes()) or sim.trail.failures()
    assert_files_clean(tmp_path)


@pytest.mark.parametrize("profile", ["live", "known"])
def test_run_and_snapshot_with_profiles_file(profile: str, sim: SimServer, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    env = {"NSAUDIT_PROFILES_FILE": str(_profiles(sim, tmp_path))}
    out = tmp_path / "result.md"
    result = _invoke(["run", "--profile", profile, "--workspace", str(WORKSPACE), "--no-progress",
                      "-f", f"markdown:{out}", "-f", "json"], env, caplog)
    # 'known' holds secrets NetSuite does not accept: the login is refused and the run cannot audit.
    assert result.exit_code == 3 if profile == "known" else result.exit_code in (0, 1), result.stderr
    snap = tmp_path / "snap.json"
    result = _invoke(["snapshot", "--profile", profile, "--workspace", str(WORKSPACE), "--no-progress",
                      "-o", str(snap)], env, caplog)
    assert snap.exists()
    assert assert_files_clean(tmp_path) == 2  # the result and the snapshot (the profiles file is input)


# ---- the Expensify side: partnerUserSecret from env, profile or the demo fixture ---------------------
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_run_demo_expensify_every_format(fmt: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out, snap = tmp_path / f"result.{fmt}", tmp_path / "snap.json"
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    result = _invoke(["run", "--demo", "--expensify", "-v", "--no-progress", "-f", f"{fmt}:{out}", "-f", "text"],
                     env, caplog)
    assert result.exit_code in (0, 1), result.stderr
    result = _invoke(["snapshot", "--demo", "--expensify", "-v", "--no-progress", "-o", str(snap)], env, caplog)
    assert result.exit_code == 0, result.stderr
    assert assert_files_clean(tmp_path) == 2


@pytest.mark.parametrize("secret", ["right", "wrong"])
@pytest.mark.parametrize("where", ["env", "profile"])
def test_run_expensify_policy_secrets(secret: str, where: str, sim: SimServer, tmp_path: Path,
                                      caplog: pytest.LogCaptureFixture) -> None:
    side = DEMO["expensify"]
    value = side["partner_user_secret"] if secret == "right" else WRONG_SECRETS[2]
    env = _env(sim, tmp_path)
    env["NSAUDIT_EXPENSIFY_BASE_URL"] = sim.url
    if where == "env":
        env.update({"NSAUDIT_EXPENSIFY_USER_ID": side["partner_user_id"], "NSAUDIT_EXPENSIFY_USER_SECRET": value})
    else:
        profiles = tmp_path / "profiles.toml"
        profiles.write_text(f'[expensify.default]\nuser_id = "{side["partner_user_id"]}"\nuser_secret = "{value}"\n')
        env["NSAUDIT_PROFILES_FILE"] = str(profiles)
    out = tmp_path / "result.json"
    result = _invoke(["run", "--workspace", str(FIXTURES / "workspaces" / "demo-expensify.toml"), "-v",
                      "--expensify-policy", side["policy"]["id"], "--expensify-reports", "all-unexported",
                      "--no-progress", "-f", f"json:{out}", "-f", "text"], env, caplog)
    assert result.exit_code == (2 if secret == "wrong" else 1), result.stderr
    result = _invoke(["config", "show", "--expensify-policy", side["policy"]["id"]], env, caplog)
    assert result.exit_code == 0
    assert assert_files_clean(tmp_path) == (1 if secret == "right" else 0)


# ---- the other commands ----------------------------------------------------------------------------
def test_snapshot_then_offline_run(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    snap = tmp_path / "demo.snapshot.json"
    env = {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
    result = _invoke(["snapshot", "--demo", "--no-progress", "-o", str(snap)], env, caplog)
    assert result.exit_code == 0, result.stderr
    for fmt in sorted(RENDERERS):
        result = _invoke(["run", "--snapshot", str(snap), "--workspace", str(WORKSPACE),
                          "-f", f"{fmt}:{tmp_path / ('offline.' + fmt)}"], env, caplog)
        assert result.exit_code in (0, 1), result.stderr
    assert assert_files_clean(tmp_path) == 1 + len(RENDERERS)


@pytest.mark.parametrize("args", [["checks"], ["checks", "--format", "json"], ["explain", "NS0109"],
                                  ["explain", "--list"], ["--version"], ["--help"], ["sim", "--help"]])
def test_other_commands(args: list[str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = _invoke(args, {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}, caplog)
    assert result.exit_code == 0, result.stderr


def _report_command() -> click.Command | None:
    with click.Context(cli) as ctx:
        command = cli.get_command(ctx, "report")
    if command is not None:
        return command
    try:
        from netsuite_audit.commands.report import report_command
    except ImportError:
        return None
    return report_command


def test_report_command(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    command = _report_command()
    if command is None:
        pytest.skip("no report command in this checkout")
    stored = tmp_path / "result.json"
    _invoke(["run", "--demo", "--no-progress", "-f", f"json:{stored}"],
            {"NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}, caplog)
    for fmt in ("html", "markdown", "junit", "sarif", "csv", "text"):
        caplog.set_level(logging.DEBUG)
        result = CliRunner().invoke(command, [str(stored), "-f", fmt, "-o",
                                                              str(tmp_path / f"again.{fmt}")])
        assert result.exit_code == 0, result.stderr
        assert_clean("stdout", result.stdout)
        assert_clean("stderr", result.stderr)
    assert_files_clean(tmp_path)


def test_sim_serve_prints_no_secret(tmp_path: Path) -> None:
    """``nsaudit sim serve`` in its own process, with a login against it, stopped with Ctrl-C."""
    cmd = [sys.executable, "-c",
           "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
           "sys.argv[0] = 'nsaudit'; from netsuite_audit.cli import main; main()",
           "sim", "serve", "--account", str(FIXTURES / "accounts" / "demo.json")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")})
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "listening on" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert ready.wait(60), "sim serve did not start"
        url = re.search(r"listening on (http://\S+)", "".join(lines))
        assert url is not None, lines
        from netsuite_audit.netsuite.oauth import rest_auth
        from netsuite_audit.simulator.demo import token_credentials
        from netsuite_audit.simulator.fixture import load_fixture

        creds = token_credentials(load_fixture(FIXTURES / "accounts" / "demo.json"), 0, url.group(1), "t")
        response = requests.get(url.group(1) + "/services/rest/system/v1/serverTime", auth=rest_auth(creds),
                                timeout=10)
        assert response.status_code == 200
        assert_clean("sim response", response.text + str(response.headers))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    # Only the reader thread reads stdout; wait until it has seen the end of it, so a loaded machine
    # cannot cut the trail short.
    reader.join(timeout=30)
    assert proc.stderr is not None
    err = proc.stderr.read()
    output = "".join(lines)
    assert "rest" in output and "ok" in output, output  # the login was shown in the trail
    assert_clean("sim serve stdout", output)
    assert_clean("sim serve stderr", err)
    assert_files_clean(tmp_path)


# ---- the write guard ------------------------------------------------------------------------------
@pytest.mark.write_probe
def test_write_probe_tests_are_exempt_from_the_write_guard(mini_account: dict[str, object]) -> None:
    """A write tried on purpose inside a write_probe test: refused, counted, and not held against
    the session (the guard's session-finish hook exempts servers started in this test)."""
    from netsuite_audit.simulator.fixture import parse_fixture

    with SimServer(parse_fixture(mini_account, "mini")) as server:
        response = requests.delete(server.url + "/services/rest/record/v1/customer/1", timeout=10)
        assert response.status_code in (401, 403)
        assert server.counters.write_attempts == 1
        assert unexpected_writes([server], set()) != {}  # the guard would see it...
        assert unexpected_writes([server], {id(server)}) == {}  # ...and the exemption removes it


def test_write_guard_fails_a_session_that_writes(tmp_path: Path) -> None:
    """Run a tiny pytest session with the guard whose test writes without the marker: it must fail."""
    test = tmp_path / "test_writes.py"
    test.write_text(
        "import requests\n"
        "from tests.conftest import MINI_ACCOUNT\n"
        "from netsuite_audit.simulator.fixture import parse_fixture\n"
        "from netsuite_audit.simulator.server import SimServer\n\n"
        "def test_sneaky_write():\n"
        "    with SimServer(parse_fixture(MINI_ACCOUNT, 'mini')) as server:\n"
        "        requests.post(server.url + '/services/rest/record/v1/customer', json={}, timeout=10)\n",
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.write_guard", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(test)],
        cwd=root, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert "1 passed" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    assert "write guard" in done.stdout


# ---- OAuth 2.0: the private key, the client assertion and the access token ---------------------------
def _m2m_needles(key_pem: str, server: SimServer) -> list[str]:
    """The key's base64 lines (each alone is a leak), and every assertion and token the simulator saw,
    whole and by their signature part."""
    body = [line for line in key_pem.splitlines() if line and not line.startswith("-----")]
    jwts = [*server.account.seen_assertions, *server.account.issued_tokens]
    return sorted({*body, *jwts, *(t.rsplit(".", 1)[-1] for t in jwts)})


def _assert_m2m_clean(where: str, text: str, needles: list[str]) -> None:
    leaked = [n for n in needles if n in text]
    if leaked:
        pytest.fail(f"OAuth 2.0 secret material in {where} (starting {leaked[0][:4]}...)", pytrace=False)


@pytest.mark.parametrize("good_key", [True, False], ids=["logged-in", "refused"])
def test_oauth2_key_assertion_and_token_never_leave(good_key: bool, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    from netsuite_audit.simulator.fixture import parse_fixture
    from netsuite_audit.simulator.m2m_keys import generate_key_pair, with_mapping, write_private_key

    pair = generate_key_pair("ec")
    signing = pair if good_key else generate_key_pair("ec")
    fixture = with_mapping(parse_fixture(DEMO, "demo"), certificate=pair.certificate_pem, certificate_id="c-1",
                           entity=5, role=1001, application=1)
    keys = tmp_path / "keys"
    keys.mkdir()
    key_file = write_private_key(signing.private_pem, keys)
    out = tmp_path / "out"
    out.mkdir()
    caplog.set_level(logging.DEBUG)
    with SimServer(fixture) as server:
        env = {"NSAUDIT_ACCOUNT": DEMO["account_id"], "NSAUDIT_CLIENT_ID": DEMO["integrations"][0]["consumer_key"],
               "NSAUDIT_CERTIFICATE_ID": "c-1", "NSAUDIT_PRIVATE_KEY_FILE": str(key_file),
               "NSAUDIT_BASE_URL": server.url, "NSAUDIT_PROFILES_FILE": str(tmp_path / "none.toml")}
        args = ["run", "--workspace", str(WORKSPACE), "--no-progress", "-f", "text"]
        for fmt in sorted(RENDERERS):
            args += ["-f", f"{fmt}:{out / ('result.' + fmt)}"]
        run = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
        snap = CliRunner().invoke(cli, ["snapshot", "--workspace", str(WORKSPACE), "--no-progress", "-o",
                                        str(out / "snapshot.json")], env=env, catch_exceptions=False)
        needles = _m2m_needles(signing.private_pem, server)
        trail = "\n".join(e.line() for e in server.trail.entries())
    assert server.account.seen_assertions, "no assertion reached the simulator"
    assert bool(server.account.issued_tokens) is good_key
    assert run.exit_code == (1 if good_key else 3), run.output
    for name, text in (("run output", run.stdout + run.stderr), ("snapshot output", snap.stdout + snap.stderr),
                       ("simulator trail", trail)):
        _assert_m2m_clean(name, text, needles)
    for record in caplog.records:
        _assert_m2m_clean(f"log record {record.name}", record.getMessage() + repr(record.args), needles)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) == len(RENDERERS) + 1
    for path in written:
        _assert_m2m_clean(str(path), path.read_text(encoding="utf-8", errors="replace"), needles)
