"""Several accounts in one run: two simulators on loopback, two profiles, one summary, the worst exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.commands.accounts import worst_exit
from netsuite_audit.simulator.server import SimServer
from tests.support.e2e import FIXTURES, account_data, find, serve

WORKSPACE = FIXTURES / "workspaces" / "healthy.toml"


def _profile(name: str, server: SimServer) -> str:
    fixture = server.account.fixture
    token = fixture.tokens[0]
    integration = next(i for i in fixture.integrations if i.id == token.integration)
    return (f'[profiles.{name}]\naccount = "{fixture.account_id}"\nconsumer_key = "{integration.consumer_key}"\n'
            f'consumer_secret = "{integration.consumer_secret}"\ntoken_id = "{token.token_id}"\n'
            f'token_secret = "{token.token_secret}"\nbase_url = "{server.url}"\n')


@pytest.fixture
def two_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    broken = account_data("healthy")
    find(broken["projects"], id=401)["status"] = 1  # a Closed project the workspace uses: NS0770
    with serve(account_data("healthy")) as good, serve(broken) as bad:
        profiles = tmp_path / "profiles.toml"
        profiles.write_text(_profile("good", good) + "\n" + _profile("bad", bad))
        profiles.chmod(0o600)
        monkeypatch.setenv("NSAUDIT_PROFILES_FILE", str(profiles))
        for var in ("NSAUDIT_ACCOUNT", "NSAUDIT_BASE_URL", "NSAUDIT_PROFILE"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.chdir(tmp_path)
        yield tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_two_accounts_worst_exit_and_both_results(two_accounts: Path) -> None:
    code, out, err = _run("run", "--profile", "good", "--profile", "bad", "--workspace", str(WORKSPACE),
                          "--no-color", "-f", "json:{profile}.json")
    assert code == 1, err
    good = json.loads((two_accounts / "good.json").read_text())
    bad = json.loads((two_accounts / "bad.json").read_text())
    assert good["exit_code"] == 0 and good["account"]["profile"] == "good"
    assert bad["exit_code"] == 1 and bad["account"]["profile"] == "bad"
    assert any(f["id"] == "project-active/job:401" and f["status"] == "FAIL" for f in bad["findings"])
    assert not any(f["status"] == "FAIL" for f in good["findings"])
    lines = {row[0]: row for row in (line.split() for line in out.splitlines()) if row[:1] in (["good"], ["bad"])}
    assert lines["good"][2] == "0" and lines["bad"][2] == "1"
    assert "exit 1 (worst of 2 accounts" in out


def test_each_account_lists_its_findings_and_the_file_warning_comes_once(
        two_accounts: Path, caplog: pytest.LogCaptureFixture) -> None:
    (two_accounts / "profiles.toml").chmod(0o610)  # shared (group may traverse), not readable: a warning
    code, out, err = _run("run", "--profile", "good", "--profile", "bad", "--workspace", str(WORKSPACE),
                          "--no-color", "-f", "json:{profile}.json")
    assert code == 1, err
    good, bad = out.index("[good] account"), out.index("[bad] account")
    assert good < bad < out.index("exit 1 (worst of 2 accounts")
    assert "Result: nothing needs action" in out[good:bad]
    assert "Result: 1 finding needs action" in out[bad:]
    assert re.search(r"NS0770 +FAIL +Project", out[bad:]), out[bad:]  # column width follows the longest label
    warned = [r for r in caplog.records if "is open to other users" in r.getMessage()]
    assert len(warned) == 1, [r.getMessage() for r in caplog.records]


def test_all_profiles_and_a_broken_profile_gives_exit_2(two_accounts: Path) -> None:
    profiles = two_accounts / "profiles.toml"
    profiles.write_text(profiles.read_text() + '\n[profiles.zz-broken]\naccount = "1234567"\n')
    code, out, err = _run("run", "--all-profiles", "--workspace", str(WORKSPACE), "--no-color",
                          "-f", "json:{profile}.json")
    assert code == 2
    assert "[zz-broken]" in err and "consumer_key" in err
    assert (two_accounts / "good.json").is_file() and (two_accounts / "bad.json").is_file()
    assert not (two_accounts / "zz-broken.json").exists()
    assert "zz-broken" in out


def test_several_accounts_need_profile_in_each_path(two_accounts: Path) -> None:
    code, _, err = _run("run", "--profile", "good", "--profile", "bad", "-f", "json:out.json")
    assert code == 2 and "{profile}" in err and err.count("\n") == 1


def test_worst_exit_order() -> None:
    assert worst_exit([0, 1, 3]) == 3
    assert worst_exit([0, 1]) == 1
    assert worst_exit([3, 2, 1]) == 2
    assert worst_exit([0, 0]) == 0
    assert worst_exit([]) == 0


def test_shards_split_the_profiles_once_each() -> None:
    from netsuite_audit.commands.accounts import shard_profiles

    names = [f"acct-{n:02d}" for n in range(11)]
    for count in range(1, 6):
        shards = [shard_profiles(names, f"{i}/{count}") for i in range(1, count + 1)]
        assert sorted(p for shard in shards for p in shard) == sorted(names)  # each once, none lost
        assert max(map(len, shards)) - min(map(len, shards)) <= 1  # balanced
    assert shard_profiles(["b", "a", "c"], "1/2") == ["a", "c"]  # sorted: the same split in every job


@pytest.mark.parametrize("spec", ["3/2", "0/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_one_line_exit_2(two_accounts: Path, spec: str) -> None:
    code, _, err = _run("run", "--all-profiles", "--shard", spec, "--workspace", str(WORKSPACE))
    assert code == 2 and err.startswith("nsaudit: error: --shard") and err.count("\n") == 1


def test_two_shards_audit_each_account_once_into_one_history(two_accounts: Path) -> None:
    history = two_accounts / "history.sqlite3"
    for shard in ("1/2", "2/2"):
        code, _, err = _run("run", "--all-profiles", "--shard", shard, "--workspace", str(WORKSPACE), "--no-color",
                            "-f", "json:{profile}.json", "--history", str(history))
        assert code in (0, 1), err
        assert "history not recorded" not in err
    assert code == 0  # shard 2/2 is "good" alone (sorted: bad, good)
    assert (two_accounts / "bad.json").is_file() and (two_accounts / "good.json").is_file()
    listing = CliRunner().invoke(cli, ["history", "--history", str(history), "--format", "json"])
    runs = json.loads(listing.stdout)["runs"]
    assert sorted(r["profile"] for r in runs) == ["bad", "good"]
    code, _, err = _run("run", "--all-profiles", "--shard", "3/3", "--workspace", str(WORKSPACE))
    assert code == 0 and "holds no profile" in err


def test_a_multi_account_run_records_every_account(two_accounts: Path) -> None:
    history = two_accounts / "multi.sqlite3"
    code, _, err = _run("run", "--profile", "good", "--profile", "bad", "--workspace", str(WORKSPACE),
                        "--no-color", "-f", "json:{profile}.json", "--history", str(history))
    assert code == 1 and "history not recorded" not in err, err
    listing = CliRunner().invoke(cli, ["history", "--history", str(history), "--format", "json"])
    data = json.loads(listing.stdout)
    assert sorted((r["profile"], r["exit_code"]) for r in data["runs"]) == [("bad", 1), ("good", 0)]
    assert any(f["fingerprint"] == "project-active/job:401" and f["status"] == "open" for f in data["findings"])
