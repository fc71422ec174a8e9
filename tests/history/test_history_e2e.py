"""Done-when of the audit history, through the CLI against the simulator, on a real SQLite file and a
real PostgreSQL database: three audits of the demo account, a defect fixed between the first two and
back in the third, the role edited and a token revoked; `nsaudit history` shows the finding fixed,
then come back, with dates; the evidence pack lists identities, the permission change, the findings
and the sign-off block (and renders in a real browser); no secret is ever stored; a history that
cannot be written changes nothing but one line on stderr."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import MetaData, select

from netsuite_audit.cli import cli
from netsuite_audit.history.store import HistoryStore
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, find, serve

WORKSPACE = FIXTURES / "workspaces" / "demo.toml"
REPORTS = FIXTURES / "reports" / "demo.json"
CHROMIUM = Path("/usr/bin/chromium")


def _profiles(server: SimServer) -> str:
    fixture = server.account.fixture
    out = []
    for name, token in (("demo", fixture.tokens[0]), ("demo-audit", fixture.tokens[1])):
        integration = next(i for i in fixture.integrations if i.id == token.integration)
        out.append(f'[profiles.{name}]\naccount = "{fixture.account_id}"\nconsumer_key = "{integration.consumer_key}"\n'
                   f'consumer_secret = "{integration.consumer_secret}"\ntoken_id = "{token.token_id}"\n'
                   f'token_secret = "{token.token_secret}"\nbase_url = "{server.url}"\n')
    return "\n".join(out)


def _cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _audit(data: dict[str, Any], tmp_path: Path, *extra: str) -> Result:
    with serve(data) as server:
        profiles = tmp_path / "profiles.toml"
        profiles.write_text(_profiles(server))
        profiles.chmod(0o600)
        return _cli("run", "--profile", "demo", "--audit-profile", "demo-audit", "--workspace", str(WORKSPACE),
                    "--reports", str(REPORTS), "--no-color", "--no-progress", *extra)


def _finding(history: str, code: str) -> dict[str, Any]:
    done = _cli("history", "--history", history, "--code", code, "--format", "json")
    assert done.exit_code == 0, done.stderr
    found = json.loads(done.stdout)["findings"]
    assert len(found) == 1, found
    return found[0]


def _secrets(data: dict[str, Any]) -> set[str]:
    values = {i["consumer_secret"] for i in data["integrations"]} | {i["consumer_key"] for i in data["integrations"]}
    values |= {t["token_secret"] for t in data["tokens"]} | {t["token_id"] for t in data["tokens"]}
    side = data.get("expensify") or {}
    values |= {str(side[k]) for k in ("partner_user_id", "partner_user_secret") if side.get(k)}
    return values


def _everything_stored(history: str) -> str:
    if "://" not in history:
        return Path(history).read_bytes().decode("utf-8", "replace")
    store = HistoryStore.open(history)
    try:
        meta = MetaData()
        meta.reflect(store.engine)
        with store.connect() as conn:
            return "\n".join(repr(row) for table in meta.sorted_tables for row in conn.execute(select(table)))
    finally:
        store.close()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NSAUDIT_PROFILES_FILE", str(tmp_path / "profiles.toml"))
    for var in ("NSAUDIT_ACCOUNT", "NSAUDIT_BASE_URL", "NSAUDIT_PROFILE", "NSAUDIT_NO_HISTORY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fixed_then_back_with_dates_and_the_evidence_pack(isolated: Path, history_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NSAUDIT_HISTORY", history_url)
    today = datetime.now(UTC).date().isoformat()
    shipped = account_data("demo")
    fixed = account_data("demo")
    find(fixed["currencies"], symbol="GBP")["inactive"] = False  # NS0012 (inactive currency) fixed
    find(fixed["roles"], id=1001)["permissions"]["LIST_VENDOR"] = "Full"  # the role is edited
    back = account_data("demo")  # GBP inactive again; the role keeps its new level; a token is revoked
    find(back["roles"], id=1001)["permissions"]["LIST_VENDOR"] = "Full"
    find(back["tokens"], id=3)["revoked"] = True

    first = _audit(shipped, isolated)
    assert first.exit_code == 1 and "history not recorded" not in first.stderr, first.stderr
    assert _finding(history_url, "NS0012")["status"] == "open"

    second = _audit(fixed, isolated)
    assert second.exit_code == 1 and "history not recorded" not in second.stderr, second.stderr
    ns0012 = _finding(history_url, "NS0012")
    assert ns0012["status"] == f"fixed on {today}" and ns0012["fixed_on"] == today
    assert ns0012["fingerprint"] == "currency-valid/currency:4"  # Finding.id, as --baseline and diff match

    third = _audit(back, isolated)
    assert third.exit_code == 1, third.stderr
    ns0012 = _finding(history_url, "NS0012")
    assert ns0012["status"] == f"came back on {today}" and ns0012["came_back_on"] == today
    assert ns0012["times_fixed"] == 1 and ns0012["last_status"] == "FAIL"

    text = _cli("history", "--history", history_url)
    assert text.exit_code == 0, text.stderr
    assert "Runs (3)" in text.stdout and f"came back on {today}" in text.stdout
    assert "currency-valid/currency:4" in text.stdout and "Mean time to fix per code" in text.stdout
    listing = json.loads(_cli("history", "--history", history_url, "--format", "json").stdout)
    assert [r["exit_code"] for r in listing["runs"]] == [1, 1, 1]
    assert all(len(r["snapshot_sha256"]) == 64 and r["source"] == "live" for r in listing["runs"])
    assert any(f["code"] == "NS0012" and f["fixes"] == 1 for f in listing["time_to_fix"])
    rows = list(csv.DictReader(io.StringIO(_cli("history", "--history", history_url, "--format", "csv",
                                                "--account", "1234567").stdout)))
    assert any(r["code"] == "NS0012" and r["came_back_on"] == today for r in rows)

    pack = isolated / "pack.html"
    done = _cli("history", "--history", history_url, "evidence", "--from", today, "--to", today, "-o", str(pack))
    assert done.exit_code == 0, done.stderr
    html = pack.read_text(encoding="utf-8")
    for text_ in ("Expensify - Alex Morgan - Expensify Integration", "active → revoked", "LIST_VENDOR",
                  "came back", "fixed", "currency-valid/currency:4", "Reviewer sign-off", "<svg",
                  "Scope and limitations"):
        assert text_ in html, text_
    markdown = _cli("history", "--history", history_url, "evidence", "--from", today, "--to", today).stdout
    assert "| 1234567 | LIST_VENDOR" in markdown and "| View | Full |" in markdown
    assert "## Reviewer sign-off" in markdown
    evidence_csv = _cli("history", "--history", history_url, "evidence", "--from", today, "--to", today,
                        "--format", "csv").stdout
    assert "permission,1234567,LIST_VENDOR,View -> Full" in evidence_csv

    stored = _everything_stored(history_url)
    assert "currency-valid/currency:4" in stored  # the scan reads what was stored
    leaked = [s for s in _secrets(shipped) if s in stored]
    assert leaked == [], "a secret, token id or consumer key was stored in the history"



def _three_runs(tmp_path: Path) -> None:
    """The shipped demo, GBP active and the role edited, then GBP inactive again and a token revoked."""
    fixed = account_data("demo")
    find(fixed["currencies"], symbol="GBP")["inactive"] = False
    find(fixed["roles"], id=1001)["permissions"]["LIST_VENDOR"] = "Full"
    back = account_data("demo")
    find(back["roles"], id=1001)["permissions"]["LIST_VENDOR"] = "Full"
    find(back["tokens"], id=3)["revoked"] = True
    for data in (account_data("demo"), fixed, back):
        assert _audit(data, tmp_path).exit_code == 1


@pytest.mark.chromium
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                  "(apt-get install chromium; scripts/test does it)")
def test_the_evidence_pack_in_a_real_browser(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack's text as a real browser lays it out: identities, the permission change, findings,
    sign-off; and it prints (PDF)."""
    history = str(isolated / "history.sqlite3")
    monkeypatch.setenv("NSAUDIT_HISTORY", history)
    _three_runs(isolated)
    today = datetime.now(UTC).date().isoformat()
    pack = isolated / "pack.html"
    assert _cli("history", "evidence", "--from", today, "--to", today, "-o", str(pack)).exit_code == 0
    tmp_path = isolated
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    done = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--dump-dom", pack.as_uri()],
                          capture_output=True, text=True, timeout=90, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for section in ("identities", "permissions", "findings", "runs", "scope", "signoff"):
        assert f'id="{section}"' in dom, section
    for text in ("nsaudit - Alex Morgan - Administrator", "LIST_VENDOR", "View", "Full", "NS0012",
                 "came back", "Reviewer", "Signature", "Open findings"):
        assert text in dom, text
    pdf = tmp_path / "pack.pdf"
    printed = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                              pack.as_uri()], capture_output=True, text=True, timeout=90, check=False,
                             stdin=subprocess.DEVNULL)
    assert printed.returncode == 0 and pdf.stat().st_size > 5000, printed.stderr[-2000:]


def test_a_history_that_cannot_be_written_changes_nothing_but_one_line(isolated: Path) -> None:
    blocker = isolated / "not-a-folder"
    blocker.write_text("a file where the history's folder should be")
    plain = _audit(account_data("demo"), isolated, "--no-history")
    broken = _audit(account_data("demo"), isolated, "--history", str(blocker / "history.sqlite3"))
    assert broken.exit_code == plain.exit_code == 1
    lines = [line for line in broken.stderr.splitlines() if "history" in line]
    assert len(lines) == 1 and lines[0].startswith("nsaudit: warning: history not recorded in "), broken.stderr
    # the same output but for the port of each run's own simulator (the provenance line names it)
    assert re.sub(r"127\.0\.0\.1:\d+", "PORT", broken.stdout) == re.sub(r"127\.0\.0\.1:\d+", "PORT", plain.stdout)


def test_unreachable_postgresql_is_one_line_without_the_password(isolated: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = _audit(account_data("demo"), isolated, "--history", f"postgresql://u:pw-s3cret@127.0.0.1:{port}/x")
    assert done.exit_code == 1
    lines = [line for line in done.stderr.splitlines() if "history" in line]
    assert len(lines) == 1 and "pw-s3cret" not in done.stderr and "postgresql://u:***@127.0.0.1" in lines[0]


def test_no_history_writes_nothing_and_the_default_is_the_user_data_dir(isolated: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NSAUDIT_HISTORY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated / "data"))
    default = isolated / "data" / "nsaudit" / "history.sqlite3"
    assert _audit(account_data("demo"), isolated, "--no-history").exit_code == 1
    assert not default.exists()
    assert _audit(account_data("demo"), isolated).exit_code == 1
    assert default.exists()
    listing = json.loads(_cli("history", "--format", "json").stdout)
    assert len(listing["runs"]) == 1 and listing["runs"][0]["account"] == "1234567"


def test_history_of_nothing_is_one_line(isolated: Path) -> None:
    done = _cli("history", "--history", str(isolated / "none.sqlite3"))
    assert done.exit_code == 2 and done.stderr.startswith("nsaudit: error: ") and "no history yet" in done.stderr
    assert not (isolated / "none.sqlite3").exists()


def test_the_demo_stays_out_of_the_users_history(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NSAUDIT_HISTORY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated / "data"))
    assert _cli("run", "--demo", "--no-progress").exit_code == 1
    assert not (isolated / "data" / "nsaudit").exists()
    named = isolated / "demo-history.sqlite3"
    assert _cli("run", "--demo", "--no-progress", "--history", str(named)).exit_code == 1
    runs = json.loads(_cli("history", "--history", str(named), "--format", "json").stdout)["runs"]
    assert [r["source"] for r in runs] == ["demo"]


def test_history_of_a_postgresql_without_the_driver_is_one_line(isolated: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    done = _cli("history", "--history", "postgresql://u@127.0.0.1:1/x")
    assert done.exit_code == 2 and done.stderr.count("\n") == 1 and "nsaudit[postgresql]" in done.stderr
